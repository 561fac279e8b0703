package dev.loyaltyrelay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PostponementTest {

    @Test
    void visibilityIsClampedToWhatSqsAccepts() {
        assertEquals(Duration.ofSeconds(43_140), new ProviderQueues.Postponement("r", Duration.ofDays(3)).clampedDelay());
        assertEquals(Duration.ZERO, new ProviderQueues.Postponement("r", Duration.ofSeconds(-4)).clampedDelay());
        assertEquals(Duration.ofSeconds(90), new ProviderQueues.Postponement("r", Duration.ofSeconds(90)).clampedDelay());
    }
}
