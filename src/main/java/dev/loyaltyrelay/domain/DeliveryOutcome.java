package dev.loyaltyrelay.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of one attempt to deliver a job. Reasons are short codes ({@code http_400}, {@code meta_131047},
 * {@code credentials_refused}, ...) that are safe in logs, metrics and the admin API: never a message body,
 * a recipient or a credential.
 */
public sealed interface DeliveryOutcome
        permits DeliveryOutcome.Sent, DeliveryOutcome.RetryLater, DeliveryOutcome.Rejected, DeliveryOutcome.Unknown,
        DeliveryOutcome.Suppressed, DeliveryOutcome.Deferred {

    /** The reason code, or {@code sent}. */
    String reason();

    /** Whether the provider was called for this outcome (an attempt that counts against the budget). */
    boolean providerCalled();

    /**
     * The provider accepted the message.
     *
     * @param providerMessageId the provider's id for it, when its answer carries one
     * @param httpStatus        the provider's status code
     */
    record Sent(String providerMessageId, int httpStatus) implements DeliveryOutcome {
        @Override
        public String reason() {
            return "sent";
        }

        @Override
        public boolean providerCalled() {
            return true;
        }
    }

    /**
     * Worth trying again later: throttled, the provider failing, the breaker open, a lease held elsewhere.
     *
     * @param reason         why
     * @param requestedDelay the delay the provider asked for ({@code Retry-After}); empty lets the pipeline back off
     * @param providerCalled whether a request was made
     * @param httpStatus     the provider's status code, or 0 when there was no answer
     */
    record RetryLater(String reason, Optional<Duration> requestedDelay, boolean providerCalled, int httpStatus)
            implements DeliveryOutcome {
        public RetryLater {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(requestedDelay, "requestedDelay");
        }

        public static RetryLater withoutCall(String reason, Duration delay) {
            return new RetryLater(reason, Optional.of(delay), false, 0);
        }
    }

    /**
     * Will never succeed as it stands: the job, the mapping or the credentials need a change first.
     *
     * @param reason         why (a code)
     * @param providerCalled whether a request was made
     * @param httpStatus     the provider's status code, or 0
     * @param needs          what the merchant must fix before the same send can succeed: the integration (its
     *                       credentials or the account behind them), the mapping (its template), or nothing the relay
     *                       can point at
     */
    record Rejected(String reason, boolean providerCalled, int httpStatus, Needs needs) implements DeliveryOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(needs, "needs");
        }

        /** A rejection whose reason alone says what it needs: refused credentials need the integration, others nothing. */
        public Rejected(String reason, boolean providerCalled, int httpStatus) {
            this(reason, providerCalled, httpStatus, CREDENTIALS_REFUSED.equals(reason) ? Needs.INTEGRATION : Needs.NOTHING);
        }

        public static Rejected beforeCall(String reason) {
            return new Rejected(reason, false, 0);
        }

        /**
         * The provider refused the integration (its credentials, or the account behind them: an expired token, a locked
         * or unpaid account): the integration needs the merchant's attention, and sending through it stops until then.
         */
        public boolean credentialsRefused() {
            return needs == Needs.INTEGRATION;
        }

        /** The provider refused the mapping's template (paused, disabled, parameters that do not fit it). */
        public boolean mappingRefused() {
            return needs == Needs.MAPPING;
        }

        /** Which part of the merchant's configuration a rejection points at. */
        public enum Needs {
            NOTHING, INTEGRATION, MAPPING
        }

        public static final String CREDENTIALS_REFUSED = "credentials_refused";

        /** The provider answered that the recipient opted out (Meta 131050): the relay records their opt-out. */
        public static final String RECIPIENT_OPTED_OUT = "recipient_opted_out";

        public boolean recipientOptedOut() {
            return RECIPIENT_OPTED_OUT.equals(reason);
        }
    }

    /**
     * The request may have reached the provider, but no answer says whether it was accepted (read timeout,
     * connection reset after sending, a broken response). None of the providers takes an idempotency key, so
     * sending again may send twice.
     */
    record Unknown(String reason) implements DeliveryOutcome {
        @Override
        public boolean providerCalled() {
            return true;
        }
    }

    /** Not sent, on purpose: no consent, over the frequency cap, the recipient erased. Final. */
    record Suppressed(String reason) implements DeliveryOutcome {

        /** The merchant erased the recipient: the record keeps neither their address nor the job. */
        public static final String RECIPIENT_ERASED = "recipient_erased";
        /** The recipient opted out of the channel the delivery would use: never sent. */
        public static final String OPTED_OUT = "opted_out";

        public boolean recipientErased() {
            return RECIPIENT_ERASED.equals(reason);
        }

        @Override
        public boolean providerCalled() {
            return false;
        }
    }

    /** Not sent yet, on purpose: quiet hours. Sent at {@code notBefore}. */
    record Deferred(String reason, Instant notBefore) implements DeliveryOutcome {
        @Override
        public boolean providerCalled() {
            return false;
        }
    }
}
