package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.config.RelayConfig.UnknownOutcomePolicy;
import dev.loyaltyrelay.application.delivery.IntegrationDirectory.SendingContext;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.ConfigurationStore.RefusalFlag;
import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.AlreadyFinished;
import dev.loyaltyrelay.domain.DeliveryLedger.BudgetSpent;
import dev.loyaltyrelay.domain.DeliveryLedger.Claimed;
import dev.loyaltyrelay.domain.DeliveryLedger.ClaimLost;
import dev.loyaltyrelay.domain.DeliveryLedger.HeldElsewhere;
import dev.loyaltyrelay.domain.DeliveryLedger.LapsedMidCall;
import dev.loyaltyrelay.domain.DeliveryLedger.SettleResult;
import dev.loyaltyrelay.domain.DeliveryLedger.Settled;
import dev.loyaltyrelay.domain.DeliveryLedger.Settlement;
import dev.loyaltyrelay.domain.DeliveryLedger.Written;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.provider.OutboundMessage;
import dev.loyaltyrelay.provider.ProviderGateway;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Delivers one job from a provider queue. Everything that can fail without sending comes first and takes no claim:
 * loading the integration, opening its credentials, rendering, an open breaker, the provider's preparation (Wigzo's
 * identify). Only then is the delivery claimed, and the message request follows at once, so a claim that lapsed
 * means a request may have reached the provider, and nothing else does. A job that is not sent ends or waits through
 * {@link DeliveryLedger#settle}: refused with its reason, or back on the queue with a delay that grows with each
 * receive. Every wait and retry stays within the pipeline's own budget ({@code max-attempts} calls, {@code max-age}
 * since ingest or the latest reopening, {@code max-receives} receives of one message), after which the delivery is
 * recorded {@code EXHAUSTED} and the pipeline itself dead-letters it with the reason, before the queue's own receive
 * limit would. Logs carry identifiers, statuses and reason codes, and the recipient masked.
 */
@ApplicationScoped
public class JobDelivery {

    private static final Logger LOG = Logger.getLogger(JobDelivery.class);
    /**
     * Time kept back after a call for recording its outcome: one write through the SDK's own retries while the store
     * fails (DynamoDB's client retries 8 times, about 3 s and at most 6.4 s of backoff) and, failing that, carrying the
     * outcome on the queue.
     */
    static final Duration RECORDING_MARGIN = Duration.ofSeconds(8);
    static final String LAPSED_MID_CALL = "attempt_lapsed_mid_call";
    /** Pauses between tries of an outcome write the store refused. */
    private static final long[] OUTCOME_WRITE_PAUSES_MILLIS = {100, 300, 700};

    private final DeliveryLedger ledger;
    private final IntegrationDirectory integrations;
    private final ConfigurationStore configuration;
    private final ProviderGateway gateway;
    private final ProviderQueues queues;
    private final RelayMetrics metrics;
    private final RecipientPolicies policies;
    private final ProviderCatalogue providers;
    private final Clock clock;
    private final RelayConfig.Delivery settings;

    JobDelivery(DeliveryLedger ledger, IntegrationDirectory integrations, ConfigurationStore configuration,
            ProviderGateway gateway, ProviderQueues queues, RelayMetrics metrics, RecipientPolicies policies, ProviderCatalogue providers,
            Clock clock, RelayConfig config) {
        this.ledger = ledger;
        this.providers = providers;
        this.integrations = integrations;
        this.configuration = configuration;
        this.gateway = gateway;
        this.queues = queues;
        this.metrics = metrics;
        this.policies = policies;
        this.clock = clock;
        this.settings = config.delivery();
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
        return new Attempt(provider, queued, job).run(screen, deadlineNanos);
    }

    /** What is known before the claim: ready to send, or why not. */
    private sealed interface Preparation {
    }

    private record Ready(SendingContext context, OutboundMessage message) implements Preparation {
    }

    /** Not to be sent now: a {@link Rejected} or a {@link RetryLater}; the context when it was loaded. */
    private record NotSent(DeliveryOutcome outcome, SendingContext context) implements Preparation {
        NotSent(DeliveryOutcome outcome) {
            this(outcome, null);
        }
    }

    /** One job's delivery: what every step needs, carried once. */
    private final class Attempt {

