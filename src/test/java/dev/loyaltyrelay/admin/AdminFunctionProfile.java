package dev.loyaltyrelay.admin;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Runs the application as the admin function ({@code QUARKUS_LAMBDA_HANDLER=admin}), with a public URL as the template
 * gives it ({@code RELAY_PUBLIC_URL}), so Initialize issues receipt URLs.
 */
public class AdminFunctionProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.lambda.handler", "admin", "relay.public-url", "https://relay.test");
    }
}
