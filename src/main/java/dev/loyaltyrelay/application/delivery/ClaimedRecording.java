package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.ClaimLost;
import dev.loyaltyrelay.domain.DeliveryLedger.Claimed;
import dev.loyaltyrelay.domain.DeliveryLedger.Written;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Records an outcome under the delivery's claim. A write the store refuses is tried again briefly, then the outcome
 * travels on a copy of the job to whoever takes the lapsed claim over: unrecorded, the claim would lapse and the
 * delivery be taken as possibly sent.
 */
@ApplicationScoped
class ClaimedRecording {

    private static final Logger LOG = Logger.getLogger(JobDelivery.class);
    /** Pauses between tries of an outcome write the store refused. */
    private static final long[] OUTCOME_WRITE_PAUSES_MILLIS = {100, 300, 700};

    private final DeliveryLedger ledger;
    private final ProviderQueues queues;
    private final DeliveryReport report;
    private final DeliveryRules rules;
    private final Clock clock;

    ClaimedRecording(DeliveryLedger ledger, ProviderQueues queues, DeliveryReport report, DeliveryRules rules, Clock clock) {
        this.ledger = ledger;
        this.queues = queues;
        this.report = report;
        this.rules = rules;
        this.clock = clock;
    }

    RecordResult record(InFlight delivery, Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Duration delay) {
        Instant now = clock.instant();
        Duration clamped = delay == null ? null : new ProviderQueues.Postponement("", delay).clampedDelay();
        DeliveryLedger.WriteResult result;
        try {
            result = writingOutcome(delivery, () -> ledger.record(claim, status, outcome, clamped == null ? null : now.plus(clamped), now));
        } catch (StoreUnavailable unrecorded) {
            return carry(delivery, new CarriedOutcome(claim.token(), status, outcome, clamped, null), unrecorded);
        }
        return switch (result) {
            case Written written -> {
                report.outcome(delivery, status, outcome, "");
                yield clamped == null ? RecordResult.DONE : new RecordResult.Again(clamped);
            }
            case ClaimLost lost -> {
                report.outcome(delivery, status, outcome, "; claim lost to another function, its record stands");
                yield RecordResult.DONE;
            }
        };
    }

    /** Given up: on the dead-letter queue, then recorded; without the queue, recorded as waiting and given up at the next receive. */
    RecordResult recordExhausted(InFlight delivery, Claimed claim, DeliveryOutcome outcome, String givenUpBy) {
        if (!deadLetter(delivery, outcome, givenUpBy)) {
            return record(delivery, claim, DeliveryStatus.RETRY_SCHEDULED, outcome, rules.settings().backoffBase());
        }
        return recordGivenUp(delivery, claim, outcome, givenUpBy);
    }

    /** Records the delivery given up, its letter already on the dead-letter queue. */
    RecordResult recordGivenUp(InFlight delivery, Claimed claim, DeliveryOutcome outcome, String givenUpBy) {
        Instant now = clock.instant();
        DeliveryLedger.WriteResult result;
        try {
            result = writingOutcome(delivery, () -> ledger.recordGivenUp(claim, outcome, givenUpBy, now));
        } catch (StoreUnavailable unrecorded) {
            return carry(delivery, new CarriedOutcome(claim.token(), DeliveryStatus.EXHAUSTED, outcome, null, givenUpBy), unrecorded);
        }
        if (result instanceof Written) {
            report.givenUp(delivery, outcome, givenUpBy);
        }
        return RecordResult.DONE;
    }

    /** Puts the job on the dead-letter queue with its reason; false when the queue would not take it. */
    boolean deadLetter(InFlight delivery, DeliveryOutcome outcome, String givenUpBy) {
        try {
            queues.deadLetter(delivery.provider(), delivery.body(), delivery.deliveryId(), outcome.reason(), givenUpBy);
            return true;
        } catch (QueueUnavailable e) {
            // Recorded as waiting, not as given up: the next receive finds the budget spent and dead-letters it then.
            LOG.warnf("delivery %s not dead-lettered yet: %s", delivery.deliveryId(), e.getMessage());
            return false;
        }
    }

    /**
     * Writes a known outcome, trying again briefly when the store fails (the SDK has retried already). Tries again only
     * while the invocation has time for it and for carrying the outcome on the queue after it.
     */
    private DeliveryLedger.WriteResult writingOutcome(InFlight delivery, Supplier<DeliveryLedger.WriteResult> write) {
        for (long pause : OUTCOME_WRITE_PAUSES_MILLIS) {
            try {
                return write.get();
            } catch (StoreUnavailable failed) {
                if (!rules.timeToPause(delivery.deadlineNanos(), Duration.ofMillis(pause))) {
                    throw failed;
                }
                LOG.warnf("delivery %s: outcome not written yet (%s); again in %d ms", delivery.deliveryId(), failed.getMessage(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw failed;
                }
            }
        }
        return write.get();
    }

    /**
     * The store would not take a known outcome: a copy of the job carries it to the attempt that takes the lapsed
     * claim over (received before the lease ends, the copy waits for it as for any claim held elsewhere), and the
     * original goes. Without the queue either, the original comes back and the lapse decides.
     */
    private RecordResult carry(InFlight delivery, CarriedOutcome carried, StoreUnavailable unrecorded) {
        if (!CarriedOutcome.carries(carried.status()) || delivery.body() == null) {
            throw unrecorded;
        }
        try {
            queues.requeue(delivery.provider(), delivery.body(), carried.attributes());
        } catch (QueueUnavailable queueDownToo) {
            throw unrecorded;
        }
        LOG.warnf("delivery %s: %s (%s) not recorded (%s); carried by a copy of its job", delivery.deliveryId(), carried.status(),
                carried.outcome().reason(), unrecorded.getMessage());
        return RecordResult.DONE;
    }
}
