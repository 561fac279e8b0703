package dev.loyaltyrelay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.application.ingest.EventCatalogue;
import io.quarkus.arc.Arc;
import io.quarkus.arc.InjectableBean;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * SnapStart's priming hook, called as the runtime calls it before the checkpoint, in a freshly started application (its
 * own profile: no other test has used a bean yet): what the first request would otherwise create is created before.
 */
@QuarkusTest
@TestProfile(SnapStartPrimingTest.FreshApplication.class)
class SnapStartPrimingTest {

    public static class FreshApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A profile of its own restarts the application: the beans below are still uncreated when the test starts.
            return Map.of("relay-test.fresh-application-for", "snapstart-priming");
        }
    }

    @Inject
    SnapStartPriming priming;

    @Test
    void beforeTheCheckpoint_theCatalogueTheSdkClientsAndTheStoresAreCreated_withoutTheNetwork() {
        assertFalse(created().contains(EventCatalogue.class.getName()),
                "the event catalogue (18 JSON Schemas compiled) is created by the first request, not at start");

        List<String> leftLazy = priming.prime();

        Set<String> created = created();
        assertTrue(created.contains(EventCatalogue.class.getName()), created.toString());
        assertTrue(created.stream().anyMatch(name -> name.startsWith("dev.loyaltyrelay.store.")), created.toString());
        assertTrue(createdTypes().stream().anyMatch(DynamoDbClient.class::isAssignableFrom), "the DynamoDB client is built before the snapshot");
        // The tests seal secrets with a local key and configure no KMS client (no region, no endpoint): the one bean that
        // cannot be built here. In AWS the template gives it its key and region.
        assertEquals(List.of(KmsClient.class.getName()), leftLazy);
    }

    private static Set<String> created() {
        return instances().stream().map(bean -> bean.getBeanClass().getName()).collect(Collectors.toSet());
    }

    private static Set<Class<?>> createdTypes() {
        return instances().stream().flatMap(bean -> bean.getTypes().stream()).filter(Class.class::isInstance)
                .map(type -> (Class<?>) type).collect(Collectors.toSet());
    }

    private static Set<InjectableBean<?>> instances() {
        return Arc.container().getActiveContext(ApplicationScoped.class).getState().getContextualInstances().keySet();
    }
}