        private final Provider provider;
        private final QueuedJob queued;
        private final DeliveryJob job;
        /** {@link System#nanoTime()} by which the function must have answered; unset (MAX_VALUE) until run. */
        private long deadlineNanos = Long.MAX_VALUE;

        Attempt(Provider provider, QueuedJob queued, DeliveryJob job) {
            this.provider = provider;
            this.queued = queued;
            this.job = job;
        }

        RecordResult run(RecipientScreen screen, long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
            if (queued.carried() != null) {
                // An earlier attempt's outcome travels with this copy: it is recorded before anything could stop a call.
                return takeOverCarrying(queued.carried(), screen);
            }
            return attempt(screen);
        }

        private RecordResult attempt(RecipientScreen screen) {
            if (!timeForACall(deadlineNanos)) {
                return outOfTime();
            }
            Optional<DeliveryOutcome> screened = screen.verdict(job);
            if (screened.isPresent()) {
                return withheld(screened.get());
            }
            return switch (prepare()) {
                case NotSent notSent -> notSent(notSent);
                case Ready ready -> timeForACall(deadlineNanos) ? sendUnderClaim(ready) : outOfTime();
            };
        }

        /** Not sent because of who the recipient is (erased), or because that could not be read. */
        private RecordResult withheld(DeliveryOutcome outcome) {
            if (outcome instanceof DeliveryOutcome.Suppressed suppressed && suppressed.recipientErased()) {
                // Its record must not bring the erased address (or the event's properties) back.
                return new Attempt(provider, new QueuedJob(null, queued.receiveCount(), job.withRecipientErased()), job.withRecipientErased())
                        .notSent(new NotSent(suppressed));
            }
            return notSent(new NotSent(outcome));
        }

        /** Too little of the invocation left for a call: a wait like any other, within the receive budget. */
        private RecordResult outOfTime() {
            LOG.infof("delivery %s left for another invocation: too little time for a call", job.deliveryId());
            return waitWithoutCall(RetryLater.withoutCall("out_of_time", Duration.ZERO));
        }

        /** Everything before the claim. Nothing here is allowed to escape: each failure becomes an outcome. */
        private Preparation prepare() {
            try {
                Optional<SendingContext> found = integrations.find(job.merchantId(), job.integrationId());
                if (found.isEmpty()) {
                    return new NotSent(Rejected.beforeCall("integration_missing"));
                }
                SendingContext context = found.get();
                Integration integration = context.integration();
                if (!integration.enabled()) {
                    return new NotSent(Rejected.beforeCall("integration_disabled"));
                }
                if (integration.attention() != null && Rejected.CREDENTIALS_REFUSED.equals(integration.attention().reason())) {
                    return new NotSent(Rejected.beforeCall("integration_needs_attention"));
                }
                Optional<ProviderProfile> profile = providers.profile(job.provider());
                if (profile.isEmpty()) {
                    return new NotSent(Rejected.beforeCall(ProviderGateway.PROVIDER_UNKNOWN));
                }
                OutboundMessage message;
                switch (MessageComposer.compose(job, profile.get(), context.merchant())) {
                    case MessageComposer.Refused refused -> {
                        return new NotSent(Rejected.beforeCall(refused.reason()));
                    }
                    case MessageComposer.Composed composed -> message = composed.message();
                }
                if (!gateway.accepting(context.integrationKey())) {
                    return new NotSent(RetryLater.withoutCall("circuit_open", settings.breakerDelay()));
                }
                Optional<DeliveryOutcome> notReady = gateway.prepare(context.integrationKey(), message, context.credentials());
                return notReady.<Preparation>map(outcome -> new NotSent(outcome, context)).orElseGet(() -> new Ready(context, message));
            } catch (SecretCipher.KeyServiceUnavailable keyServiceDown) {
                return new NotSent(RetryLater.withoutCall("credentials_unavailable", settings.backoffBase()));
            } catch (SecretCipher.SecretUnavailable doesNotOpen) {
                // Tampered, sealed under another key, or not credentials at all: only new credentials help.
                return new NotSent(Rejected.beforeCall("credentials_unreadable"));
            } catch (StoreUnavailable storeDown) {
                return new NotSent(RetryLater.withoutCall("store_unavailable", settings.backoffBase()));
            } catch (Throwable unexpected) {
                // A defect, not the job's fault: retried within the budget, then dead-lettered with this reason for a redrive.
                LOG.errorf("delivery %s: %s before the call", job.deliveryId(), unexpected.getClass().getName());
                return new NotSent(RetryLater.withoutCall("unexpected_error", settings.backoffBase()));
            }
        }

