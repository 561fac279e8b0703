package dev.loyaltyrelay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Gives every {@code @QuarkusTest} the shared embedded engines and provider stubs (started once per JVM, not per profile). */
public class LocalAwsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        var config = new java.util.HashMap<>(LocalAws.get().applicationConfig());
        config.putAll(ProviderStubs.get().applicationConfig());
        return config;
    }

    @Override
    public void stop() {
        // Shared across test profiles; stopped by a shutdown hook.
    }
}
