package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.EventBridgeStub;
import dev.loyaltyrelay.support.EventBridgeStub.Entry;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The facts the merchant's systems hear of on EventBridge (README, "Events for the merchant's systems"), each published
 * once by the writer that recorded it, with identifiers and codes only: Zoko's function against WireMock, DynamoDB Local
 * and ElasticMQ; EventBridge's PutEvents stood in by WireMock ({@link EventBridgeStub}), whose journal is asserted.
 * A job delivered twice (SQS's at-least-once) publishes once; a failing EventBridge changes no delivery's outcome.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class OperationalEventsTest {

    static final String ZOKO_SEND = "/v2/message";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The sample webhook's customer, as the relay normalises the number. */
    static final String SAMPLE_MOBILE = "+919876543210";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    String merchantId;
    String key;
    String integrationId;

    @BeforeEach
    void connected() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        EventBridgeStub.working();
        merchantId = AdminScenario.fresh();
        key = AdminScenario.newMerchant(merchantId);
        integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO))).get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
    }

    @AfterEach
    void eventBridgeWorksAgain() {
        EventBridgeStub.working();
        AdminScenario.providersAccept();
    }

    @Test
    void aDeliveryGivenUp_isPublishedOnce_thoughItsJobIsDeliveredTwice() {
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":131049}}"));

        JsonNode delivery = deliverOneWebhookTwice();

        assertEquals("exhausted", delivery.get("status").asText());
        assertEquals(List.of(entry("Delivery Exhausted", detail("merchantId", merchantId, "deliveryId", delivery.get("deliveryId").asText(),
                "nectorDeliveryId", lastNectorDeliveryId, "integrationId", integrationId, "provider", "zoko", "topic", "walletreward_create",
                "reason", "meta_131049", "givenUpBy", "age_exceeded"))), EventBridgeStub.entriesOf(merchantId));
    }

    @Test
    void aProviderReportedOptOut_isPublishedOnce_withTheRecipientsHashOnly() {
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":131050,\"message\":\"user stopped marketing messages\"}}"));

        JsonNode delivery = deliverOneWebhookTwice();
        // ... and a second event to the same customer: suppressed, the opt-out already recorded.
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);

        assertEquals(List.of(entry("Recipient Opted Out", detail("merchantId", merchantId, "channel", "WHATSAPP",
                "recipientHash", Hashes.sha256Hex(merchantId + "\n" + SAMPLE_MOBILE), "source", "provider", "provider", "zoko",
                "deliveryId", delivery.get("deliveryId").asText(), "topic", "walletreward_create"))), EventBridgeStub.entriesOf(merchantId));
        assertNoAddressPublished();
    }

    @Test
    void refusedCredentials_flagTheIntegration_andArePublishedOnce() {
        zokoAnswers(aResponse().withStatus(401).withBody("{\"message\":\"invalid api key\"}"));

        deliverOneWebhookTwice();
        // A later event is rejected integration_needs_attention without a call, and flags nothing new.
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);

        assertEquals(List.of(entry("Integration Needs Attention", detail("merchantId", merchantId, "integrationId", integrationId,
                "provider", "zoko", "reason", "credentials_refused"))), EventBridgeStub.entriesOf(merchantId));
    }

    @Test
    void aRefusedTemplate_flagsTheMapping_andIsPublishedOnce() {
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":132016,\"message\":\"template paused\"}}"));

        deliverOneWebhookTwice();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);

        String templateId = call("GET", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/wallet", key, null)
                .get("templateId").asText();
        assertEquals(List.of(entry("Mapping Needs Attention", detail("merchantId", merchantId, "integrationId", integrationId,
                "mappingId", "wallet", "provider", "zoko", "topic", "walletreward_create", "templateId", templateId, "reason", "meta_132016"))),
                EventBridgeStub.entriesOf(merchantId));
    }

    @Test
    void theMerchantsOptOut_isPublishedOnce_andOptingOutAgainPublishesNothing() {
        for (int i = 0; i < 2; i++) {
            assertEquals(200, call("POST", merchants(merchantId) + "/consent/opt-out", key,
                    object("channel", "WHATSAPP", "mobile", "9876543210")).status());
        }
        assertEquals(200, call("POST", merchants(merchantId) + "/consent/opt-in", key,
                object("channel", "WHATSAPP", "mobile", "9876543210")).status());

        assertEquals(List.of(entry("Recipient Opted Out", detail("merchantId", merchantId, "channel", "WHATSAPP",
                "recipientHash", Hashes.sha256Hex(merchantId + "\n" + SAMPLE_MOBILE), "source", "merchant"))), EventBridgeStub.entriesOf(merchantId));
        assertNoAddressPublished();
    }

    @Test
    void eventBridgeAnswering500_changesNoDeliverysOutcome() {
        EventBridgeStub.failing();
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":131049}}"));

        JsonNode delivery = deliverOneWebhookTwice();

        assertEquals("exhausted", delivery.get("status").asText());
        assertEquals("meta_131049", delivery.get("reason").asText());
        assertEquals(0, Queues.drain(BuiltIn.ZOKO).size(), "the job was not put back for the publish");
        assertFalse(EventBridgeStub.entriesOf(merchantId).isEmpty(), "the publish was tried");
        assertTrue(EventBridgeStub.entriesOf(merchantId).stream().allMatch(e -> e.detailType().equals("Delivery Exhausted")));
    }

    @Test
    void eventBridgeResettingConnections_changesNoDeliverysOutcome() {
        EventBridgeStub.resetting();
        zokoAnswers(aResponse().withStatus(401).withBody("{\"message\":\"invalid api key\"}"));

        JsonNode delivery = deliverOneWebhookTwice();

        assertEquals("rejected", delivery.get("status").asText());
        assertEquals("credentials_refused", delivery.get("reason").asText());
        assertEquals("credentials_refused", call("GET", merchants(merchantId) + "/attention", key, null).get("integrations").get(0)
                .get("reason").asText(), "the flag stands though its publish failed");
        assertEquals(0, Queues.drain(BuiltIn.ZOKO).size());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    String lastNectorDeliveryId;

    /** One webhook; its job put on Zoko's queue twice (SQS delivers at least once), both delivered; the delivery as listed. */
    private JsonNode deliverOneWebhookTwice() {
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        var queued = Queues.drain(BuiltIn.ZOKO);
        assertEquals(1, queued.size());
        String body = queued.get(0).body();
        lastNectorDeliveryId = readTree(body).path("nectorDeliveryId").asText();
        var aws = LocalAws.get();
        for (int i = 0; i < 2; i++) {
            aws.sqs.sendMessage(r -> r.queueUrl(aws.queueUrls.get(BuiltIn.ZOKO)).messageBody(body));
            AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        }
        JsonNode deliveries = call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries");
        assertEquals(1, deliveries.size(), deliveries.toString());
        return deliveries.get(0);
    }

    private static void zokoAnswers(ResponseDefinitionBuilder answer) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_SEND)).atPriority(1).willReturn(answer));
    }

    private void assertNoAddressPublished() {
        for (Entry entry : EventBridgeStub.entriesOf(merchantId)) {
            String detail = entry.detail().toString();
            assertFalse(detail.contains("9876543210"), detail);
        }
    }

    static Entry entry(String detailType, JsonNode detail) {
        return new Entry(EventBridgeStub.BUS, "loyalty-relay", detailType, detail);
    }

    static JsonNode detail(String... keysAndValues) {
        Map<String, String> detail = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            detail.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return JSON.valueToTree(detail);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