        private RecordResult sendUnderClaim(Ready ready) {
            Instant now = clock.instant();
            return switch (ledger.claim(job, queued.body(), new DeliveryLedger.Budget(settings.maxAttempts(), now.minus(settings.maxAge())), now)) {
                case AlreadyFinished finished -> duplicate(finished);
                case HeldElsewhere held -> heldElsewhere(held);
                case BudgetSpent spent -> spent.previousAttemptMayHaveSent() && recordsUnknownOutcomes()
                        ? settleFinal(DeliveryStatus.UNKNOWN, unknown(new Unknown(LAPSED_MID_CALL)), true)
                        : exhaust(Rejected.beforeCall(spent.lastReason() != null ? spent.lastReason() : spent.reason()), true, spent.reason());
                case Claimed claim -> callUnderClaim(claim, ready);
            };
        }

        private RecordResult callUnderClaim(Claimed claim, Ready ready) {
            if (claim.previousAttemptMayHaveSent() && recordsUnknownOutcomes()) {
                return concludeClaimed(claim, new Unknown(LAPSED_MID_CALL), ready.context());
            }
            if (erasedMeanwhile()) {
                return concludeClaimed(claim, new DeliveryOutcome.Suppressed(DeliveryOutcome.Suppressed.RECIPIENT_ERASED), ready.context());
            }
            DeliveryOutcome outcome;
            try {
                outcome = gateway.send(ready.context().integrationKey(), ready.message(), ready.context().credentials());
            } catch (Throwable unexpected) {
                // Past the claim the request may have gone out: the outcome is not known.
                LOG.errorf("delivery %s: %s during the call", job.deliveryId(), unexpected.getClass().getName());
                outcome = new Unknown("unexpected_error");
            }
            return concludeClaimed(claim, outcome, ready.context());
        }

        /**
         * Takes the lapsed claim over to record the outcome this copy carries. No call is made for it, so no budget applies
         * and nothing (an open breaker, a flagged integration, an erasure since) stands in its way. If the claim is not the
         * one the outcome belongs to (the delivery was reopened since), this is an ordinary attempt under the new claim.
         */
        private RecordResult takeOverCarrying(CarriedOutcome carried, RecipientScreen screen) {
            return switch (ledger.claim(job, queued.body(), DeliveryLedger.Budget.UNLIMITED, clock.instant())) {
                case AlreadyFinished finished -> duplicate(finished);
                case HeldElsewhere held -> heldElsewhere(held);
                case BudgetSpent spent -> attempt(screen);
                case Claimed claim when claim.previousAttemptMayHaveSent() && carried.token().equals(claim.lapsedToken()) -> {
                    LOG.infof("delivery %s: the outcome carried by its copy is recorded (%s)", job.deliveryId(), carried.status());
                    yield switch (carried.status()) {
                        case EXHAUSTED -> recordGivenUp(claim, carried.outcome(), carried.givenUpBy());
                        case RETRY_SCHEDULED -> record(claim, DeliveryStatus.RETRY_SCHEDULED, carried.outcome(),
                                carried.retryIn() != null ? carried.retryIn() : settings.backoffBase());
                        default -> record(claim, carried.status(), carried.outcome(), null);
                    };
                }
                case Claimed claim -> attemptUnder(claim, screen);
            };
        }

