package dev.loyaltyrelay.admin;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Runs the application as the admin function ({@code QUARKUS_LAMBDA_HANDLER=admin}). */
public class AdminFunctionProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.lambda.handler", "admin");
    }
}
