package dev.loyaltyrelay.application.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": half the doubled delay is fixed, half random, so retries of many
 * deliveries after one outage spread out instead of arriving together, while none comes back too early.
 */
public final class Backoff {

    private Backoff() {
    }

    /** The delay before the attempt that follows {@code attemptsSoFar} provider calls (at least one). */
    static Duration after(int attemptsSoFar, Duration base, Duration cap) {
        int doublings = Math.max(0, Math.min(attemptsSoFar - 1, 30));
        long ceilingMillis = Math.min(cap.toMillis(), base.toMillis() << doublings);
        if (ceilingMillis <= 0) {
            return Duration.ZERO;
        }
        long half = ceilingMillis / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceilingMillis - half + 1));
    }
}
