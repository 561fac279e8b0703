package dev.loyaltyrelay.delivery;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runs the application as the Zoko delivery function ({@code QUARKUS_LAMBDA_HANDLER=delivery}, given {@code zoko}). */
public class ZokoFunctionProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.lambda.handler", "delivery", "relay.delivery.provider", "zoko");
    }
}
