package dev.loyaltyrelay.storm;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the storm's application at the storm's engines instead of the shared queues and provider stubs. */
public class StormResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return StormEngines.get().applicationConfig();
    }

    @Override
    public void stop() {
        // Stopped by a shutdown hook, with the JVM.
    }
}
