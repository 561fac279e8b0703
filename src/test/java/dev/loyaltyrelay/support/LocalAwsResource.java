package dev.loyaltyrelay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Gives every {@code @QuarkusTest} the shared embedded engines (started once per JVM, not per profile). */
public class LocalAwsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return LocalAws.get().applicationConfig();
    }

    @Override
    public void stop() {
        // Shared across test profiles; stopped by a shutdown hook.
    }
}
