package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.config.RelayConfig.UnknownOutcomePolicy;
import dev.loyaltyrelay.delivery.IntegrationDirectory.SendingContext;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.AlreadyFinished;
import dev.loyaltyrelay.domain.DeliveryLedger.Claimed;
import dev.loyaltyrelay.domain.DeliveryLedger.HeldElsewhere;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.provider.OutboundMessage;
import dev.loyaltyrelay.provider.ProviderGateway;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Delivers one job from a provider queue: claim, load the integration, render, call, classify, record. Every
 * path ends in either "done" (the message is deleted) or "again after a delay" (a batch item failure whose
 * visibility the pipeline sets). Logs carry identifiers, statuses and reason codes, and the recipient masked.
 */
@ApplicationScoped
public class JobDelivery {

    private static final Logger LOG = Logger.getLogger(JobDelivery.class);
    /** Time kept back after a call for recording its outcome. */
    static final Duration RECORDING_MARGIN = Duration.ofSeconds(2);

    private final DeliveryJobCodec codec;
    private final DeliveryLedger ledger;
    private final IntegrationDirectory integrations;
    private final ConfigurationStore configuration;
    private final ProviderGateway gateway;
    private final ProviderQueues queues;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final RelayConfig.Delivery settings;

    JobDelivery(DeliveryJobCodec codec, DeliveryLedger ledger, IntegrationDirectory integrations, ConfigurationStore configuration,
            ProviderGateway gateway, ProviderQueues queues, RelayMetrics metrics, Clock clock, RelayConfig config) {
        this.codec = codec;
        this.ledger = ledger;
        this.integrations = integrations;
        this.configuration = configuration;
        this.gateway = gateway;
        this.queues = queues;
        this.metrics = metrics;
        this.clock = clock;
        this.settings = config.delivery();
    }

    /**
     * @param body          the SQS message body
     * @param deadlineNanos {@link System#nanoTime()} by which the function must have answered
     */
    RecordResult deliver(Provider provider, String body, long deadlineNanos, FigureTally tally) {
        DeliveryJob job;
        try {
            job = codec.decode(body);
        } catch (IllegalArgumentException | NullPointerException | java.time.format.DateTimeParseException unreadable) {
            return poison(provider, body, null, "job_unreadable");
        }
        if (job.provider() != provider) {
            return poison(provider, body, job.deliveryId(), "job_for_another_provider");
        }
        if (remaining(deadlineNanos).compareTo(minimumForAnAttempt()) < 0) {
            LOG.infof("delivery %s left for the next invocation: too little time for a call", job.deliveryId());
            return new RecordResult.Again(Duration.ZERO);
        }
        Instant now = clock.instant();
        return switch (ledger.claim(job, body, now)) {
            case AlreadyFinished finished -> {
                metrics.increment("DeliveryDuplicate", Map.of("provider", provider.key()));
                LOG.infof("delivery %s ended before (%s): duplicate dropped", job.deliveryId(), finished.status());
                yield RecordResult.DONE;
            }
            case HeldElsewhere held -> {
                metrics.increment("DeliveryLeaseConflict", Map.of("provider", provider.key()));
                Duration wait = Duration.between(now, held.leaseUntil()).plusSeconds(1);
                yield new RecordResult.Again(wait.isNegative() ? Duration.ofSeconds(1) : wait);
            }
            case Claimed claimed -> attempt(provider, body, job, claimed, deadlineNanos, tally);
        };
    }

    private RecordResult attempt(Provider provider, String body, DeliveryJob job, Claimed claim, long deadlineNanos, FigureTally tally) {
        Instant now = clock.instant();
        Optional<String> spent = budgetSpent(claim, claim.attemptsSoFar(), now);
        if (spent.isPresent()) {
            return conclude(provider, body, job, claim, Rejected.beforeCall(spent.get()), DeliveryStatus.EXHAUSTED, null, tally);
        }
        DeliveryOutcome outcome;
        if (claim.previousAttemptMayHaveSent() && settings.unknownOutcome() == UnknownOutcomePolicy.RECORD) {
            outcome = new Unknown("attempt_lapsed_mid_call");
        } else {
            outcome = send(job, deadlineNanos);
        }
        return conclude(provider, body, job, claim, outcome, tally);
    }

