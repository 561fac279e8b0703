package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.config.RelayConfig.UnknownOutcomePolicy;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The delivery budget and its clocks, from {@code relay.delivery}: how long to wait before the next try, when a
 * delivery has spent its calls or its age, whether an invocation has time left for a call, what an unknown outcome
 * becomes.
 */
@ApplicationScoped
class DeliveryRules {

    /**
     * Time kept back after a call for recording its outcome: one write through the SDK's own retries while the store
     * fails (DynamoDB's client retries 8 times, about 3 s and at most 6.4 s of backoff) and, failing that, carrying the
     * outcome on the queue.
     */
    static final Duration RECORDING_MARGIN = Duration.ofSeconds(8);

    private final RelayConfig.Delivery settings;

    DeliveryRules(RelayConfig config) {
        this.settings = config.delivery();
    }

    RelayConfig.Delivery settings() {
        return settings;
    }

    /** The provider's {@code Retry-After} if it gave one, and never less than the backoff after {@code count} tries. */
    Duration retryDelay(RetryLater retry, int count) {
        Duration backoff = Backoff.after(count, settings.backoffBase(), settings.backoffCap());
        if (retry.providerCalled()) {
            return retry.requestedDelay().orElse(backoff);
        }
        Duration requested = retry.requestedDelay().orElse(Duration.ZERO);
        return requested.compareTo(backoff) > 0 ? requested : backoff;
    }

    /** The budget a delivery has spent ({@code attempts_exhausted}, {@code age_exceeded}), or empty. */
    Optional<String> budgetSpent(int attempts, Instant budgetFrom, Instant now) {
        if (attempts >= settings.maxAttempts()) {
            return Optional.of("attempts_exhausted");
        }
        return now.isBefore(budgetFrom.plus(settings.maxAge())) ? Optional.empty() : Optional.of("age_exceeded");
    }

    /**
     * {@code age_exceeded} when the wait the provider asked for ({@code Retry-After}, or Meta's day for 131049) ends after
     * the delivery's age budget: it is given up now, with the provider's reason, rather than tried again sooner than asked
     * (a queue holds a message 12 h at most) or kept waiting only to be given up on its return.
     */
    Optional<String> budgetSpentAfterAskedWait(RetryLater retry, Instant budgetFrom, Instant now, Duration delay) {
        if (!retry.providerCalled() || retry.requestedDelay().isEmpty()) {
            return Optional.empty();
        }
        return now.plus(delay).isBefore(budgetFrom.plus(settings.maxAge())) ? Optional.empty() : Optional.of("age_exceeded");
    }

    /** Under the {@code record} policy an unknown outcome is the delivery's end; under {@code resend} it is retried. */
    boolean recordsUnknownOutcomes() {
        return settings.unknownOutcome() == UnknownOutcomePolicy.RECORD;
    }

    /** Whether the invocation has time for one call and for recording what it gave. */
    boolean timeForACall(long deadlineNanos) {
        return Duration.ofNanos(deadlineNanos - System.nanoTime()).compareTo(settings.callTimeout().plus(RECORDING_MARGIN)) >= 0;
    }

    /** Whether the invocation has time to pause and then still record or carry an outcome. */
    boolean timeToPause(long deadlineNanos, Duration pause) {
        return Duration.ofNanos(deadlineNanos - System.nanoTime()).compareTo(pause.plus(RECORDING_MARGIN)) >= 0;
    }

    /**
     * The wait until {@code notBefore} in whole seconds, rounded up: a queue's visibility is set in seconds, and one that
     * ended a fraction early would bring the message back while the quiet hours still hold.
     */
    static Duration untilWhole(Instant now, Instant notBefore) {
        Duration wait = Duration.between(now, notBefore);
        return wait.getNano() == 0 ? wait : Duration.ofSeconds(wait.getSeconds() + 1);
    }

    static DeliveryStatus statusOf(DeliveryOutcome outcome) {
        return switch (outcome) {
            case DeliveryOutcome.Sent sent -> DeliveryStatus.SENT;
            case DeliveryOutcome.Rejected rejected -> DeliveryStatus.REJECTED;
            case DeliveryOutcome.Unknown unknown -> DeliveryStatus.UNKNOWN;
            case DeliveryOutcome.Suppressed suppressed -> DeliveryStatus.SUPPRESSED;
            case DeliveryOutcome.Deferred deferred -> DeliveryStatus.DEFERRED;
            case RetryLater retry -> DeliveryStatus.RETRY_SCHEDULED;
        };
    }
}
