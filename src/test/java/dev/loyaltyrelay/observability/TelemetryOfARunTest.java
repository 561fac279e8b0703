package dev.loyaltyrelay.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.admin.AdminFunctionProfile;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.CapturedLogs;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.StructuredFormatter;
import org.junit.jupiter.api.Test;

/**
 * A whole run as production sees it: the operator sets a merchant up (webhook secret, admin key, provider credentials),
 * Nector sends webhooks (one good, one with a wrong secret, one of a made-up topic), and two providers' delivery functions
 * deliver (Zoko accepts; DelightChat refuses with an answer that echoes the customer's number and the API key). Every log
 * record of the run is formatted by the JSON formatter the prod profile uses (quarkus-logging-json), stack traces
 * included, and every EMF document the run writes is kept. Then: no line carries a secret, key, hash of a secret,
 * mobile, email or variable value used; the lines carry the invocation's request id and, where known, the merchant,
 * Nector delivery and delivery ids; and every metric document is valid EMF, with no merchant and no made-up topic in it.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class TelemetryOfARunTest {

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final String WEBHOOK_SECRET = Webhooks.DEMO_SECRET;
    static final String ZOKO_KEY = "zk-scan-secret-key-5521";
    static final String DELIGHTCHAT_KEY = "dc-scan-secret-key-6632";
    static final String MOBILE = "98111 22334";
    static final String MOBILE_DIGITS = "9811122334";
    static final String EMAIL = "Meera.Scan@Example.org";
    static final String NAME = "Zephyrine";
    static final int AMOUNT = 73519;
    static final String MADE_UP_TOPIC = "made_up_topic_for_scan";
    static final String NECTOR_DELIVERY_ID = "nd-scan-" + System.nanoTime();

    @Inject
    IngestHandler ingest;
    @Inject
    EmfMetrics metrics;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    @Test
    void aRunsLogLines_carryNoSecretOrCustomerValue_butTheIds_andItsMetricsAreValidEmfWithoutMerchantOrSenderTopics() throws Exception {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        stubProviders();
        String merchantId = TestMerchants.freshId();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        var formatter = new io.quarkus.logging.json.runtime.JsonFormatter();
        // As the prod profile has it (application.properties), with every detail of an exception written.
        formatter.setExcludedKeys(Set.of("sequence", "loggerClassName", "ndc", "hostName", "processName", "processId"));
        formatter.setExceptionOutputType(StructuredFormatter.ExceptionOutputType.DETAILED_AND_FORMATTED);
        // Tests that build a handler by hand run it without the edge's interceptor, and may leave ids on this thread.
        Map<String, Object> contextBefore = Map.copyOf(MDC.getMap());
        var emf = new ByteArrayOutputStream();
        PrintStream stdout = metrics.printTo(new PrintStream(emf, true, StandardCharsets.UTF_8));
        List<String> used = new ArrayList<>(List.of(WEBHOOK_SECRET, Hashes.sha256Hex(WEBHOOK_SECRET), AdminCalls.OPERATOR_KEY, ZOKO_KEY,
                DELIGHTCHAT_KEY, MOBILE, MOBILE_DIGITS, EMAIL, EMAIL.toLowerCase(), NAME, Integer.toString(AMOUNT)));
        try {
            CapturedLogs.during(() -> {
                String adminKey = setUpMerchant(merchantId);
                used.add(adminKey);
                ObjectNode good = webhook(merchantId, "walletreward_create", NECTOR_DELIVERY_ID);
                used.add(Webhooks.headers(good).get("x-nector-webhook-hmac").asText());
                assertEquals(202, ingest.handleRequest(event(good), lambdaContext("req-ingest-good")).getStatusCode());
                ObjectNode wrongSecret = Webhooks.withHeader(webhook(merchantId, "walletreward_create", "nd-scan-wrong"), "x-nector-webhook-secret",
                        Hashes.sha256Hex("a-wrong-secret-8812"));
                used.add("a-wrong-secret-8812");
                used.add(Hashes.sha256Hex("a-wrong-secret-8812"));
                assertEquals(401, ingest.handleRequest(event(wrongSecret), lambdaContext("req-ingest-refused")).getStatusCode());
                assertEquals(202, ingest.handleRequest(event(webhook(merchantId, MADE_UP_TOPIC, "nd-scan-topic")), lambdaContext("req-ingest-topic"))
                        .getStatusCode());
                for (Provider provider : List.of(BuiltIn.ZOKO, BuiltIn.DELIGHTCHAT)) {
                    DeliveryFunction function = DeliveryFunction.of(provider);
                    int delivered = new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(provider))
                            .drain(batch -> function.handleRequest(batch, lambdaContext("req-delivery-" + provider.key())));
                    assertEquals(1, delivered, provider.key());
                }
            }, record -> {
                try {
                    lines.add(formatter.format((ExtLogRecord) record));
                } catch (RuntimeException unformatted) {
                    lines.add("UNFORMATTED " + record.getMessage() + " " + unformatted);
                }
            });
        } finally {
            metrics.printTo(stdout);
        }
        assertEquals(contextBefore, Map.copyOf(MDC.getMap()), "each invocation gave back the log context it found");

        assertFalse(lines.isEmpty(), "the run logged");
        for (String secret : used) {
            List<String> leaks = lines.stream().filter(line -> line.contains(secret)).toList();
            assertEquals(List.of(), leaks, "a log line carries a value used in the run");
        }
        assertTrue(ProviderStubs.requests(BuiltIn.DELIGHTCHAT).getFirst().getBodyAsString().contains(NAME), "the values were sent, so could leak");

        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            parsed.add(JSON.readTree(line));
        }
        JsonNode fannedOut = only(parsed, "ingest: " + NECTOR_DELIVERY_ID + " of merchant");
        assertEquals("req-ingest-good", fannedOut.path("mdc").path("awsRequestId").asText(), fannedOut.toString());
        assertEquals(merchantId, fannedOut.path("mdc").path("merchantId").asText(), fannedOut.toString());
        assertEquals(NECTOR_DELIVERY_ID, fannedOut.path("mdc").path("nectorDeliveryId").asText(), fannedOut.toString());
        assertEquals("INFO", fannedOut.path("level").asText());
        assertTrue(fannedOut.has("timestamp") && fannedOut.has("loggerName"), fannedOut.toString());
        JsonNode refused = only(parsed, "ingest: refused 401");
        assertEquals("req-ingest-refused", refused.path("mdc").path("awsRequestId").asText(), refused.toString());
        assertFalse(refused.path("mdc").has("merchantId"), "an unauthenticated request names no merchant in the context: " + refused);
        Pattern outcome = Pattern.compile("^delivery (\\S+) (zoko|delightchat) walletreward_create to ");
        int outcomes = 0;
        for (JsonNode line : parsed) {
            Matcher delivery = outcome.matcher(line.path("message").asText());
            if (delivery.find()) {
                outcomes++;
                JsonNode mdc = line.path("mdc");
                assertEquals(delivery.group(1), mdc.path("deliveryId").asText(), "set inside the job's own thread: " + line);
                assertEquals("req-delivery-" + delivery.group(2), mdc.path("awsRequestId").asText(), line.toString());
                assertEquals(merchantId, mdc.path("merchantId").asText(), line.toString());
                assertEquals(NECTOR_DELIVERY_ID, mdc.path("nectorDeliveryId").asText(), line.toString());
            }
        }
        assertEquals(2, outcomes, "one outcome line per provider: " + lines);

        List<JsonNode> documents = new ArrayList<>();
        for (String line : emf.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                documents.add(JSON.readTree(line));
            }
        }
        assertFalse(documents.isEmpty());
        for (JsonNode document : documents) {
            assertEquals(List.of(), EmfSpecification.violations(document), document.toString());
            assertEquals("local", document.path("stage").asText(), "RELAY_STAGE unset in the tests");
            assertEquals("admin", document.path("function").asText(), "this test's process plays the admin function (its profile)");
            assertFalse(document.toString().contains(merchantId), "no merchant in a metric: " + document);
            assertFalse(document.toString().contains(MADE_UP_TOPIC), "no sender's topic in a metric: " + document);
        }
        assertTrue(documents.stream().anyMatch(d -> d.has("QueuedDeliveries")), documents.toString());
        assertTrue(documents.stream().anyMatch(d -> d.path("reason").asText().equals("unknown_topic") && d.has("IgnoredEvents")), documents.toString());
        assertTrue(documents.stream().anyMatch(d -> d.has("DeliveryOutcome")), documents.toString());
    }

    private static JsonNode only(List<JsonNode> lines, String messageStart) {
        List<JsonNode> found = lines.stream().filter(line -> line.path("message").asText().startsWith(messageStart)).toList();
        assertEquals(1, found.size(), messageStart + " in " + lines);
        return found.getFirst();
    }

    /** The operator creates the merchant, pastes the webhook secret, issues its admin key; the merchant connects two providers. */
    private static String setUpMerchant(String merchantId) {
        String merchant = "/v1/admin/merchants/" + merchantId;
        assertEquals(201, AdminCalls.operator("PUT", merchant, object("defaultCountry", "IN", "timezone", "Asia/Kolkata")).status());
        assertEquals(201, AdminCalls.operator("POST", merchant + "/webhook-secrets", object("secret", WEBHOOK_SECRET)).status());
        String key = AdminCalls.operator("POST", merchant + "/admin-keys", null).get("key").asText();
        assertEquals(401, call("GET", merchant + "/integrations", "wrong-admin-key-0007", null).status());
        List<Map<String, Object>> variables = List.of(object("property", "user_name", "fallback", "there"), object("property", "amount"));
        connect(merchant, key, BuiltIn.ZOKO, object("apiKey", ZOKO_KEY), object("mappingId", "wallet", "topic", "walletreward_create",
                "templateId", "wallet_reward_v1", "language", "en", "variables", variables));
        connect(merchant, key, BuiltIn.DELIGHTCHAT, object("apiKey", DELIGHTCHAT_KEY), object("mappingId", "wallet", "topic", "walletreward_create",
                "templateId", "3f9a7c52-0d4e-4a8b-9c1e-7b2d5f6a8e01", "variables", variables));
        return key;
    }

    private static void connect(String merchant, String key, Provider provider, Map<String, Object> credentials, Map<String, Object> mapping) {
        Answer initialized = call("POST", merchant + "/integrations", key, object("provider", provider.key(), "credentials", credentials));
        assertEquals(201, initialized.status(), initialized.toString());
        Answer mapped = call("POST", merchant + "/integrations/" + initialized.get("integrationId").asText() + "/mappings", key, mapping);
        assertEquals(201, mapped.status(), mapped.toString());
    }

    /** Zoko accepts; DelightChat refuses, echoing the customer's number and the API key as some providers do. */
    private static void stubProviders() {
        ProviderStubs.resetAll();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(get(urlEqualTo("/v2/account/templates")).willReturn(aResponse().withStatus(200)
                .withBody("[{\"templateId\":\"wallet_reward_v1\",\"templateVariableCount\":2}]")));
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-1\"}")));
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/webhook")).willReturn(aResponse().withStatus(201)
                .withBody("{\"id\":\"3c90c3cc-0d44-4b50-8888-8dd25736052a\",\"events\":[\"message:delivery:update\",\"message:user:in\"]}")));
        ProviderStubs.of(BuiltIn.DELIGHTCHAT).stubFor(post(urlEqualTo("/api/v1/public/message")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"invalid recipient +91" + MOBILE_DIGITS + " for key " + DELIGHTCHAT_KEY + " (" + NAME + ")\"}")));
    }

    /** Nector's webhook for the merchant, its body carrying this run's customer and values, signed with the secret. */
    private static ObjectNode webhook(String merchantId, String topic, String nectorDeliveryId) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        Webhooks.withDeliveryId(event, nectorDeliveryId);
        Webhooks.withHeader(event, "x-nector-topic", topic);
        ObjectNode body = Webhooks.body(event);
        body.put("user_mobile", MOBILE).put("user_email", EMAIL).put("user_name", NAME).put("amount", AMOUNT);
        return Webhooks.withSignedBody(event, body);
    }

    private static APIGatewayV2HTTPEvent event(ObjectNode webhook) {
        try {
            return JSON.treeToValue(webhook, APIGatewayV2HTTPEvent.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A Lambda context as the runtime gives one: its request id and time left; nothing else is read. */
    static Context lambdaContext(String awsRequestId) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "getAwsRequestId" -> awsRequestId;
                    case "getRemainingTimeInMillis" -> 30_000;
                    case "getMemoryLimitInMB" -> 512;
                    case "toString" -> "Context[" + awsRequestId + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
