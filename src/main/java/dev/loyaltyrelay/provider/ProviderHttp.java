package dev.loyaltyrelay.provider;

import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes one REST client call and reads the whole answer, turning the client's failures into the
 * {@link ProviderCallFailed} kinds that decide whether a call may be repeated.
 */
public final class ProviderHttp {

    /** A provider's HTTP answer. The body is never logged. */
    public record Answer(int status, Optional<Duration> retryAfter, String body) {
        @Override
        public String toString() {
            return "Answer[" + status + "]";
        }
    }

    private ProviderHttp() {
    }

    /**
     * The only way an adapter makes a request. Whatever the client throws is classified here, so any other
     * exception out of an adapter happened before a request was made or after its answer was read.
     *
     * @throws ProviderCallFailed when no complete HTTP answer came back
     */
    public static Answer exchange(Supplier<Response> call, Clock clock) {
        Response response;
        try {
            response = call.get();
        } catch (RuntimeException e) {
            throw failure(e);
        }
        try (response) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            return new Answer(response.getStatus(), retryAfter(response.getHeaderString("Retry-After"), clock), body == null ? "" : body);
        } catch (RuntimeException e) {
            throw new ProviderCallFailed.ResponseLost(e);
        }
    }

    /** What a client failure means for a repeat: no connection (safe to repeat), a timeout, or a lost answer. */
    static ProviderCallFailed failure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
                return new ProviderCallFailed.Unreachable(error);
            }
            // The TLS handshake comes before any byte of the request: a failed one sent nothing.
            if (cause instanceof javax.net.ssl.SSLHandshakeException) {
                return new ProviderCallFailed.NotSent("tls_handshake_failed", error);
            }
            // The client refused to build the request (a header value it will not send, say): nothing left either.
            if (cause instanceof IllegalArgumentException) {
                return new ProviderCallFailed.Unsendable(error);
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().contains("Timeout")) {
                return new ProviderCallFailed.TimedOut(error);
            }
        }
        return new ProviderCallFailed.ResponseLost(error);
    }

    /** {@code Retry-After} as seconds or as an HTTP date; empty when absent or unreadable. */
    public static Optional<Duration> retryAfter(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration delay = Duration.between(clock.instant(), at);
                return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
