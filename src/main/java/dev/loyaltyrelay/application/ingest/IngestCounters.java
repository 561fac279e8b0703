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
 * and their dimensions are identifiers and reason codes only, never personal data. Every step of ingestion counts
 * through here.
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

    private final RelayMetrics metrics;

    IngestCounters(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    /** {@code merchantId} is {@code unknown} for an id no merchant has: made-up ids would each become a new metric. */
    void refused(String merchantId, Refusal refusal) {
        metrics.increment(REFUSED, Map.of("merchant", merchantId, "check", refusal.code()));
    }

    void bodySignatureMismatch(String merchantId, SignaturePolicy policy) {
        metrics.increment(BODY_SIGNATURE_MISMATCH, Map.of("merchant", merchantId, "policy", policy.name()));
    }

    void ignored(String merchantId, IgnoreReason reason) {
        metrics.increment(IGNORED, Map.of("merchant", merchantId, "reason", reason.code()));
    }

    void held(String merchantId, String topic, HoldReason reason) {
        metrics.increment(HELD, Map.of("merchant", merchantId, "topic", topic, "reason", reason.code()));
    }

    /** The delivery id was processed before. */
    void duplicateDeliveryId(String merchantId) {
        metrics.increment(DUPLICATE, Map.of("merchant", merchantId, "reason", "delivery_id"));
    }

    /** The same body came under another delivery id moments ago. */
    void repeatedBody(Merchant merchant) {
        metrics.increment(REPEATED_BODY, Map.of("merchant", merchant.merchantId(), "policy", merchant.repeatPolicy().name()));
    }

    void queued(String provider, String topic) {
        metrics.increment(QUEUED, Map.of("provider", provider, "topic", topic));
    }

    /** A mapped delivery without a usable recipient. */
    void skipped(String provider, String reason) {
        metrics.increment(SKIPPED, Map.of("provider", provider, "reason", reason));
    }

    void queueUnavailable(String merchantId) {
        metrics.increment(QUEUE_UNAVAILABLE, Map.of("merchant", merchantId));
    }

    void customerNotRecorded(String merchantId) {
        metrics.increment(CUSTOMER_NOT_RECORDED, Map.of("merchant", merchantId));
    }

    /** What an authentic event showed of its topic could not be recorded (the event went on without it). */
    void observationNotRecorded(String merchantId) {
        metrics.increment(OBSERVATION_NOT_RECORDED, Map.of("merchant", merchantId));
    }
}
