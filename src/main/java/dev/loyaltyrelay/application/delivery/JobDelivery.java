package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.application.delivery.IntegrationDirectory.SendingContext;
import dev.loyaltyrelay.application.policy.CustomerPolicies;
import dev.loyaltyrelay.application.delivery.SendReadiness.NotSent;
import dev.loyaltyrelay.application.delivery.SendReadiness.Ready;
import dev.loyaltyrelay.domain.ConfigurationStore.RefusalFlag;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.AlreadyFinished;
import dev.loyaltyrelay.domain.DeliveryLedger.BudgetSpent;
import dev.loyaltyrelay.domain.DeliveryLedger.Claimed;
import dev.loyaltyrelay.domain.DeliveryLedger.HeldElsewhere;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.ProviderGateway;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Delivers one job from a provider queue. Everything that can fail without sending comes first and takes no claim
 * ({@link SendReadiness}). Only then is the delivery claimed, and the message request follows at once, so a claim that
 * lapsed means a request may have reached the provider, and nothing else does. The outcome is recorded under the claim
 * ({@link ClaimedRecording}); a job that is not sent ends or waits without one ({@link UnclaimedSettling}). Every wait
 * and retry stays within the pipeline's own budget ({@link DeliveryRules}: {@code max-attempts} calls, {@code max-age}
 * since ingest or the latest reopening, {@code max-receives} receives of one message), after which the delivery is
 * recorded {@code EXHAUSTED} and the pipeline itself dead-letters it with the reason, before the queue's own receive
 * limit would.
 */
@ApplicationScoped
public class JobDelivery {

    private static final Logger LOG = Logger.getLogger(JobDelivery.class);

    private final DeliveryLedger ledger;
    private final SendReadiness readiness;
    private final ClaimedRecording recording;
    private final UnclaimedSettling settling;
    private final IntegrationDirectory integrations;
    private final IntegrationAttention attention;
    private final MappingAttention mappingAttention;
    private final ProviderGateway gateway;
    private final ProviderQueues queues;
    private final RecipientRecheck recheck;
    private final CustomerPolicies policies;
    private final DeliveryReport report;
    private final DeliveryRules rules;
    private final Clock clock;

    JobDelivery(DeliveryLedger ledger, SendReadiness readiness, ClaimedRecording recording, UnclaimedSettling settling,
            IntegrationDirectory integrations, IntegrationAttention attention, MappingAttention mappingAttention, ProviderGateway gateway,
            ProviderQueues queues, RecipientRecheck recheck, CustomerPolicies policies, DeliveryReport report, DeliveryRules rules, Clock clock) {
        this.ledger = ledger;
        this.readiness = readiness;
        this.recording = recording;
        this.settling = settling;
        this.integrations = integrations;
        this.attention = attention;
        this.mappingAttention = mappingAttention;
        this.gateway = gateway;
        this.queues = queues;
        this.recheck = recheck;
        this.policies = policies;
        this.report = report;
        this.rules = rules;
        this.clock = clock;
    }

    /**
     * @param deadlineNanos {@link System#nanoTime()} by which the function must have answered
     */
    RecordResult deliver(Provider provider, QueuedJob queued, RecipientScreen screen, long deadlineNanos) {
        DeliveryJob job = queued.job();
        if (job == null) {
            return poison(provider, queued.body(), null, "job_unreadable");
        }
        if (!job.provider().equals(provider)) {
            return poison(provider, queued.body(), job.deliveryId(), "job_for_another_provider");
        }
        InFlight delivery = new InFlight(provider, queued, job, deadlineNanos);
        if (queued.carried() != null) {
            // An earlier attempt's outcome travels with this copy: it is recorded before anything could stop a call.
            return takeOverCarrying(delivery, queued.carried(), screen);
        }
        return attempt(delivery, screen);
    }

    private RecordResult attempt(InFlight delivery, RecipientScreen screen) {
        if (!rules.timeForACall(delivery.deadlineNanos())) {
            return outOfTime(delivery);
        }
        Optional<DeliveryOutcome> screened = screen.verdict(delivery.job());
        if (screened.isPresent()) {
            return withheld(delivery, screened.get());
        }
        return switch (readiness.check(delivery.job())) {
            case NotSent notSent -> notSent(delivery, notSent);
            case Ready ready -> rules.timeForACall(delivery.deadlineNanos()) ? withinMarketingLimits(delivery, ready) : outOfTime(delivery);
        };
    }