        /** An ordinary attempt, its claim already taken (without a budget): each way it stops is recorded under the claim. */
        private RecordResult attemptUnder(Claimed claim, RecipientScreen screen) {
            if (claim.previousAttemptMayHaveSent() && recordsUnknownOutcomes()) {
                return concludeClaimed(claim, new Unknown(LAPSED_MID_CALL), null);
            }
            Optional<String> spent = budgetSpent(claim.attemptsSoFar(), claim.budgetFrom(), clock.instant());
            if (spent.isPresent()) {
                return recordExhausted(claim, RetryLater.withoutCall(spent.get(), Duration.ZERO), spent.get());
            }
            Optional<DeliveryOutcome> screened = screen.verdict(job);
            if (screened.isPresent()) {
                return concludeClaimed(claim, screened.get(), null);
            }
            if (!timeForACall(deadlineNanos)) {
                return concludeClaimed(claim, RetryLater.withoutCall("out_of_time", Duration.ZERO), null);
            }
            return switch (prepare()) {
                case NotSent notSent -> concludeClaimed(claim, notSent.outcome(), notSent.context());
                case Ready ready -> timeForACall(deadlineNanos) ? callUnderClaim(claim, ready)
                        : concludeClaimed(claim, RetryLater.withoutCall("out_of_time", Duration.ZERO), ready.context());
            };
        }

        /**
         * The recipient's policy read again, consistently, under the claim: an erasure that landed after the batch's read
         * is seen here, so only a person erased while this very request was leaving can still be sent to. A read that
         * fails lets the send go on (the batch's read seconds ago found no erasure): waiting would leave the claim to lapse
         * and read as a call that was never made.
         */
        private boolean erasedMeanwhile() {
            try {
                return policies.find(new RecipientKey(job.merchantId(), job.recipient())).map(policy -> policy.erasedSince(job.receivedAt()))
                        .orElse(false);
            } catch (RuntimeException unreadable) {
                LOG.warnf("delivery %s: recipient policy not read again (%s); sending on the batch's read", job.deliveryId(),
                        unreadable.getClass().getSimpleName());
                return false;
            }
        }

        private RecordResult concludeClaimed(Claimed claim, DeliveryOutcome outcome, SendingContext context) {
            outcome = afterRefusal(unknown(outcome), context);
            Instant now = clock.instant();
            return switch (outcome) {
                case DeliveryOutcome.Sent sent -> record(claim, DeliveryStatus.SENT, sent, null);
                case Rejected rejected -> record(claim, DeliveryStatus.REJECTED, rejected, null);
                case Unknown unknown -> record(claim, DeliveryStatus.UNKNOWN, unknown, null);
                case DeliveryOutcome.Suppressed suppressed -> record(claim, DeliveryStatus.SUPPRESSED, suppressed, null);
                case DeliveryOutcome.Deferred deferred -> record(claim, DeliveryStatus.DEFERRED, deferred, Duration.between(now, deferred.notBefore()));
                case RetryLater retry -> {
                    int attempts = claim.attemptsSoFar() + (retry.providerCalled() ? 1 : 0);
                    Optional<String> spent = budgetSpent(attempts, claim.budgetFrom(), now);
                    if (spent.isPresent()) {
                        yield recordExhausted(claim, retry, spent.get());
                    }
                    // A retry after a call backs off by the calls made; one without (the breaker opened meanwhile) by the receives.
                    yield record(claim, DeliveryStatus.RETRY_SCHEDULED, retry, retryDelay(retry, retry.providerCalled() ? attempts : queued.receiveCount()));
                }
            };
        }

        private RecordResult recordExhausted(Claimed claim, DeliveryOutcome outcome, String givenUpBy) {
            if (!deadLetter(outcome, givenUpBy)) {
                return record(claim, DeliveryStatus.RETRY_SCHEDULED, outcome, settings.backoffBase());
            }
            return recordGivenUp(claim, outcome, givenUpBy);
        }

        /** Records the delivery given up, its letter already on the dead-letter queue. */
        private RecordResult recordGivenUp(Claimed claim, DeliveryOutcome outcome, String givenUpBy) {
            Instant now = clock.instant();
            DeliveryLedger.WriteResult result;
            try {
                result = writingOutcome(() -> ledger.recordGivenUp(claim, outcome, givenUpBy, now));
            } catch (StoreUnavailable unrecorded) {
                return carry(claim, new CarriedOutcome(claim.token(), DeliveryStatus.EXHAUSTED, outcome, null, givenUpBy), unrecorded);
            }
            return switch (result) {
                case Written written -> {
                    log(DeliveryStatus.EXHAUSTED, outcome, " (" + givenUpBy + ")");
                    yield RecordResult.DONE;
                }
                case ClaimLost lost -> RecordResult.DONE;
            };
        }

