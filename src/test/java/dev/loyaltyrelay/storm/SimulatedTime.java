package dev.loyaltyrelay.storm;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.elasticmq.util.NowProvider;

/**
 * The storm's one clock: the application's (the test's {@code MutableClock}) drives the storm's ElasticMQ too, so
 * visibility timeouts, message delays, leases, backoffs and {@code Retry-After} all pass when the storm moves time on,
 * never by waiting.
 */
final class SimulatedTime {

    private static volatile Clock clock = Clock.systemUTC();

    private SimulatedTime() {
    }

    static void follow(Clock applicationClock) {
        clock = applicationClock;
    }

    static Instant now() {
        return clock.instant();
    }

    /** ElasticMQ's notion of now, read from the storm's clock. */
    static final class QueueNow extends NowProvider {
        @Override
        public long nowMillis() {
            return clock.millis();
        }

        @Override
        public OffsetDateTime now() {
            return OffsetDateTime.ofInstant(Instant.ofEpochMilli(nowMillis()), ZoneOffset.UTC);
        }
    }
}