    /**
     * Quiet hours and the frequency cap, before the claim: a deferral is recorded without one (a function that dies here
     * has sent nothing, and a lapse cannot read as a call), a capped message is suppressed without one, and a message that
     * goes holds its attempt's place into the claim.
     */
    private RecordResult withinMarketingLimits(InFlight delivery, Ready ready) {
        String place = placeOf(delivery);
        Optional<DeliveryOutcome> limited;
        try {
            limited = policies.marketingLimits(delivery.job(), ready.context().merchant(), place);
        } catch (RuntimeException capUnavailable) {
            LOG.warnf("delivery %s: no frequency cap place taken (%s); it waits", delivery.deliveryId(), capUnavailable.getClass().getSimpleName());
            return settling.waitWithoutCall(delivery, RetryLater.withoutCall("store_unavailable", Duration.ZERO));
        }
        if (limited.isEmpty()) {
            return sendUnderClaim(delivery, ready, place);
        }
        return switch (limited.get()) {
            case DeliveryOutcome.Deferred deferred -> settling.defer(delivery, deferred);
            case DeliveryOutcome other -> notSent(delivery, new NotSent(other, ready.context()));
        };
    }

    /** A fresh id for this send attempt: what holds the delivery's place in the cap until it is kept or given back. */
    private static String placeOf(InFlight delivery) {
        return java.util.UUID.randomUUID().toString();
    }