    private DeliveryOutcome send(DeliveryJob job, long deadlineNanos) {
        Optional<SendingContext> found;
        try {
            found = integrations.find(job.merchantId(), job.integrationId());
        } catch (SecretCipher.SecretUnavailable keyServiceOrTampering) {
            return RetryLater.withoutCall("credentials_unavailable", settings.backoffBase());
        }
        if (found.isEmpty()) {
            return Rejected.beforeCall("integration_missing");
        }
        SendingContext context = found.get();
        Integration integration = context.integration();
        if (!integration.enabled()) {
            return Rejected.beforeCall("integration_disabled");
        }
        if (integration.attention() != null && Rejected.CREDENTIALS_REFUSED.equals(integration.attention().reason())) {
            return Rejected.beforeCall("integration_needs_attention");
        }
        OutboundMessage message;
        switch (MessageComposer.compose(job, context.merchant())) {
            case MessageComposer.Refused refused -> {
                return Rejected.beforeCall(refused.reason());
            }
            case MessageComposer.Composed composed -> message = composed.message();
        }
        if (remaining(deadlineNanos).compareTo(settings.callTimeout().plus(RECORDING_MARGIN)) < 0) {
            return RetryLater.withoutCall("out_of_time", Duration.ZERO);
        }
        return gateway.send(context.integrationKey(), message, context.credentials());
    }

    private RecordResult conclude(Provider provider, String body, DeliveryJob job, Claimed claim, DeliveryOutcome outcome, FigureTally tally) {
        if (outcome instanceof Unknown unknown) {
            metrics.increment("DeliveryOutcomeUnknown", Map.of("provider", provider.key(), "reason", unknown.reason(),
                    "policy", settings.unknownOutcome().name().toLowerCase(java.util.Locale.ROOT)));
            if (settings.unknownOutcome() == UnknownOutcomePolicy.RESEND) {
                outcome = new RetryLater("outcome_unknown_resend", Optional.empty(), true, 0);
            }
        }
        if (outcome instanceof Rejected rejected && rejected.credentialsRefused()) {
            integrations.forget(job.merchantId(), job.integrationId());
            try {
                configuration.markAttention(job.merchantId(), job.integrationId(),
                        new Integration.Attention(Rejected.CREDENTIALS_REFUSED, clock.instant()));
            } catch (StoreUnavailable e) {
                // The outcome is known and must be recorded; the flag is set again by the next refusal.
                LOG.warnf("integration %s of %s not flagged for attention: %s", job.integrationId(), job.merchantId(), e.getMessage());
            }
        }
        Instant now = clock.instant();
        return switch (outcome) {
            case DeliveryOutcome.Sent sent -> conclude(provider, body, job, claim, sent, DeliveryStatus.SENT, null, tally);
            case Rejected rejected -> conclude(provider, body, job, claim, rejected, DeliveryStatus.REJECTED, null, tally);
            case Unknown unknown -> conclude(provider, body, job, claim, unknown, DeliveryStatus.UNKNOWN, null, tally);
            case DeliveryOutcome.Suppressed suppressed -> conclude(provider, body, job, claim, suppressed, DeliveryStatus.SUPPRESSED, null, tally);
            case DeliveryOutcome.Deferred deferred -> conclude(provider, body, job, claim, deferred, DeliveryStatus.DEFERRED,
                    Duration.between(now, deferred.notBefore()), tally);
            case RetryLater retry -> {
                int attempts = claim.attemptsSoFar() + (retry.providerCalled() ? 1 : 0);
                Optional<String> spent = budgetSpent(claim, attempts, now);
                if (spent.isPresent()) {
                    yield conclude(provider, body, job, claim, retry, DeliveryStatus.EXHAUSTED, null, tally);
                }
                Duration delay = retry.requestedDelay().orElseGet(() -> Backoff.after(attempts, settings.backoffBase(), settings.backoffCap()));
                yield conclude(provider, body, job, claim, retry, DeliveryStatus.RETRY_SCHEDULED, delay, tally);
            }
        };
    }

