package dev.loyaltyrelay.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Gives every {@code @QuarkusTest} the embedded engines (started once per JVM, with empty tables and queues for each test
 * profile: {@link LocalAws}), the provider stubs (started again for each profile, in its class loader) and EventBridge's
 * stand-in ({@link EventBridgeStub}).
 */
public class LocalAwsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        var config = new java.util.HashMap<>(LocalAws.get().applicationConfig());
        config.putAll(ProviderStubs.get().applicationConfig());
        config.putAll(EventBridgeStub.applicationConfig());
        return config;
    }

    @Override
    public void stop() {
        // The engines serve every test profile of the JVM; a shutdown hook stops them.
    }
}
