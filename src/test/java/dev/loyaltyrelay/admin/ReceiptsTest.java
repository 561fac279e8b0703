package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.figures.FiguresHandler;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.receipts.ReceiptHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.FiguresStream;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receipts and replies (issue 14), through the admin function, Zoko's delivery function and the receipts function, on
 * DynamoDB Local, the SQS server and WireMock speaking Zoko: Initialize issues a receipt URL and registers it with Zoko;
 * a delivery's receipt moves on (delivered, read), never back, and a repeat changes nothing; a wrong secret, another
 * merchant's path or another provider's is not found; a failure Zoko reports after its 2xx is classified like its
 * synchronous answer (131050 opts the recipient out); a STOP reply opts the customer out of every topic; receipts that
 * never came are reconciled from Zoko's history; the figures give the delivered and read rates. No secret and no
 * number in a log line.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ReceiptsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MOBILE_DIGITS = "9876543210";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    FiguresHandler figuresProjection;
    @Inject
    @Named("receipts")
    ReceiptHandler receipts;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    /** Zoko answers the next message with {@code messageId}. */
    static void zokoSendsAs(String messageId) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).atPriority(1)
                .willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"" + messageId + "\"}")));
    }

    /** Zoko posting {@code body} to {@code url}, as API Gateway hands it to the receipts function: the status and body. */
    JsonNode posted(String url, String body) {
        var event = new APIGatewayV2HTTPEvent();
        event.setRawPath(URI.create(url).getPath());
        event.setBody(body);
        event.setIsBase64Encoded(false);
        var answer = receipts.handleRequest(event, null);
        var result = JSON.createObjectNode().put("status", answer.getStatusCode());
        try {
            result.set("body", JSON.readTree(answer.getBody()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return result;
    }

    static String receipt(String messageId, String state) {
        return "{\"event\":\"message:delivery:update\",\"id\":\"" + messageId + "\",\"deliveryStatus\":\"" + state
                + "\",\"direction\":\"FROM_STORE\",\"platform\":\"whatsapp\",\"platformTimestamp\":\"2026-11-18T10:00:00Z\"}";
    }

    static String reply(String text) {
        return "{\"event\":\"message:user:in\",\"direction\":\"FROM_CUSTOMER\",\"platform\":\"whatsapp\",\"type\":\"text\","
                + "\"platformSenderId\":\"91" + MOBILE_DIGITS + "\",\"text\":\"" + text + "\"}";
    }

    static JsonNode delivery(String merchantId, String key, String providerMessageId) {
        Answer all = call("GET", merchants(merchantId) + "/deliveries", key, null);
        for (JsonNode delivery : all.get("deliveries")) {
            if (providerMessageId.equals(delivery.path("providerMessageId").asText())) {
                return delivery;
            }
        }
        throw new AssertionError("no delivery sent as " + providerMessageId + " in " + all);
    }

    record Connected(String merchantId, String key, String integrationId, String receiptUrl) {
    }

    Connected zokoMerchant() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        ProviderStubs.of(BuiltIn.ZOKO).resetRequests();
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        return new Connected(merchantId, key, integrationId, initialized.get("receipts").get("url").asText());
    }

    void deliverOne(Connected zoko, String messageId) {
        zokoSendsAs(messageId);
        assertEquals(202, AdminScenario.webhook(ingest, zoko.merchantId(), "walletreward_create"));
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));
    }

    @Test
    void initialize_issuesAReceiptUrl_andRegistersItWithZoko_forDeliveryUpdatesAndReplies() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        ProviderStubs.of(BuiltIn.ZOKO).resetRequests();

        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));

        assertEquals(201, initialized.status(), initialized.toString());
        assertEquals(List.of(), AdminScenario.violationsOf("Integration", initialized.body()));
        String url = initialized.get("receipts").get("url").asText();
        String integrationId = initialized.get("integrationId").asText();
        assertTrue(url.startsWith("https://relay.test/v1/receipts/zoko/" + merchantId + "/" + integrationId + "/"), url);
        assertTrue(url.substring(url.lastIndexOf('/') + 1).length() >= 43, "a 256-bit secret");
        assertEquals("registered", initialized.get("receipts").get("registration").asText());
        var registrations = ProviderStubs.of(BuiltIn.ZOKO).findAll(postRequestedFor(urlEqualTo("/v2/webhook")));
        assertEquals(1, registrations.size());
        JsonNode registered = readTree(registrations.get(0).getBodyAsString());
        assertEquals(url, registered.get("url").asText());
        assertEquals(List.of("message:delivery:update", "message:user:in"),
                JSON.convertValue(registered.get("events"), List.class));
        assertEquals(AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO).get("apiKey"), registrations.get(0).getHeader("apikey"), "with the account's key");

        Answer reading = call("GET", merchants(merchantId) + "/integrations/" + integrationId, key, null);
        assertFalse(reading.body().toString().contains(url.substring(url.lastIndexOf('/') + 1)), "the secret is shown once");

        Answer reissued = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/receipt-url", key, null);
        assertEquals(200, reissued.status(), reissued.toString());
        assertFalse(reissued.get("url").asText().equals(url), "a new secret");
        assertEquals(404, posted(url, receipt("zk-none", "read")).get("status").asInt(), "the earlier URL stops working");
        assertEquals(200, posted(reissued.get("url").asText(), receipt("zk-none", "read")).get("status").asInt());
    }

    static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDeliveryReceipt_movesTheRecordToDeliveredThenRead_neverBack_andTheFiguresGiveTheRates() {
        Connected zoko = zokoMerchant();
        deliverOne(zoko, "zk-rcpt-1");
        assertEquals("sent", delivery(zoko.merchantId(), zoko.key(), "zk-rcpt-1").get("status").asText());
        List<String> logs = new ArrayList<>();

        logs.addAll(AdminScenario.logLinesDuring(() -> {
            JsonNode delivered = posted(zoko.receiptUrl(), receipt("zk-rcpt-1", "delivered"));
            assertEquals(200, delivered.get("status").asInt(), delivered.toString());
            assertEquals(1, delivered.get("body").get("receipts").asInt());
        }));
        assertEquals("delivered", delivery(zoko.merchantId(), zoko.key(), "zk-rcpt-1").get("receipt").get("state").asText());
        logs.addAll(AdminScenario.logLinesDuring(() -> {
            posted(zoko.receiptUrl(), receipt("zk-rcpt-1", "read"));
            posted(zoko.receiptUrl(), receipt("zk-rcpt-1", "delivered"));
            posted(zoko.receiptUrl(), receipt("zk-rcpt-1", "read"));
        }));
        JsonNode record = delivery(zoko.merchantId(), zoko.key(), "zk-rcpt-1");
        assertEquals("read", record.get("receipt").get("state").asText(), "a late delivered does not undo read: " + record);
        assertEquals("sent", record.get("status").asText(), "the provider accepted it: the status stays");
        assertEquals(List.of(), AdminScenario.violationsOf("Delivery", record));

        String secret = zoko.receiptUrl().substring(zoko.receiptUrl().lastIndexOf('/') + 1);
        String wrongSecret = zoko.receiptUrl().substring(0, zoko.receiptUrl().lastIndexOf('/') + 1) + "A".repeat(secret.length());
        assertEquals(404, posted(wrongSecret, receipt("zk-rcpt-1", "failed")).get("status").asInt());
        assertEquals(404, posted(zoko.receiptUrl().replace("/zoko/", "/wigzo/"), receipt("zk-rcpt-1", "failed")).get("status").asInt());
        String other = AdminScenario.fresh();
        AdminScenario.newMerchant(other);
        assertEquals(404, posted(zoko.receiptUrl().replace("/" + zoko.merchantId() + "/", "/" + other + "/"), receipt("zk-rcpt-1", "failed"))
                .get("status").asInt());
        assertEquals(200, posted(zoko.receiptUrl(), receipt("zk-not-ours", "failed")).get("status").asInt(), "a message not ours: counted, not retried");
        assertEquals(200, posted(zoko.receiptUrl(), "{not json").get("status").asInt());
        assertEquals("read", delivery(zoko.merchantId(), zoko.key(), "zk-rcpt-1").get("receipt").get("state").asText());

        deliverOne(zoko, "zk-rcpt-2");
        FiguresStream.project(figuresProjection);
        Answer figures = call("GET", merchants(zoko.merchantId()) + "/figures", zoko.key(), null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        JsonNode rates = figures.get("receipts").get("byProvider").get("zoko");
        assertEquals(2, rates.get("sent").asInt(), figures.toString());
        assertEquals(1, rates.get("delivered").asInt());
        assertEquals(1, rates.get("read").asInt());
        assertEquals(0.5, rates.get("readRate").asDouble());
        assertEquals(0.5, figures.get("receipts").get("byTopic").get("walletreward_create").get("deliveredRate").asDouble());
        JsonNode byTemplate = figures.get("receipts").get("byTemplate").get("zoko:wallet_reward_v1");
        assertEquals(2, byTemplate.get("sent").asInt(), figures.toString());
        assertEquals(0.5, byTemplate.get("readRate").asDouble(), "per template too");
        assertEquals(2, figures.get("totals").get("sent").asInt(), "receipts leave the sent total as it was");
        assertEquals(List.of(), AdminScenario.violationsOf("Figures", figures.body()));
        assertTrue(logs.stream().noneMatch(line -> line.contains(secret)), "the secret in a log line: " + logs);
    }

    @Test
    void aFailureReportedAfterTheSend_isClassifiedLikeTheAnswer_131050OptsTheRecipientOut() {
        Connected zoko = zokoMerchant();
        assertEquals(200, call("PUT", merchants(zoko.merchantId()) + "/topic-categories", zoko.key(),
                object("overrides", Map.of("walletreward_create", "marketing"))).status());
        deliverOne(zoko, "zk-fail-1");

        JsonNode answer = posted(zoko.receiptUrl(), "{\"event\":\"message:delivery:update\",\"id\":\"zk-fail-1\",\"deliveryStatus\":\"failed\","
                + "\"details\":{\"message\":\"(#131050) Unable to deliver message\"}}");

        assertEquals(200, answer.get("status").asInt(), answer.toString());
        JsonNode record = delivery(zoko.merchantId(), zoko.key(), "zk-fail-1");
        assertEquals("failed", record.get("receipt").get("state").asText());
        assertEquals("recipient_opted_out", record.get("receipt").get("reason").asText());
        Answer looked = call("POST", merchants(zoko.merchantId()) + "/consent/lookup", zoko.key(), object("mobile", MOBILE_DIGITS));
        JsonNode whatsapp = ConsentTest.channel(looked, "WHATSAPP");
        assertTrue(whatsapp.get("optedOut").asBoolean(), looked.toString());
        assertEquals("provider", whatsapp.get("source").asText());

        ProviderStubs.of(BuiltIn.ZOKO).resetRequests();
        assertEquals(202, AdminScenario.webhook(ingest, zoko.merchantId(), "walletreward_create"));
        ConsentTest.deliver(BuiltIn.ZOKO);
        assertEquals(0, ProviderStubs.requests(BuiltIn.ZOKO).size(), "the next marketing message is not sent");
        FiguresStream.project(figuresProjection);
        Answer figures = call("GET", merchants(zoko.merchantId()) + "/figures", zoko.key(), null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        assertEquals(1, figures.get("byReason").get("failed:recipient_opted_out").asInt(), "counted as failed after all: " + figures);
    }

    @Test
    void aStopReply_optsTheCustomerOutOfEveryTopic_andTheMerchantChoosesTheWords() {
        Connected zoko = zokoMerchant();
        deliverOne(zoko, "zk-stop-1");
        List<String> logs = new ArrayList<>();

        logs.addAll(AdminScenario.logLinesDuring(() -> {
            assertEquals(1, posted(zoko.receiptUrl(), reply("Thanks!")).get("body").get("replies").asInt());
            assertFalse(ConsentTest.channel(call("POST", merchants(zoko.merchantId()) + "/consent/lookup", zoko.key(),
                    object("mobile", MOBILE_DIGITS)), "WHATSAPP").get("optedOut").asBoolean(), "a reply that is not an opt-out word");
            posted(zoko.receiptUrl(), reply(" stop. "));
        }));

        JsonNode whatsapp = ConsentTest.channel(call("POST", merchants(zoko.merchantId()) + "/consent/lookup", zoko.key(),
                object("mobile", MOBILE_DIGITS)), "WHATSAPP");
        assertTrue(whatsapp.get("optedOut").asBoolean(), whatsapp.toString());
        assertEquals("customer", whatsapp.get("source").asText());
        ProviderStubs.of(BuiltIn.ZOKO).resetRequests();
        assertEquals(202, AdminScenario.webhook(ingest, zoko.merchantId(), "walletreward_create"));
        ConsentTest.deliver(BuiltIn.ZOKO);
        assertEquals(0, ProviderStubs.requests(BuiltIn.ZOKO).size(), "a transactional topic too: the customer asked to stop");
        assertTrue(logs.stream().noneMatch(line -> line.contains(MOBILE_DIGITS)), "a number in a log line: " + logs);

        assertEquals(200, call("POST", merchants(zoko.merchantId()) + "/consent/opt-in", zoko.key(),
                object("channel", "WHATSAPP", "mobile", MOBILE_DIGITS)).status());
        Answer words = call("PUT", merchants(zoko.merchantId()) + "/opt-out-words", zoko.key(), object("words", List.of("parar", " Basta ")));
        assertEquals(200, words.status(), words.toString());
        assertEquals(List.of("PARAR", "BASTA"), JSON.convertValue(words.get("words"), List.class));
        assertFalse(words.get("defaults").asBoolean());
        posted(zoko.receiptUrl(), reply("STOP"));
        assertFalse(ConsentTest.channel(call("POST", merchants(zoko.merchantId()) + "/consent/lookup", zoko.key(),
                object("mobile", MOBILE_DIGITS)), "WHATSAPP").get("optedOut").asBoolean(), "STOP is not one of this merchant's words");
        posted(zoko.receiptUrl(), reply("Parar!"));
        assertTrue(ConsentTest.channel(call("POST", merchants(zoko.merchantId()) + "/consent/lookup", zoko.key(),
                object("mobile", MOBILE_DIGITS)), "WHATSAPP").get("optedOut").asBoolean());
        assertEquals(400, call("PUT", merchants(zoko.merchantId()) + "/opt-out-words", zoko.key(), object("words", List.of("no;way"))).status());
        Answer reset = call("PUT", merchants(zoko.merchantId()) + "/opt-out-words", zoko.key(), object("words", List.of()));
        assertTrue(reset.get("defaults").asBoolean(), reset.toString());
        assertEquals(List.of(), AdminScenario.violationsOf("OptOutWords", reset.body()));
    }

    @Test
    void receiptsThatNeverCame_areReconciledFromZokosHistory() {
        Connected zoko = zokoMerchant();
        deliverOne(zoko, "zk-quiet-1");
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(get(urlEqualTo("/v2/message/zk-quiet-1/history")).willReturn(aResponse().withStatus(200)
                .withBody("{\"messageId\":\"zk-quiet-1\",\"history\":[{\"deliveryChannel\":\"whatsapp\",\"happendAt\":\"2026-11-18T10:05:00Z\","
                        + "\"state\":\"read\",\"details\":{}},{\"deliveryChannel\":\"whatsapp\",\"happendAt\":\"2026-11-18T10:01:00Z\","
                        + "\"state\":\"delivered\",\"details\":{}}]}")));

        Answer reconciled = call("POST", merchants(zoko.merchantId()) + "/integrations/" + zoko.integrationId() + "/receipts/reconcile",
                zoko.key(), object("hours", 48));

        assertEquals(200, reconciled.status(), reconciled.toString());
        assertEquals(1, reconciled.get("checked").asInt());
        assertEquals(2, reconciled.get("applied").asInt(), "delivered, then read, in the order of their ranks");
        assertEquals("read", delivery(zoko.merchantId(), zoko.key(), "zk-quiet-1").get("receipt").get("state").asText());
        Answer again = call("POST", merchants(zoko.merchantId()) + "/integrations/" + zoko.integrationId() + "/receipts/reconcile",
                zoko.key(), null);
        assertEquals(0, again.get("checked").asInt(), "read is final: nothing left to ask about");
        assertNull(again.body().get("error"));
        assertEquals(400, call("POST", merchants(zoko.merchantId()) + "/integrations/" + zoko.integrationId() + "/receipts/reconcile",
                zoko.key(), object("hours", 0)).status());
    }

    @Test
    void aFailureReportedLate_doesNotUndoAnOptInTheMerchantRecordedAfterIt() {
        Connected zoko = zokoMerchant();
        deliverOne(zoko, "zk-late-1");
        clock.set(java.time.Instant.parse("2026-11-18T10:30:00Z"));
        assertEquals(200, call("POST", merchants(zoko.merchantId()) + "/consent/opt-in", zoko.key(),
                object("channel", "WHATSAPP", "mobile", MOBILE_DIGITS)).status());

        posted(zoko.receiptUrl(), "{\"event\":\"message:delivery:update\",\"id\":\"zk-late-1\",\"deliveryStatus\":\"failed\","
                + "\"platformTimestamp\":\"2026-11-18T10:00:00Z\",\"details\":{\"message\":\"(#131050) Unable to deliver message\"}}");

        assertEquals("failed", delivery(zoko.merchantId(), zoko.key(), "zk-late-1").get("receipt").get("state").asText());
        JsonNode whatsapp = ConsentTest.channel(call("POST", merchants(zoko.merchantId()) + "/consent/lookup", zoko.key(),
                object("mobile", MOBILE_DIGITS)), "WHATSAPP");
        assertFalse(whatsapp.get("optedOut").asBoolean(), "the opt-in at 10:30 is newer than the report of 10:00: " + whatsapp);
    }
}
