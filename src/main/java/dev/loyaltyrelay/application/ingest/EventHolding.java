package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.application.ingest.IngestOutcome.Held;
import dev.loyaltyrelay.application.ingest.IngestOutcome.HoldReason;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Keeps an authentic event that cannot be queued as it is, for replay once the catalogue, the mapping or the
 * event's size allows: answering 4xx would only make Nector retry it and then drop it. The body is kept byte for byte,
 * with the headers a replay needs (never the secret hash).
 */
final class EventHolding {

    private static final Logger LOG = Logger.getLogger(EventHolding.class);

    private final HeldEventStore held;
    private final IngestCounters counters;

    EventHolding(HeldEventStore held, IngestCounters counters) {
        this.held = held;
        this.counters = counters;
    }

    /** A documented property does not have its documented type: held before anything is claimed. */
    Held holdInvalid(String merchantId, WebhookRequest request, WebhookEvent event, List<String> violations, Instant now) {
        String detail = String.join("; ", violations);
        keep(merchantId, request, event, HoldReason.SCHEMA_VIOLATION, detail, now);
        counters.held(event.topic(), HoldReason.SCHEMA_VIOLATION);
        LOG.infof("ingest: held %s of merchant %s (%s)", event.nectorDeliveryId(), merchantId, detail);
        return new Held(HoldReason.SCHEMA_VIOLATION, violations, "kept for replay: a documented property does not have its documented type");
    }

    /**
     * A queue will never take the event's jobs as they are (too large, say): held, not answered 503 (Nector would retry
     * in vain, then drop it). The claims are released, not completed: the replay, after the merchant's fix, takes the
     * claim over and queues the event.
     */
    Held holdRefusedByQueue(String merchantId, WebhookRequest request, WebhookEvent event, String reason, IngestClaims.Claims claims,
            Instant now) {
        keep(merchantId, request, event, HoldReason.QUEUE_REFUSED, reason, now);
        claims.release();
        counters.held(event.topic(), HoldReason.QUEUE_REFUSED);
        LOG.warnf("ingest: held %s of merchant %s: the queue refused its jobs (%s)", event.nectorDeliveryId(), merchantId, reason);
        return new Held(HoldReason.QUEUE_REFUSED, List.of(reason), "kept for replay: a delivery queue will not take this event's jobs as they are");
    }

    private void keep(String merchantId, WebhookRequest request, WebhookEvent event, HoldReason reason, String detail, Instant now) {
        held.hold(new HeldEvent(merchantId, event.nectorDeliveryId(), event.topic(), reason.code(), detail, replayHeaders(request),
                request.bodyText(), now));
    }

    private static Map<String, String> replayHeaders(WebhookRequest request) {
        var headers = new TreeMap<String, String>();
        for (String name : NectorHeaders.REPLAYED) {
            String value = request.headers().get(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }
}
