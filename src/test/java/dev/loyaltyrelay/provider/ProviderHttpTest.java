package dev.loyaltyrelay.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import jakarta.ws.rs.ProcessingException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ProviderHttpTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-18T11:00:00Z"), ZoneOffset.UTC);

    @Test
    void aConnectionThatWasNeverMade_isSafeToRepeat() {
        assertInstanceOf(ProviderCallFailed.Unreachable.class, ProviderHttp.failure(new ProcessingException(new ConnectException("refused"))));
        assertInstanceOf(ProviderCallFailed.Unreachable.class, ProviderHttp.failure(new ProcessingException(new UnknownHostException("x"))));
    }

    @Test
    void aTimeoutOrABrokenConnection_mayHaveReachedTheProvider() {
        assertInstanceOf(ProviderCallFailed.TimedOut.class, ProviderHttp.failure(new ProcessingException(new TimeoutException())));
        assertInstanceOf(ProviderCallFailed.ResponseLost.class, ProviderHttp.failure(new ProcessingException(new SocketException("Connection reset"))));
    }

    @Test
    void retryAfter_acceptsSecondsAndHttpDates() {
        assertEquals(Optional.of(Duration.ofSeconds(120)), ProviderHttp.retryAfter("120", CLOCK));
        assertEquals(Optional.of(Duration.ofMinutes(5)), ProviderHttp.retryAfter("Wed, 18 Nov 2026 11:05:00 GMT", CLOCK));
        assertEquals(Optional.of(Duration.ZERO), ProviderHttp.retryAfter("Wed, 18 Nov 2026 10:00:00 GMT", CLOCK));
        assertEquals(Optional.empty(), ProviderHttp.retryAfter("soon", CLOCK));
        assertEquals(Optional.empty(), ProviderHttp.retryAfter("-5", CLOCK));
        assertEquals(Optional.empty(), ProviderHttp.retryAfter(null, CLOCK));
    }
}
