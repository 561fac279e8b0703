package dev.loyaltyrelay.application.delivery;


import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    static final Duration BASE = Duration.ofSeconds(15);
    static final Duration CAP = Duration.ofHours(1);

    @Test
    void doublesPerAttempt_withinHalfToFullOfTheCeiling() {
        for (int attempts = 1; attempts <= 12; attempts++) {
            long ceiling = Math.min(CAP.toMillis(), BASE.toMillis() << (attempts - 1));
            for (int sample = 0; sample < 200; sample++) {
                long delay = Backoff.after(attempts, BASE, CAP).toMillis();
                assertTrue(delay >= ceiling / 2 && delay <= ceiling, attempts + " attempts: " + delay + " ms");
            }
        }
    }

    @Test
    void spreadsRetriesOut() {
        long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> Backoff.after(5, BASE, CAP)).distinct().count();
        assertTrue(distinct > 10, "jittered: " + distinct + " distinct delays of 50");
    }

    @Test
    void neverOverflowsOnALongHistory() {
        assertTrue(Backoff.after(1_000, BASE, CAP).compareTo(CAP) <= 0);
    }
}
