package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.AlreadyFinished;
import dev.loyaltyrelay.domain.DeliveryLedger.HeldElsewhere;
import dev.loyaltyrelay.domain.DeliveryLedger.LapsedMidCall;
import dev.loyaltyrelay.domain.DeliveryLedger.SettleResult;
import dev.loyaltyrelay.domain.DeliveryLedger.Settled;
import dev.loyaltyrelay.domain.DeliveryLedger.Settlement;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Ends or postpones a delivery that is not sent, without a claim ({@link DeliveryLedger#settle}): refused with its
 * reason, or back on the queue with a delay that grows with each receive, and given up (dead-lettered with the
 * reason, then recorded {@code EXHAUSTED}) once the budget is spent.
 */
@ApplicationScoped
class UnclaimedSettling {

    static final String LAPSED_MID_CALL = "attempt_lapsed_mid_call";
    private static final Logger LOG = Logger.getLogger(JobDelivery.class);

    private final DeliveryLedger ledger;
    private final ClaimedRecording recording;
    private final DeliveryReport report;
    private final DeliveryRules rules;
    private final Clock clock;

    UnclaimedSettling(DeliveryLedger ledger, ClaimedRecording recording, DeliveryReport report, DeliveryRules rules, Clock clock) {
        this.ledger = ledger;
        this.recording = recording;
        this.report = report;
        this.rules = rules;
        this.clock = clock;
    }

    /** Back on the queue without a claim, for longer at each receive, within the budget. */
    RecordResult waitWithoutCall(InFlight delivery, RetryLater retry) {
        if (delivery.queued().receiveCount() >= rules.settings().maxReceives()) {
            return exhaust(delivery, retry, false, "receives_exhausted");
        }
        Duration delay = new ProviderQueues.Postponement("", rules.retryDelay(retry, delivery.queued().receiveCount())).clampedDelay();
        Instant now = clock.instant();
        int calls = retry.providerCalled() ? 1 : 0;
        return switch (settle(delivery, new Settlement(DeliveryStatus.RETRY_SCHEDULED, retry, now.plus(delay), false))) {
            case Settled settled when rules.budgetSpent(settled.attemptsSoFar() + calls, settled.budgetFrom(), now).isPresent() ->
                    exhaust(delivery, retry, false, rules.budgetSpent(settled.attemptsSoFar() + calls, settled.budgetFrom(), now).orElseThrow());
            case Settled settled -> {
                report.outcome(delivery, DeliveryStatus.RETRY_SCHEDULED, retry, "");
                yield new RecordResult.Again(delay);
            }
            case SettleResult other -> unsettled(delivery, other);
        };
    }

    /**
     * Deferred until quiet hours end, without a claim: back on the queue until then (at most SQS's 12 h at a time, after
     * which it is deferred again), its age budget credited with the wait ({@link DeliveryLedger#defer}). No receive
     * budget applies: a deferral is not a failure. A delivery whose age budget is spent all the same (the deferral
     * credit is bounded, {@code relay.delivery.max-deferral}) is given up with the deferral's reason.
     */
    RecordResult defer(InFlight delivery, DeliveryOutcome.Deferred deferred) {
        Instant now = clock.instant();
        Duration wait = new ProviderQueues.Postponement("", DeliveryRules.untilWhole(now, deferred.notBefore())).clampedDelay();
        SettleResult result = ledger.defer(delivery.job(), delivery.body(), deferred, now.plus(wait), rules.settings().maxDeferral(), false, now);
        if (result instanceof LapsedMidCall && !rules.recordsUnknownOutcomes()) {
            // Under resend, a lapsed attempt is simply replaced.
            result = ledger.defer(delivery.job(), delivery.body(), deferred, now.plus(wait), rules.settings().maxDeferral(), true, now);
        }
        return switch (result) {
            case Settled settled when rules.budgetSpent(settled.attemptsSoFar(), settled.budgetFrom(), now).isPresent() ->
                    exhaust(delivery, deferred, false, rules.budgetSpent(settled.attemptsSoFar(), settled.budgetFrom(), now).orElseThrow());
            case Settled settled -> {
                report.outcome(delivery, DeliveryStatus.DEFERRED, deferred, "");
                yield new RecordResult.Again(wait);
            }
            case SettleResult other -> unsettled(delivery, other);
        };
    }

    /** Given up: on the dead-letter queue first, then recorded (a letter of a finished delivery is dropped by a redrive). */
    RecordResult exhaust(InFlight delivery, DeliveryOutcome outcome, boolean overLapsedLease, String givenUpBy) {
        if (!recording.deadLetter(delivery, outcome, givenUpBy)) {
            Duration delay = rules.settings().backoffBase();
            return switch (settle(delivery, new Settlement(DeliveryStatus.RETRY_SCHEDULED, outcome, clock.instant().plus(delay), overLapsedLease))) {
                case Settled settled -> new RecordResult.Again(delay);
                case SettleResult other -> unsettled(delivery, other);
            };
        }
        SettleResult result;
        try {
            result = settle(delivery, new Settlement(DeliveryStatus.EXHAUSTED, outcome, null, overLapsedLease, givenUpBy));
        } catch (StoreUnavailable unrecorded) {
            // The letter is on the dead-letter queue; the record still shows the delivery waiting, and a redrive
            // requeues it with a fresh budget. Done here, so it is not dead-lettered twice.
            LOG.warnf("delivery %s dead-lettered but not recorded given up: %s", delivery.deliveryId(), unrecorded.getMessage());
            return RecordResult.DONE;
        }
        return switch (result) {
            case Settled settled -> {
                report.givenUp(delivery, outcome, givenUpBy);
                yield RecordResult.DONE;
            }
            case SettleResult other -> unsettled(delivery, other);
        };
    }

    RecordResult settleFinal(InFlight delivery, DeliveryStatus status, DeliveryOutcome outcome, boolean overLapsedLease) {
        return switch (settle(delivery, new Settlement(status, outcome, null, overLapsedLease))) {
            case Settled settled -> {
                report.outcome(delivery, status, outcome, "");
                yield RecordResult.DONE;
            }
            case SettleResult other -> unsettled(delivery, other);
        };
    }

    /** A lapsed attempt that may have sent, ended as such (the {@code record} policy) or retried ({@code resend}). */
    RecordResult settleLapsed(InFlight delivery) {
        return settleFinal(delivery, DeliveryStatus.UNKNOWN, countUnknown(delivery, new Unknown(LAPSED_MID_CALL)), true);
    }

    /** Counts an unknown outcome, and under the {@code resend} policy turns it into a retry. */
    DeliveryOutcome countUnknown(InFlight delivery, DeliveryOutcome outcome) {
        if (!(outcome instanceof Unknown unknown)) {
            return outcome;
        }
        report.unknown(delivery.provider(), unknown.reason(), rules.settings().unknownOutcome().name());
        return rules.recordsUnknownOutcomes() ? unknown : new RetryLater("outcome_unknown_resend", Optional.empty(), true, 0);
    }

    RecordResult duplicate(InFlight delivery, AlreadyFinished finished) {
        report.duplicate(delivery, finished);
        return RecordResult.DONE;
    }

    RecordResult heldElsewhere(InFlight delivery, HeldElsewhere held) {
        report.leaseConflict(delivery.provider());
        Duration wait = Duration.between(clock.instant(), held.leaseUntil()).plusSeconds(1);
        return new RecordResult.Again(wait.isNegative() ? Duration.ofSeconds(1) : wait);
    }

    /**
     * Writes a change without a call, and counts it. Over a lapsed claim, the lapsed attempt decides first: under the
     * {@code record} policy it may have sent, so it is for the caller to end the delivery unknown
     * ({@link LapsedMidCall}); under {@code resend} it is simply replaced.
     */
    private SettleResult settle(InFlight delivery, Settlement settlement) {
        Instant now = clock.instant();
        SettleResult result = ledger.settle(delivery.job(), delivery.body(), settlement, now);
        if (result instanceof LapsedMidCall && !rules.recordsUnknownOutcomes()) {
            result = ledger.settle(delivery.job(), delivery.body(), new Settlement(settlement.status(), settlement.outcome(),
                    settlement.nextAttemptAt(), true, settlement.givenUpBy()), now);
        }
        return result;
    }

    private RecordResult unsettled(InFlight delivery, SettleResult result) {
        return switch (result) {
            case AlreadyFinished finished -> duplicate(delivery, finished);
            case HeldElsewhere held -> heldElsewhere(delivery, held);
            case LapsedMidCall lapsed -> settleLapsed(delivery);
            case Settled settled -> RecordResult.DONE;
        };
    }
}