        private RecordResult record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Duration delay) {
            Instant now = clock.instant();
            Duration clamped = delay == null ? null : new ProviderQueues.Postponement("", delay).clampedDelay();
            DeliveryLedger.WriteResult result;
            try {
                result = writingOutcome(() -> ledger.record(claim, status, outcome, clamped == null ? null : now.plus(clamped), now));
            } catch (StoreUnavailable unrecorded) {
                return carry(claim, new CarriedOutcome(claim.token(), status, outcome, clamped, null), unrecorded);
            }
            return switch (result) {
                case Written written -> {
                    log(status, outcome, "");
                    yield clamped == null ? RecordResult.DONE : new RecordResult.Again(clamped);
                }
                case ClaimLost lost -> {
                    log(status, outcome, "; claim lost to another function, its record stands");
                    yield RecordResult.DONE;
                }
            };
        }

        /**
         * Writes a known outcome, trying again briefly when the store fails (the SDK has retried already): unwritten, the
         * claim would lapse and the delivery be taken as possibly sent. Tries again only while the invocation has time
         * for it and for carrying the outcome on the queue after it.
         */
        private DeliveryLedger.WriteResult writingOutcome(java.util.function.Supplier<DeliveryLedger.WriteResult> write) {
            for (long pause : OUTCOME_WRITE_PAUSES_MILLIS) {
                try {
                    return write.get();
                } catch (StoreUnavailable failed) {
                    if (Duration.ofNanos(deadlineNanos - System.nanoTime()).compareTo(Duration.ofMillis(pause).plus(RECORDING_MARGIN)) < 0) {
                        throw failed;
                    }
                    LOG.warnf("delivery %s: outcome not written yet (%s); again in %d ms", job.deliveryId(), failed.getMessage(), pause);
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
        private RecordResult carry(Claimed claim, CarriedOutcome carried, StoreUnavailable unrecorded) {
            if (!CarriedOutcome.carries(carried.status()) || queued.body() == null) {
                throw unrecorded;
            }
            try {
                queues.requeue(provider, queued.body(), carried.attributes());
            } catch (QueueUnavailable queueDownToo) {
                throw unrecorded;
            }
            LOG.warnf("delivery %s: %s (%s) not recorded (%s); carried by a copy of its job", job.deliveryId(), carried.status(),
                    carried.outcome().reason(), unrecorded.getMessage());
            return RecordResult.DONE;
        }

        private RecordResult notSent(NotSent notSent) {
            DeliveryOutcome outcome = afterRefusal(notSent.outcome(), notSent.context());
            return switch (outcome) {
                case RetryLater retry -> waitWithoutCall(retry);
                default -> settleFinal(statusOf(outcome), outcome, false);
            };
        }

        /** Back on the queue without a claim, for longer at each receive, within the budget. */
        private RecordResult waitWithoutCall(RetryLater retry) {
            if (queued.receiveCount() >= settings.maxReceives()) {
                return exhaust(retry, false, "receives_exhausted");
            }
            Duration delay = new ProviderQueues.Postponement("", retryDelay(retry, queued.receiveCount())).clampedDelay();
            Instant now = clock.instant();
            return switch (settle(DeliveryStatus.RETRY_SCHEDULED, retry, now.plus(delay), false)) {
                case Settled settled when budgetSpent(settled.attemptsSoFar() + (retry.providerCalled() ? 1 : 0), settled.budgetFrom(), now)
                        .isPresent() -> exhaust(retry, false,
                                budgetSpent(settled.attemptsSoFar() + (retry.providerCalled() ? 1 : 0), settled.budgetFrom(), now).orElseThrow());
                case Settled settled -> {
                    log(DeliveryStatus.RETRY_SCHEDULED, retry, "");
                    yield new RecordResult.Again(delay);
                }
                case SettleResult other -> unsettled(other);
            };
        }

        /** Given up: on the dead-letter queue first, then recorded (a letter of a finished delivery is dropped by a redrive). */
        private RecordResult exhaust(DeliveryOutcome outcome, boolean overLapsedLease, String givenUpBy) {
            if (deadLetter(outcome, givenUpBy)) {
                SettleResult result;
                try {
                    result = settle(new Settlement(DeliveryStatus.EXHAUSTED, outcome, null, overLapsedLease, givenUpBy));
                } catch (StoreUnavailable unrecorded) {
                    // The letter is on the dead-letter queue; the record still shows the delivery waiting, and a redrive
                    // requeues it with a fresh budget. Done here, so it is not dead-lettered twice.
                    LOG.warnf("delivery %s dead-lettered but not recorded given up: %s", job.deliveryId(), unrecorded.getMessage());
                    return RecordResult.DONE;
                }
                return switch (result) {
                    case Settled settled -> {
                        log(DeliveryStatus.EXHAUSTED, outcome, " (" + givenUpBy + ")");
                        yield RecordResult.DONE;
                    }
                    case SettleResult other -> unsettled(other);
                };
            }
            Duration delay = settings.backoffBase();
            return switch (settle(DeliveryStatus.RETRY_SCHEDULED, outcome, clock.instant().plus(delay), overLapsedLease)) {
                case Settled settled -> new RecordResult.Again(delay);
                case SettleResult other -> unsettled(other);
            };
        }

        private RecordResult settleFinal(DeliveryStatus status, DeliveryOutcome outcome, boolean overLapsedLease) {
            return switch (settle(status, outcome, null, overLapsedLease)) {
                case Settled settled -> {
                    log(status, outcome, "");
                    yield RecordResult.DONE;
                }
                case SettleResult other -> unsettled(other);
            };
        }

        /**
         * Writes a change without a call, and counts it. Over a lapsed claim, the lapsed attempt decides first: under the
         * {@code record} policy it may have sent, so it is for the caller to end the delivery unknown
         * ({@link LapsedMidCall}); under {@code resend} it is simply replaced.
         */
        private SettleResult settle(DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, boolean overLapsedLease) {
            return settle(new Settlement(status, outcome, nextAttemptAt, overLapsedLease));
        }

        private SettleResult settle(Settlement settlement) {
            Instant now = clock.instant();
            SettleResult result = ledger.settle(job, queued.body(), settlement, now);
            if (result instanceof LapsedMidCall && !recordsUnknownOutcomes()) {
                result = ledger.settle(job, queued.body(), new Settlement(settlement.status(), settlement.outcome(), settlement.nextAttemptAt(),
                        true, settlement.givenUpBy()), now);
            }
            return result;
        }

        private RecordResult unsettled(SettleResult result) {
            return switch (result) {
                case AlreadyFinished finished -> duplicate(finished);
                case HeldElsewhere held -> heldElsewhere(held);
                case LapsedMidCall lapsed -> settleFinal(DeliveryStatus.UNKNOWN, unknown(new Unknown(LAPSED_MID_CALL)), true);
                case Settled settled -> RecordResult.DONE;
            };
        }

        /**
         * A refusal of credentials flags the integration, unless the merchant replaced them since: then the refusal was
         * of the old ones, and the delivery is retried at once with the new ones.
         */
        private DeliveryOutcome afterRefusal(DeliveryOutcome outcome, SendingContext context) {
            if (!(outcome instanceof Rejected rejected) || !rejected.credentialsRefused() || context == null) {
                return outcome;
            }
            integrations.forget(job.merchantId(), job.integrationId());
            try {
                RefusalFlag flag = configuration.flagRefusedCredentials(job.merchantId(), job.integrationId(),
                        context.integration().credentials(), clock.instant());
                if (flag == RefusalFlag.CREDENTIALS_REPLACED) {
                    return new RetryLater("credentials_replaced", Optional.of(Duration.ZERO), rejected.providerCalled(), rejected.httpStatus());
                }
            } catch (StoreUnavailable e) {
                // The outcome is known and must be recorded; the flag is set again by the next refusal.
                LOG.warnf("integration %s of %s not flagged for attention: %s", job.integrationId(), job.merchantId(), e.getMessage());
            }
            return outcome;
        }

        /** Counts an unknown outcome, and under the {@code resend} policy turns it into a retry. */
        private DeliveryOutcome unknown(DeliveryOutcome outcome) {
            if (!(outcome instanceof Unknown unknown)) {
                return outcome;
            }
            metrics.increment("DeliveryOutcomeUnknown", Map.of("provider", provider.key(), "reason", unknown.reason(),
                    "policy", settings.unknownOutcome().name().toLowerCase(Locale.ROOT)));
            return recordsUnknownOutcomes() ? unknown : new RetryLater("outcome_unknown_resend", Optional.empty(), true, 0);
        }

        private boolean deadLetter(DeliveryOutcome outcome, String givenUpBy) {
            try {
                queues.deadLetter(provider, queued.body(), job.deliveryId(), outcome.reason(), givenUpBy);
                return true;
            } catch (QueueUnavailable e) {
                // Recorded as waiting, not as given up: the next receive finds the budget spent and dead-letters it then.
                LOG.warnf("delivery %s not dead-lettered yet: %s", job.deliveryId(), e.getMessage());
                return false;
            }
        }

        private RecordResult duplicate(AlreadyFinished finished) {
            metrics.increment("DeliveryDuplicate", Map.of("provider", provider.key()));
            LOG.infof("delivery %s ended before (%s): duplicate dropped", job.deliveryId(), finished.status());
            return RecordResult.DONE;
        }

        private RecordResult heldElsewhere(HeldElsewhere held) {
            metrics.increment("DeliveryLeaseConflict", Map.of("provider", provider.key()));
            Duration wait = Duration.between(clock.instant(), held.leaseUntil()).plusSeconds(1);
            return new RecordResult.Again(wait.isNegative() ? Duration.ofSeconds(1) : wait);
        }

        private void log(DeliveryStatus status, DeliveryOutcome outcome, String note) {
            metrics.increment("DeliveryOutcome", Map.of("provider", provider.key(), "status", status.name(),
                    "reason", Counted.reasonClass(outcome.reason())));
            LOG.infof("delivery %s %s %s to %s: %s (%s)%s", job.deliveryId(), provider.key(), job.topic(), job.recipient().masked(), status,
                    outcome.reason(), note);
        }
    }

    private static DeliveryStatus statusOf(DeliveryOutcome outcome) {
        return switch (outcome) {
            case DeliveryOutcome.Sent sent -> DeliveryStatus.SENT;
            case Rejected rejected -> DeliveryStatus.REJECTED;
            case Unknown unknown -> DeliveryStatus.UNKNOWN;
            case DeliveryOutcome.Suppressed suppressed -> DeliveryStatus.SUPPRESSED;
            case DeliveryOutcome.Deferred deferred -> DeliveryStatus.DEFERRED;
            case RetryLater retry -> DeliveryStatus.RETRY_SCHEDULED;
        };
    }

    /** The provider's {@code Retry-After} if it gave one, and never less than the backoff after {@code count} tries. */
    private Duration retryDelay(RetryLater retry, int count) {
        Duration backoff = Backoff.after(count, settings.backoffBase(), settings.backoffCap());
        if (retry.providerCalled()) {
            return retry.requestedDelay().orElse(backoff);
        }
        Duration requested = retry.requestedDelay().orElse(Duration.ZERO);
        return requested.compareTo(backoff) > 0 ? requested : backoff;
    }

    /** The budget a delivery has spent ({@code attempts_exhausted}, {@code age_exceeded}), or empty. */
    private Optional<String> budgetSpent(int attempts, Instant budgetFrom, Instant now) {
        if (attempts >= settings.maxAttempts()) {
            return Optional.of("attempts_exhausted");
        }
        return now.isBefore(budgetFrom.plus(settings.maxAge())) ? Optional.empty() : Optional.of("age_exceeded");
    }

    private boolean recordsUnknownOutcomes() {
        return settings.unknownOutcome() == UnknownOutcomePolicy.RECORD;
    }

    private boolean timeForACall(long deadlineNanos) {
        return Duration.ofNanos(deadlineNanos - System.nanoTime()).compareTo(settings.callTimeout().plus(RECORDING_MARGIN)) >= 0;
    }

    private RecordResult poison(Provider provider, String body, String deliveryId, String reason) {
        metrics.increment("DeliveryPoison", Map.of("provider", provider.key(), "reason", reason));
        LOG.warnf("message on the %s queue dead-lettered: %s (delivery %s)", provider.key(), reason, deliveryId);
        queues.deadLetter(provider, body, deliveryId, reason);
        return RecordResult.DONE;
    }
}