    /** Not sent because of who the recipient is (erased, opted out), or because that could not be read. */
    private RecordResult withheld(InFlight delivery, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Suppressed suppressed && suppressed.recipientErased()) {
            // Its record must not bring the erased address (or the event's properties) back.
            return notSent(delivery.withRecipientErased(), new NotSent(suppressed));
        }
        return notSent(delivery, new NotSent(outcome));
    }

    /** Too little of the invocation left for a call: a wait like any other, within the receive budget. */
    private RecordResult outOfTime(InFlight delivery) {
        LOG.infof("delivery %s left for another invocation: too little time for a call", delivery.deliveryId());
        return settling.waitWithoutCall(delivery, RetryLater.withoutCall("out_of_time", Duration.ZERO));
    }

    private RecordResult notSent(InFlight delivery, NotSent notSent) {
        DeliveryOutcome outcome = afterRefusal(delivery, notSent.outcome(), notSent.context());
        return switch (outcome) {
            case RetryLater retry -> settling.waitWithoutCall(delivery, retry);
            default -> settling.settleFinal(delivery, DeliveryRules.statusOf(outcome), outcome, false);
        };
    }

    private RecordResult sendUnderClaim(InFlight delivery, Ready ready, String place) {
        Instant now = clock.instant();
        var budget = new DeliveryLedger.Budget(rules.settings().maxAttempts(), now.minus(rules.settings().maxAge()));
        DeliveryLedger.ClaimResult claimed;
        try {
            claimed = ledger.claim(delivery.job(), delivery.body(), budget,
                    dev.loyaltyrelay.domain.Hashes.sha256Hex(ready.context().integration().credentials().encode()), now);
        } catch (RuntimeException unclaimed) {
            policies.giveBack(delivery.job(), ready.context().merchant(), place);
            throw unclaimed;
        }
        if (!(claimed instanceof Claimed)) {
            policies.giveBack(delivery.job(), ready.context().merchant(), place);
        }
        return switch (claimed) {
            case AlreadyFinished finished -> settling.duplicate(delivery, finished);
            case HeldElsewhere held -> settling.heldElsewhere(delivery, held);
            case BudgetSpent spent -> spent.previousAttemptMayHaveSent() && rules.recordsUnknownOutcomes()
                    ? settling.settleLapsed(delivery)
                    : settling.exhaust(delivery, Rejected.beforeCall(spent.lastReason() != null ? spent.lastReason() : spent.reason()), true,
                            spent.reason());
            case Claimed claim -> callUnderClaim(delivery, claim, ready, place);
        };
    }

    private RecordResult callUnderClaim(InFlight delivery, Claimed claim, Ready ready, String place) {
        Merchant merchant = ready.context().merchant();
        if (claim.previousAttemptMayHaveSent() && rules.recordsUnknownOutcomes()) {
            policies.giveBack(delivery.job(), merchant, place);
            return concludeClaimed(delivery, claim, new Unknown(UnclaimedSettling.LAPSED_MID_CALL), ready.context());
        }
        Optional<DeliveryOutcome> stopped = recheck.beforeCall(delivery.job());
        if (stopped.isPresent()) {
            policies.giveBack(delivery.job(), merchant, place);
            return concludeClaimed(delivery, claim, stopped.get(), ready.context());
        }
        DeliveryOutcome outcome;
        try {
            outcome = gateway.send(ready.context().integrationKey(), ready.message(), ready.context().credentials());
        } catch (Throwable unexpected) {
            // Past the claim the request may have gone out: the outcome is not known.
            LOG.errorf("delivery %s: %s during the call", delivery.deliveryId(), unexpected.getClass().getName());
            outcome = new Unknown("unexpected_error");
        }
        recheck.afterCall(delivery.job(), merchant, place, outcome);
        return concludeClaimed(delivery, claim, outcome, ready.context());
    }

    /**
     * Takes the lapsed claim over to record the outcome this copy carries. No call is made for it, so no budget applies
     * and nothing (an open breaker, a flagged integration, an erasure since) stands in its way. If the claim is not the
     * one the outcome belongs to (the delivery was reopened since), this is an ordinary attempt under the new claim.
     */
    private RecordResult takeOverCarrying(InFlight delivery, CarriedOutcome carried, RecipientScreen screen) {
        return switch (ledger.claim(delivery.job(), delivery.body(), DeliveryLedger.Budget.UNLIMITED, clock.instant())) {
            case AlreadyFinished finished -> settling.duplicate(delivery, finished);
            case HeldElsewhere held -> settling.heldElsewhere(delivery, held);
            case BudgetSpent spent -> attempt(delivery, screen);
            case Claimed claim when claim.previousAttemptMayHaveSent() && carried.token().equals(claim.lapsedToken()) -> {
                LOG.infof("delivery %s: the outcome carried by its copy is recorded (%s)", delivery.deliveryId(), carried.status());
                yield switch (carried.status()) {
                    case EXHAUSTED -> recording.recordGivenUp(delivery, claim, carried.outcome(), carried.givenUpBy());
                    case RETRY_SCHEDULED -> recording.record(delivery, claim, DeliveryStatus.RETRY_SCHEDULED, carried.outcome(),
                            carried.retryIn() != null ? carried.retryIn() : rules.settings().backoffBase());
                    case DEFERRED -> recording.record(delivery, claim, DeliveryStatus.DEFERRED, carried.outcome(),
                            DeliveryRules.untilWhole(clock.instant(), ((DeliveryOutcome.Deferred) carried.outcome()).notBefore()));
                    default -> recording.record(delivery, claim, carried.status(), carried.outcome(), null);
                };
            }
            case Claimed claim -> attemptUnder(delivery, claim, screen);
        };
    }

    /** An ordinary attempt, its claim already taken (without a budget): each way it stops is recorded under the claim. */
    private RecordResult attemptUnder(InFlight delivery, Claimed claim, RecipientScreen screen) {
        if (claim.previousAttemptMayHaveSent() && rules.recordsUnknownOutcomes()) {
            return concludeClaimed(delivery, claim, new Unknown(UnclaimedSettling.LAPSED_MID_CALL), null);
        }
        Optional<String> spent = rules.budgetSpent(claim.attemptsSoFar(), claim.budgetFrom(), clock.instant());
        if (spent.isPresent()) {
            return recording.recordExhausted(delivery, claim, RetryLater.withoutCall(spent.get(), Duration.ZERO), spent.get());
        }
        Optional<DeliveryOutcome> screened = screen.verdict(delivery.job());
        if (screened.isPresent()) {
            return concludeClaimed(delivery, claim, screened.get(), null);
        }
        if (!rules.timeForACall(delivery.deadlineNanos())) {
            return concludeClaimed(delivery, claim, RetryLater.withoutCall("out_of_time", Duration.ZERO), null);
        }
        return switch (readiness.check(delivery.job())) {
            case NotSent notSent -> concludeClaimed(delivery, claim, notSent.outcome(), notSent.context());
            case Ready ready -> rules.timeForACall(delivery.deadlineNanos()) ? withinMarketingLimitsUnder(delivery, claim, ready)
                    : concludeClaimed(delivery, claim, RetryLater.withoutCall("out_of_time", Duration.ZERO), ready.context());
        };
    }

    /**
     * {@link #withinMarketingLimits} for an attempt that holds its claim already (one that took a lapsed claim over to
     * record a carried outcome and found it belonged to another): what stops it is recorded under the claim.
     */
    private RecordResult withinMarketingLimitsUnder(InFlight delivery, Claimed claim, Ready ready) {
        String place = placeOf(delivery);
        Optional<DeliveryOutcome> limited;
        try {
            limited = policies.marketingLimits(delivery.job(), ready.context().merchant(), place);
        } catch (RuntimeException capUnavailable) {
            limited = Optional.of(RetryLater.withoutCall("store_unavailable", Duration.ZERO));
        }
        return limited.isPresent() ? concludeClaimed(delivery, claim, limited.get(), ready.context()) : callUnderClaim(delivery, claim, ready, place);
    }

    private RecordResult concludeClaimed(InFlight delivery, Claimed claim, DeliveryOutcome outcome, SendingContext context) {
        outcome = afterRefusal(delivery, settling.countUnknown(delivery, outcome), context);
        Instant now = clock.instant();
        return switch (outcome) {
            case DeliveryOutcome.Deferred deferred -> recording.record(delivery, claim, DeliveryStatus.DEFERRED, deferred,
                    DeliveryRules.untilWhole(now, deferred.notBefore()));
            case RetryLater retry -> {
                int attempts = claim.attemptsSoFar() + (retry.providerCalled() ? 1 : 0);
                Optional<String> spent = rules.budgetSpent(attempts, claim.budgetFrom(), now);
                if (spent.isPresent()) {
                    yield recording.recordExhausted(delivery, claim, retry, spent.get());
                }
                // A retry after a call backs off by the calls made; one without (the breaker opened meanwhile) by the receives.
                int tries = retry.providerCalled() ? attempts : delivery.queued().receiveCount();
                Duration delay = rules.retryDelay(retry, tries);
                Optional<String> spentByThen = rules.budgetSpentAfterAskedWait(retry, claim.budgetFrom(), now, delay);
                if (spentByThen.isPresent()) {
                    yield recording.recordExhausted(delivery, claim, retry, spentByThen.get());
                }
                yield recording.record(delivery, claim, DeliveryStatus.RETRY_SCHEDULED, retry, delay);
            }
            default -> recording.record(delivery, claim, DeliveryRules.statusOf(outcome), outcome, null);
        };
    }

    /**
     * A refusal of the integration (its credentials, or Meta's refusal of the account behind them) flags it, unless the
     * merchant replaced them since: then the refusal was of the old ones, and the delivery is retried at once with the new
     * ones. A refusal of the mapping's template flags the mapping.
     */
    private DeliveryOutcome afterRefusal(InFlight delivery, DeliveryOutcome outcome, SendingContext context) {
        if (outcome instanceof Rejected rejected && rejected.mappingRefused() && delivery.job().mapping() != null) {
            flagMapping(delivery.job(), rejected);
            return outcome;
        }
        if (!(outcome instanceof Rejected rejected) || !rejected.credentialsRefused() || context == null) {
            return outcome;
        }
        DeliveryJob job = delivery.job();
        integrations.forget(job.merchantId(), job.integrationId());
        try {
            RefusalFlag flag = attention.refused(context.integration(), rejected.reason());
            if (flag == RefusalFlag.CREDENTIALS_REPLACED) {
                return new RetryLater("credentials_replaced", Optional.of(Duration.ZERO), rejected.providerCalled(), rejected.httpStatus());
            }
        } catch (StoreUnavailable e) {
            // The outcome is known and must be recorded; the flag is set again by the next refusal.
            LOG.warnf("integration %s of %s not flagged for attention: %s", job.integrationId(), job.merchantId(), e.getMessage());
        }
        return outcome;
    }

    private void flagMapping(DeliveryJob job, Rejected refusal) {
        try {
            mappingAttention.templateRefused(job, refusal);
        } catch (StoreUnavailable e) {
            // The outcome is known and must be recorded; the flag is set by the next refusal.
            LOG.warnf("mapping %s of %s not flagged for attention: %s", job.mapping().mappingId(), job.merchantId(), e.getMessage());
        }
    }

    private RecordResult poison(Provider provider, String body, String deliveryId, String reason) {
        report.poison(provider, deliveryId, reason);
        queues.deadLetter(provider, body, deliveryId, reason);
        return RecordResult.DONE;
    }
}
