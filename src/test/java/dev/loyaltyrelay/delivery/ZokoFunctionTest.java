package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.RequestBarrier;
import dev.loyaltyrelay.support.SqsEvents;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Zoko delivery function as Lambda runs it: SQS events from {@code events/} posted to the Lambda mock event
 * server, WireMock as Zoko, the delivery records in DynamoDB Local.
 */
@QuarkusTest
@TestProfile(ZokoFunctionProfile.class)
class ZokoFunctionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int GOOD = 0;
    static final int DUPLICATE = 1;
    static final int TRANSIENT = 2;
    static final int PERMANENT = 3;

    @Inject
    TestMerchants merchants;
    @Inject
    DeliveryLedger ledger;
    @Inject
    MutableClock clock;
    @Inject
    dev.loyaltyrelay.observability.EmfMetrics metrics;

    @BeforeEach
    void zokoAnswersByRecipient() {
        clock.set(Webhooks.SIGNED_AT);
        ProviderStubs.resetAll();
        var zoko = ProviderStubs.of(BuiltIn.ZOKO);
        zoko.stubFor(post(urlEqualTo("/v2/message")).atPriority(5)
                .willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-accepted\"}")));
        zoko.stubFor(post(urlEqualTo("/v2/message")).atPriority(1).withRequestBody(matchingJsonPath("$.recipient", equalTo("919800000500")))
                .willReturn(aResponse().withStatus(500)));
        zoko.stubFor(post(urlEqualTo("/v2/message")).atPriority(1).withRequestBody(matchingJsonPath("$.recipient", equalTo("919800000400")))
                .willReturn(aResponse().withStatus(400).withBody("{\"message\":\"templateArgs do not match\"}")));
    }

    String zokoMerchant() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, dev.loyaltyrelay.domain.SignaturePolicy.RECORD, dev.loyaltyrelay.domain.RepeatPolicy.COUNT);
        merchants.integration(merchantId, "zoko-demo", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-demo-key"));
        return merchantId;
    }

    static JsonNode invoke(JsonNode sqsEvent) {
        String response = given().contentType("application/json").body(sqsEvent.toString()).when().post().then().statusCode(200)
                .extract().asString();
        try {
            return JSON.readTree(response);
        } catch (Exception e) {
            throw new AssertionError("not an SQS batch response: " + response, e);
        }
    }

    @Test
    void mixedBatch_failsOnlyTheServerError_sendsNothingForTheDuplicate_andRecordsEveryOutcome() {
        String merchantId = zokoMerchant();
        ObjectNode batch = SqsEvents.forMerchant(SqsEvents.load("zoko-batch.json"), merchantId, clock.instant());
        JsonNode earlier = invoke(SqsEvents.only(batch, DUPLICATE));
        assertEquals(List.of(), SqsEvents.failures(earlier));

        JsonNode response = invoke(batch);

        assertEquals(List.of(SqsEvents.messageId(batch, TRANSIENT)), SqsEvents.failures(response));
        var zoko = ProviderStubs.of(BuiltIn.ZOKO);
        for (String recipient : List.of("919800000001", "919800000002", "919800000500", "919800000400")) {
            zoko.verify(1, postRequestedFor(urlEqualTo("/v2/message")).withRequestBody(matchingJsonPath("$.recipient", equalTo(recipient))));
        }
        DeliveryRecord good = record(batch, GOOD);
        assertEquals(DeliveryStatus.SENT, good.status());
        assertEquals("zk-accepted", good.providerMessageId());
        assertEquals(1, good.attempts());
        DeliveryRecord duplicate = record(batch, DUPLICATE);
        assertEquals(DeliveryStatus.SENT, duplicate.status());
        assertEquals(1, duplicate.attempts(), "the duplicate made no second call");
        DeliveryRecord failing = record(batch, TRANSIENT);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, failing.status());
        assertEquals("http_500", failing.reason());
        assertNotNull(failing.nextAttemptAt());
        assertTrue(failing.nextAttemptAt().isAfter(clock.instant()));
        assertEquals(500, failing.trail().getLast().httpStatus());
        DeliveryRecord rejected = record(batch, PERMANENT);
        assertEquals(DeliveryStatus.REJECTED, rejected.status());
        assertEquals("http_400", rejected.reason());
    }

    @Test
    void theFailedRecord_whenItComesBack_isSentOnce_andTheOthersStayDone() {
        String merchantId = zokoMerchant();
        ObjectNode batch = SqsEvents.forMerchant(SqsEvents.load("zoko-batch.json"), merchantId, clock.instant());
        invoke(batch);
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.recipient", equalTo("919800000500"))).willReturn(aResponse().withStatus(202)));

        JsonNode again = invoke(batch);

        assertEquals(List.of(), SqsEvents.failures(again));
        assertEquals(DeliveryStatus.SENT, record(batch, TRANSIENT).status());
        assertEquals(2, record(batch, TRANSIENT).attempts());
        assertEquals(null, record(batch, TRANSIENT).nextAttemptAt(), "no retry is due once it is sent");
        assertEquals(5, ProviderStubs.requests(BuiltIn.ZOKO).size(), "4 first calls, then only the retried one");
    }

    @Test
    void aBatchOfTen_isSentConcurrently() {
        String merchantId = zokoMerchant();
        // Each answer waits until all ten requests have arrived: sent one after another, the first would wait in vain.
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.templateId", equalTo("wallet_reward_v1")))
                .willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"together\"}")
                        .withTransformers(RequestBarrier.NAME).withTransformerParameter("id", "batch-" + merchantId)
                        .withTransformerParameter("parties", 10).withTransformerParameter("waitMillis", 4_000)));
        ObjectNode sample = SqsEvents.forMerchant(SqsEvents.load("zoko-batch.json"), merchantId, clock.instant());
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode records = batch.putArray("Records");
        for (int i = 0; i < 10; i++) {
            ObjectNode record = sample.get("Records").get(GOOD).deepCopy();
            ObjectNode job = SqsEvents.job(record);
            job.put("deliveryId", job.get("deliveryId").asText() + i);
            ((ObjectNode) job.get("recipient")).put("address", "+9198000100" + (10 + i));
            SqsEvents.setJob(record, job);
            record.put("messageId", "concurrent-" + i);
            records.add(record);
        }

        JsonNode response = invoke(batch);

        assertEquals(List.of(), SqsEvents.failures(response));
        var calls = ProviderStubs.of(BuiltIn.ZOKO).getAllServeEvents();
        assertEquals(10, calls.size());
        assertTrue(calls.stream().allMatch(call -> "all-arrived".equals(call.getResponse().getHeaders().getHeader(RequestBarrier.HEADER).firstValue())),
                "every request was answered only once all ten were in flight at once");
    }

    DeliveryRecord record(JsonNode batch, int index) {
        return ledger.find(SqsEvents.deliveryId(batch, index)).orElseThrow(() -> new AssertionError("no record for record " + index));
    }

    /**
     * What the provider alarms of template.yaml read is what the function publishes: each alarm names an exact dimension
     * set (an alarm cannot search), so a renamed dimension or value would leave the alarm silently OK forever.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theOutcomesAndBreakerCounts_arePublishedUnderTheExactDimensionSetsTheAlarmsName() throws Exception {
        String merchantId = zokoMerchant();
        ObjectNode batch = SqsEvents.forMerchant(SqsEvents.load("zoko-batch.json"), merchantId, clock.instant());
        var emf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = metrics.printTo(new java.io.PrintStream(emf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            invoke(batch);
        } finally {
            metrics.printTo(stdout);
        }
        List<JsonNode> documents = new java.util.ArrayList<>();
        for (String line : emf.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            documents.add(JSON.readTree(line));
        }

        Map<String, Object> resources = (Map<String, Object>) dev.loyaltyrelay.local.TemplateExpander.read(java.nio.file.Path.of("template.yaml"))
                .get("Resources");
        List<Map<String, Object>> alarmedMetrics = new java.util.ArrayList<>();
        for (String alarm : List.of("ZokoRejectedRateAlarm", "ZokoUnknownRateAlarm")) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) resources.get(alarm)).get("Properties");
            for (Object query : (List<Object>) properties.get("Metrics")) {
                Object stat = ((Map<String, Object>) query).get("MetricStat");
                if (stat != null) {
                    alarmedMetrics.add((Map<String, Object>) ((Map<String, Object>) stat).get("Metric"));
                }
            }
        }
        assertTrue(alarmedMetrics.size() >= 4, alarmedMetrics.toString());
        // The batch: one sent, one duplicate (sent earlier: no outcome now), one retried (http_500), one rejected (http_400).
        for (String status : List.of("SENT", "REJECTED")) {
            Map<String, Object> metric = alarmedMetrics.stream()
                    .filter(m -> ((List<Map<String, Object>>) m.get("Dimensions")).stream().anyMatch(d -> status.equals(d.get("Value"))))
                    .findFirst().orElseThrow(() -> new AssertionError("no alarm reads " + status));
            assertTrue(published(documents, metric), "DeliveryOutcome " + status + " is not published as " + metric + " reads it: " + documents);
        }
        Map<String, Object> breaker = (Map<String, Object>) ((Map<String, Object>) resources.get("ZokoBreakerOpenAlarm")).get("Properties");
        List<String> breakerDimensions = ((List<Map<String, Object>>) breaker.get("Dimensions")).stream().map(d -> (String) d.get("Name")).sorted().toList();
        assertEquals(List.of("function", "provider", "stage"), breakerDimensions, "ProviderBreakerOpened is counted by provider only");
    }

    /** A literal, or a {@code !Sub [template, {name: value}]} as the expander leaves it, resolved. */
    @SuppressWarnings("unchecked")
    private static String substituted(Object value) {
        if (value instanceof Map<?, ?> intrinsic && intrinsic.get("Fn::Sub") instanceof List<?> sub) {
            String text = (String) sub.get(0);
            for (var variable : ((Map<String, Object>) sub.get(1)).entrySet()) {
                text = text.replace("${" + variable.getKey() + "}", String.valueOf(variable.getValue()));
            }
            return text;
        }
        return String.valueOf(value);
    }

    /** Whether a document publishes the metric under exactly the alarm's dimension names, with its values. */
    @SuppressWarnings("unchecked")
    private static boolean published(List<JsonNode> documents, Map<String, Object> metric) {
        List<Map<String, Object>> dimensions = (List<Map<String, Object>>) metric.get("Dimensions");
        java.util.Set<String> names = new java.util.TreeSet<>(dimensions.stream().map(d -> (String) d.get("Name")).toList());
        for (JsonNode document : documents) {
            for (JsonNode directive : document.path("_aws").path("CloudWatchMetrics")) {
                boolean namesMatch = false;
                for (JsonNode set : directive.path("Dimensions")) {
                    java.util.Set<String> published = new java.util.TreeSet<>();
                    set.forEach(n -> published.add(n.asText()));
                    namesMatch |= published.equals(names);
                }
                boolean metricListed = false;
                for (JsonNode m : directive.path("Metrics")) {
                    metricListed |= m.path("Name").asText().equals(metric.get("MetricName"));
                }
                boolean valuesMatch = dimensions.stream().allMatch(d -> {
                    String name = (String) d.get("Name");
                    Object value = d.get("Value");
                    String expected = switch (name) {
                        // Ref Stage: RELAY_STAGE, which the tests leave at its default.
                        case "stage" -> "local";
                        default -> substituted(value);
                    };
                    return document.path(name).asText().equals(expected);
                });
                if (namesMatch && metricListed && valuesMatch && directive.path("Namespace").asText().equals(metric.get("Namespace"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
