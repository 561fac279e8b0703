package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local run (engines, HTTP front, pollers, sandbox) exists in the dev profile only: outside it none of its
 * beans exists and nothing of it starts. scripts/check-function-zip.sh proves its classes are not in function.zip.
 */
@QuarkusTest
class LocalRunIsDevOnlyTest {

    @Test
    void noLocalRunBeanExists_andNothingOfItStarted_outsideTheDevProfile() throws Exception {
        for (String name : List.of("LocalPipeline", "LocalRoutes", "QueuePollers", "Sandbox")) {
            Class<?> type = Class.forName("dev.loyaltyrelay.local." + name);
            assertFalse(Arc.container().instance(type).isAvailable(), name + " is a bean outside dev");
        }
        assertNull(System.getProperty("loyalty-relay.local.front-port"), "the HTTP front started");
        assertNull(System.getProperties().get("loyalty-relay.local.dispatcher"), "a dispatcher registered");
        assertNull(System.getProperty("loyalty-relay.local.engines-started"), "the local run's engines started");
    }
}
