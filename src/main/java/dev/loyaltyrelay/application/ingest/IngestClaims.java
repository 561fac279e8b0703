package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.application.ingest.IngestOutcome.Duplicate;
import dev.loyaltyrelay.application.ingest.IngestOutcome.DuplicateOf;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refusal;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refused;
import dev.loyaltyrelay.application.ingest.IngestOutcome.RetryLater;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.IngestLedger.Claim;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.StoreUnavailable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The ingest ledger's part in a webhook: the claim on its delivery id, and the same body seen under an earlier id.
 * Whatever it claims ends in {@link Claims}, which the request completes or releases.
 */
final class IngestClaims {

    private static final Logger LOG = Logger.getLogger(IngestClaims.class);

    private final IngestLedger ledger;
    private final IngestCounters counters;

    IngestClaims(IngestLedger ledger, IngestCounters counters) {
        this.ledger = ledger;
        this.counters = counters;
    }

    /**
     * The claims one request holds: its own delivery id's, and an earlier id's it took over. The event's jobs are
     * derived from {@link #eventDeliveryId()}: the request's own id, or the earlier id of the same event.
     */
    final class Claims {
        private final List<Claim> held = new ArrayList<>();
        private final String nectorDeliveryId;
        private String eventDeliveryId;

        private Claims(Claim own, String nectorDeliveryId) {
            this.held.add(own);
            this.nectorDeliveryId = nectorDeliveryId;
            this.eventDeliveryId = nectorDeliveryId;
        }

        Claim own() {
            return held.getLast();
        }

        String eventDeliveryId() {
            return eventDeliveryId;
        }

        private void takeOver(Claim earlier) {
            held.addFirst(earlier);
            eventDeliveryId = earlier.nectorDeliveryId();
        }

        /** Marks the fan-out done under every claim, with the delivery ids it queued. */
        void complete(List<String> queuedDeliveryIds, Instant now) {
            for (Claim claim : held) {
                ledger.complete(claim, queuedDeliveryIds, now);
            }
        }

        /** Gives every claim up, so Nector's retry need not wait for the leases. */
        void release() {
            held.forEach(IngestClaims.this::releaseQuietly);
        }
    }

    /** Claims the request's delivery id, unless another request holds it, completed it, or had it with another body. */
    Step<Claims> claim(String merchantId, String nectorDeliveryId, String bodyHash, Instant now) {
        return switch (ledger.claim(merchantId, nectorDeliveryId, bodyHash, now)) {
            case IngestLedger.InProgress inProgress -> Step.stop(inProgress(now, inProgress, "this delivery id is being processed; retry later"));
            case IngestLedger.AlreadyCompleted done -> {
                counters.duplicateDeliveryId();
                yield Step.stop(new Duplicate(DuplicateOf.DELIVERY_ID_ALREADY_PROCESSED));
            }
            case IngestLedger.BodyMismatch mismatch -> {
                counters.refused(Refusal.DELIVERY_ID_REUSED);
                yield Step.stop(new Refused(Refusal.DELIVERY_ID_REUSED, "this delivery id was already received with a different body"));
            }
            case Claim claim -> Step.proceed(new Claims(claim, nectorDeliveryId));
        };
    }

    /**
     * Records the body's fingerprint. When the same body came moments ago under another id and the merchant drops
     * repeats, a repeat is only a repeat of an event that was queued, and the earlier id's claim says whether it was:
     * completed, this request is a duplicate; in progress, it waits; never completed, this request takes the event
     * over and goes on under the earlier id.
     */
    Step<Claims> settleRepeat(Merchant merchant, Claims claims, String topic, String bodyHash, Instant now) {
        String fingerprint = Hashes.sha256HexOfParts(topic, bodyHash);
        if (!(ledger.recordFingerprint(merchant.merchantId(), fingerprint, claims.nectorDeliveryId, now) instanceof IngestLedger.RepeatOf repeat)) {
            return Step.proceed(claims);
        }
        if (merchant.repeatPolicy() != RepeatPolicy.DROP) {
            counters.repeatedBody(merchant);
            return Step.proceed(claims);
        }
        Claim own = claims.own();
        return switch (ledger.adopt(own, repeat.firstDeliveryId(), bodyHash, now)) {
            case IngestLedger.AlreadyCompleted done -> {
                counters.repeatedBody(merchant);
                ledger.completeAsRepeat(own, repeat.firstDeliveryId(), now);
                yield Step.stop(new Duplicate(DuplicateOf.SAME_BODY_UNDER_NEW_DELIVERY_ID));
            }
            case IngestLedger.InProgress inProgress -> {
                releaseQuietly(own);
                yield Step.stop(inProgress(now, inProgress, "the same body is being processed under another delivery id; retry later"));
            }
            case Claim adopted -> {
                // Nector retrying, under a new id, an event whose fan-out failed or was cut short.
                claims.takeOver(adopted);
                yield Step.proceed(claims);
            }
            // No claim on this body under the earlier id: delivered as its own event.
            case IngestLedger.BodyMismatch notTheSameEvent -> Step.proceed(claims);
        };
    }

    private static RetryLater inProgress(Instant now, IngestLedger.InProgress inProgress, String message) {
        return RetryLater.inProgress(message, Duration.ofSeconds(Math.max(1, Duration.between(now, inProgress.leaseUntil()).toSeconds())));
    }

    private void releaseQuietly(Claim claim) {
        try {
            ledger.release(claim);
        } catch (StoreUnavailable e) {
            LOG.warnf("ingest: claim %s not released (it lapses with its lease): %s", claim.nectorDeliveryId(), e.getMessage());
        }
    }
}