    private RecordResult conclude(Provider provider, String body, DeliveryJob job, Claimed claim, DeliveryOutcome outcome,
            DeliveryStatus status, Duration delay, FigureTally tally) {
        Instant now = clock.instant();
        if (status == DeliveryStatus.EXHAUSTED) {
            try {
                queues.deadLetter(provider, body, job.deliveryId(), outcome.reason());
            } catch (QueueUnavailable e) {
                // Recorded as waiting, not as given up: the next receive finds the budget spent and dead-letters it then.
                LOG.warnf("delivery %s not dead-lettered yet: %s", job.deliveryId(), e.getMessage());
                status = DeliveryStatus.RETRY_SCHEDULED;
                delay = settings.backoffBase();
            }
        }
        Duration clamped = delay == null ? null : new ProviderQueues.Postponement("", delay).clampedDelay();
        boolean recorded = ledger.record(claim, status, outcome, clamped == null ? null : now.plus(clamped), now);
        if (recorded) {
            count(job, claim, status, outcome, tally);
        }
        metrics.increment("DeliveryOutcome", Map.of("provider", provider.key(), "status", status.name(), "reason", reasonClass(outcome.reason())));
        LOG.infof("delivery %s %s %s to %s: %s (%s)%s", job.deliveryId(), provider.key(), job.topic(), job.recipient().masked(), status,
                outcome.reason(), recorded ? "" : "; claim lost to another function, its record stands");
        if (!recorded || clamped == null) {
            return RecordResult.DONE;
        }
        return new RecordResult.Again(clamped);
    }

    /** Tallies the merchant's figures; the pipeline writes a batch's tally once, after the batch. */
    private static void count(DeliveryJob job, Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, FigureTally tally) {
        LocalDate day = LocalDate.ofInstant(job.receivedAt(), ZoneOffset.UTC);
        boolean wasPending = claim.previousStatus() == DeliveryStatus.RETRY_SCHEDULED || claim.previousStatus() == DeliveryStatus.DEFERRED;
        boolean isPending = status == DeliveryStatus.RETRY_SCHEDULED || status == DeliveryStatus.DEFERRED;
        DeliveryFigures.Outcome counted = switch (status) {
            case SENT -> DeliveryFigures.Outcome.SENT;
            case REJECTED, EXHAUSTED -> DeliveryFigures.Outcome.FAILED;
            case UNKNOWN -> DeliveryFigures.Outcome.UNKNOWN;
            case SUPPRESSED -> DeliveryFigures.Outcome.SUPPRESSED;
            case SENDING, RETRY_SCHEDULED, DEFERRED -> null;
        };
        if (isPending != wasPending) {
            tally.add(new DeliveryFigures.Increment(job.merchantId(), day, job.provider(), job.topic(), DeliveryFigures.Outcome.PENDING, "waiting",
                    isPending ? 1 : -1));
        }
        if (counted != null) {
            tally.add(new DeliveryFigures.Increment(job.merchantId(), day, job.provider(), job.topic(), counted, reasonClass(outcome.reason()), 1));
        }
    }

    private RecordResult poison(Provider provider, String body, String deliveryId, String reason) {
        metrics.increment("DeliveryPoison", Map.of("provider", provider.key(), "reason", reason));
        LOG.warnf("message on the %s queue dead-lettered: %s (delivery %s)", provider.key(), reason, deliveryId);
        queues.deadLetter(provider, body, deliveryId, reason);
        return RecordResult.DONE;
    }

    private Optional<String> budgetSpent(Claimed claim, int attempts, Instant now) {
        if (attempts >= settings.maxAttempts()) {
            return Optional.of("attempts_exhausted");
        }
        if (!now.isBefore(claim.budgetFrom().plus(settings.maxAge()))) {
            return Optional.of("age_exceeded");
        }
        return Optional.empty();
    }

    private Duration minimumForAnAttempt() {
        return settings.callTimeout().plus(RECORDING_MARGIN);
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(deadlineNanos - System.nanoTime());
    }

    /** The reason without its detail ({@code variable_missing:amount} counts as {@code variable_missing}). */
    static String reasonClass(String reason) {
        int colon = reason.indexOf(':');
        return colon < 0 ? reason : reason.substring(0, colon);
    }
}
