package dev.loyaltyrelay.config;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.SdkClientBuilds;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A simulated SnapStart cold start: in a freshly started application, the runtime's checkpoint hook
 * ({@link SnapStartPriming#beforeCheckpoint}), then its restore hook, then the first invocation (a signed webhook to
 * ingest). What the snapshot holds, the first invocation does not pay for again: it compiles no JSON Schema of the
 * event catalogue and builds no AWS SDK client.
 *
 * <p>How it is seen: SDK client builds by {@link SdkClientBuilds} (the SDK instantiates it once per client it builds,
 * whoever builds it); schema compilation by the catalogue's 18 schemas themselves: {@code json-schema-validator}
 * parses a schema when the catalogue is created but compiles its validators lazily, on the first {@code validate},
 * unless they are initialised; the test reads that state ({@code JsonSchema.validatorsLoaded}) without triggering it.
 * A catalogue still uncreated at the first invocation counts as its 18 schemas compiled by it.
 */
@QuarkusTest
@TestProfile(SnapStartRestoreTest.FreshApplication.class)
class SnapStartRestoreTest {

    public static class FreshApplication implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Its own profile restarts the application: nothing is created yet when the test starts.
            return Map.of("relay-test.fresh-application-for", "snapstart-restore");
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    SnapStartPriming priming;
    @Inject
    TestMerchants merchants;
    @Inject
    MutableClock clock;

    @Test
    void afterTheCheckpointAndARestore_theFirstIngestInvocationCompilesNoSchemaAndBuildsNoSdkClient() throws Exception {
        assertFalse(catalogue() != null, "the catalogue is created by the first request or by priming, not at start");

        List<String> clientsAtStart = SdkClientBuilds.built();
        priming.beforeCheckpoint(null);
        int compiledByPriming = compiledSchemas();
        List<String> clientsByPriming = since(clientsAtStart);
        priming.afterRestore(null);

        clock.set(Webhooks.SIGNED_AT);
        String merchantId = merchants.demoLike();
        int compiledBefore = compiledSchemas();
        List<String> clientsBefore = SdkClientBuilds.built();

        String response = given().contentType("application/json").body(Webhooks.text(Webhooks.forMerchant(Webhooks.load(
                "ingest-walletreward_create.json"), merchantId))).when().post().then().statusCode(200).extract().asString();

        JsonNode answer = JSON.readTree(response);
        assertEquals(202, answer.get("statusCode").asInt(), "the webhook was validated and queued: " + response);
        assertEquals(compiledBefore, compiledSchemas(), "the first invocation compiled no schema");
        assertEquals(List.of(), since(clientsBefore), "the first invocation built no SDK client");
        assertEquals(EventCatalogue.TOPICS.size(), compiledByPriming, "priming compiled every schema of the catalogue");
        assertTrue(clientsByPriming.containsAll(List.of(DYNAMODB_BUILDER, SQS_BUILDER)), "priming built the clients: " + clientsByPriming);
    }

    static final String DYNAMODB_BUILDER = "dynamodb";
    static final String SQS_BUILDER = "sqs";

    /** The client builds after the {@code earlier} ones. */
    private static List<String> since(List<String> earlier) {
        List<String> now = SdkClientBuilds.built();
        return now.subList(earlier.size(), now.size());
    }

    /** The catalogue's schemas whose validators are compiled; 0 while the catalogue is not created. */
    private static int compiledSchemas() throws ReflectiveOperationException {
        EventCatalogue catalogue = catalogue();
        if (catalogue == null) {
            return 0;
        }
        Field schemasField = EventCatalogue.class.getDeclaredField("schemas");
        schemasField.setAccessible(true);
        Field loaded = JsonSchema.class.getDeclaredField("validatorsLoaded");
        loaded.setAccessible(true);
        int compiled = 0;
        for (Object schema : ((Map<?, ?>) schemasField.get(catalogue)).values()) {
            assertNotNull(schema);
            compiled += loaded.getBoolean(schema) ? 1 : 0;
        }
        return compiled;
    }

    /** The catalogue if it was created, without creating it. */
    private static EventCatalogue catalogue() {
        return Arc.container().getActiveContext(ApplicationScoped.class).getState().getContextualInstances().entrySet().stream()
                .filter(e -> e.getKey().getBeanClass() == EventCatalogue.class).map(e -> (EventCatalogue) e.getValue())
                .findFirst().orElse(null);
    }
}
