package dev.loyaltyrelay.provider;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider call without a usable answer. Thrown (not returned) so the fault-tolerance guard can count it;
 * the messages carry a reason code only, never the request or the response body.
 */
public abstract sealed class ProviderCallFailed extends RuntimeException {

    protected ProviderCallFailed(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }

    /** The reason code, e.g. {@code http_503} or {@code connection_failed}. */
    public String reason() {
        return getMessage();
    }

    /** The connection could not be made: the request never left, so trying again cannot send twice. */
    public static final class Unreachable extends ProviderCallFailed {
        public Unreachable(Throwable cause) {
            super("provider_unreachable", cause);
        }
    }

    /** The request was never written (the TLS handshake failed): trying again cannot send twice. */
    public static final class NotSent extends ProviderCallFailed {
        public NotSent(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** The client would not build the request as given (e.g. a credential with a line break): it never can. */
    public static final class Unsendable extends ProviderCallFailed {
        public Unsendable(Throwable cause) {
            super("request_unsendable", cause);
        }
    }

    /** No answer in time. The request may have arrived. Counts against the integration's circuit breaker. */
    public static final class TimedOut extends ProviderCallFailed {
        public TimedOut(Throwable cause) {
            super("timeout", cause);
        }
    }

    /** The connection broke after the request was sent, or the answer was not HTTP. The request may have arrived. */
    public static final class ResponseLost extends ProviderCallFailed {
        public ResponseLost(Throwable cause) {
            super("response_lost", cause);
        }
    }

    /** The provider answered 5xx: it failed, try later. Counts against the integration's circuit breaker. */
    public static final class ServerError extends ProviderCallFailed {
        private final int status;
        private final transient Optional<Duration> retryAfter;

        public ServerError(String reason, int status, Optional<Duration> retryAfter) {
            super(reason, null);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        public int status() {
            return status;
        }

        public Optional<Duration> retryAfter() {
            return retryAfter;
        }
    }
}
