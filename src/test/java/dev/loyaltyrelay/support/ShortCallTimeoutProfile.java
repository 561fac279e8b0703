package dev.loyaltyrelay.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.time.Duration;
import java.util.Map;

/**
 * For the tests of provider timeouts: a 2 s call timeout, so a timeout costs two seconds instead of five. Their stubs
 * answer after {@link #NEVER_IN_TIME}, three times the timeout, so the timeout wins however late a loaded machine fires it.
 */
public class ShortCallTimeoutProfile implements QuarkusTestProfile {

    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    public static final int NEVER_IN_TIME = (int) CALL_TIMEOUT.multipliedBy(3).toMillis();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("relay.delivery.call-timeout", CALL_TIMEOUT.toString());
    }
}
