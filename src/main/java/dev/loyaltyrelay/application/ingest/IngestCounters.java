package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.application.ingest.IngestOutcome.HoldReason;
import dev.loyaltyrelay.application.ingest.IngestOutcome.IgnoreReason;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refusal;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.domain.SignaturePolicy;
import java.util.Map;

/**
 * What the webhook function counts, in one place: the counters' names are the ones operators' alarms and dashboards read,
 * and their dimensions are a bounded set of our own codes (provider keys, reason codes, catalogue topics), never personal
 * data and never a value the sender chooses: CloudWatch bills each dimension value as a metric of its own. No merchant
 * either (per-merchant figures live in the figures table); the merchant of a refused or failed event is in its log line.
 * Every step of ingestion counts through here.
 */
final class IngestCounters {

    static final String REFUSED = "RefusedWebhooks";
    static final String BODY_SIGNATURE_MISMATCH = "BodySignatureMismatch";
    static final String IGNORED = "IgnoredEvents";
    static final String HELD = "HeldEvents";
    static final String DUPLICATE = "DuplicateWebhooks";
    static final String REPEATED_BODY = "RepeatedBodies";
    static final String QUEUED = "QueuedDeliveries";
    static final String SKIPPED = "SkippedDeliveries";
    static final String QUEUE_UNAVAILABLE = "QueueUnavailable";
    static final String CUSTOMER_NOT_RECORDED = "CustomerUpsertFailed";
    static final String OBSERVATION_NOT_RECORDED = "TrafficObservationFailed";
    /** The {@code topic} dimension of a topic outside the catalogue. */
    static final String OTHER_TOPIC = "other";

    private final RelayMetrics metrics;

    IngestCounters(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    void refused(Refusal refusal) {
        metrics.increment(REFUSED, Map.of("check", refusal.code()));
    }

    void bodySignatureMismatch(SignaturePolicy policy) {
        metrics.increment(BODY_SIGNATURE_MISMATCH, Map.of("policy", policy.name()));
    }

    void ignored(IgnoreReason reason) {
        metrics.increment(IGNORED, Map.of("reason", reason.code()));
    }

    void held(String topic, HoldReason reason) {
        metrics.increment(HELD, Map.of("topic", topicDimension(topic), "reason", reason.code()));
    }

    /** The delivery id was processed before. */
    void duplicateDeliveryId() {
        metrics.increment(DUPLICATE, Map.of("reason", "delivery_id"));
    }

    /** The same body came under another delivery id moments ago. */
    void repeatedBody(Merchant merchant) {
        metrics.increment(REPEATED_BODY, Map.of("policy", merchant.repeatPolicy().name()));
    }

    void queued(String provider, String topic) {
        metrics.increment(QUEUED, Map.of("provider", provider, "topic", topicDimension(topic)));
    }

    /**
     * A topic as a dimension value: the topic where the catalogue lists it, else {@code other}. Events are held and queued
     * only for catalogue topics today; this keeps a sender's made-up topic from becoming a metric should that change.
     */
    static String topicDimension(String topic) {
        return topic != null && EventCatalogue.TOPICS.contains(topic) ? topic : OTHER_TOPIC;
    }

    /** A mapped delivery without a usable recipient. */
    void skipped(String provider, String reason) {
        metrics.increment(SKIPPED, Map.of("provider", provider, "reason", reason));
    }

    void queueUnavailable() {
        metrics.increment(QUEUE_UNAVAILABLE, Map.of());
    }

    void customerNotRecorded() {
        metrics.increment(CUSTOMER_NOT_RECORDED, Map.of());
    }

    /** What an authentic event showed of its topic could not be recorded (the event went on without it). */
    void observationNotRecorded() {
        metrics.increment(OBSERVATION_NOT_RECORDED, Map.of());
    }
}
