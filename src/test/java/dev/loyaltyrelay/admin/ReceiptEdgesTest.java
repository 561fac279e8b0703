package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Receipts at their edges (issue 14, found in review): late failures followed up like the answer, a receipt racing the send, a failure after read, a post of many events, reconciliation that does not starve. */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ReceiptEdgesTest {

    static final ObjectMapper JSON = new ObjectMapper();

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

    record Connected(String merchantId, String key, String integrationId, String receiptUrl) {
    }

    Connected zokoMerchant() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        return new Connected(merchantId, key, integrationId, initialized.get("receipts").get("url").asText());
    }

    void deliverOne(Connected zoko, String messageId) {
        ReceiptsTest.zokoSendsAs(messageId);
        assertEquals(202, AdminScenario.webhook(ingest, zoko.merchantId(), "walletreward_create"));
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));
    }

    int postTo(String url, String body) {
        var event = new APIGatewayV2HTTPEvent();
        event.setRawPath(URI.create(url).getPath());
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return receipts.handleRequest(event, null).getStatusCode();
    }

    static String failed(String messageId, int code) {
        return "{\"event\":\"message:delivery:update\",\"id\":\"" + messageId + "\",\"deliveryStatus\":\"failed\","
                + "\"platformTimestamp\":\"2026-11-18T10:00:00Z\",\"details\":{\"message\":\"(#" + code + ") refused\"}}";
    }

    /** Issue 14: "a failure after the 2xx classified like a synchronous one (... paused template flags the mapping)". */
    @Test
    void aTemplateRefusalReportedAfterTheSend_flagsTheMapping_likeTheSynchronousAnswerDoes() {
        Connected zoko = zokoMerchant();
        deliverOne(zoko, "zk-r14-132016");

        assertEquals(200, postTo(zoko.receiptUrl(), failed("zk-r14-132016", 132016)));

        JsonNode record = ReceiptsTest.delivery(zoko.merchantId(), zoko.key(), "zk-r14-132016");
        assertEquals("meta_132016", record.get("receipt").get("reason").asText(), record.toString());
        Answer mapping = call("GET", merchants(zoko.merchantId()) + "/integrations/" + zoko.integrationId() + "/mappings/wallet", zoko.key(), null);
        assertTrue(mapping.body().has("attention"), "132016 reported by receipt leaves the mapping unflagged: " + mapping);
    }

    /** The same for a code that points at the integration (190: token revoked). */
    @Test
    void anIntegrationRefusalReportedAfterTheSend_flagsTheIntegration_likeTheSynchronousAnswerDoes() {
        Connected zoko = zokoMerchant();
        deliverOne(zoko, "zk-r14-190");

        assertEquals(200, postTo(zoko.receiptUrl(), failed("zk-r14-190", 131031)));

        JsonNode record = ReceiptsTest.delivery(zoko.merchantId(), zoko.key(), "zk-r14-190");
        assertEquals("meta_131031", record.get("receipt").get("reason").asText(), record.toString());
        JsonNode flagged = call("GET", merchants(zoko.merchantId()) + "/attention", zoko.key(), null).get("integrations");
        assertEquals(1, flagged.size(), "131031 (account locked) reported by receipt flags nothing: " + flagged);
    }

    /**
     * Issue 14 / brief: "a receipt racing the send's own outcome write". Zoko posts "delivered" while the delivery function
     * is still waiting for / writing the send's answer. The receipt is answered 200 (so Zoko never posts it again) and lost.
     */
    @Test
    void aReceiptThatArrivesBeforeTheSendIsRecorded_isNotLost() throws Exception {
        Connected zoko = zokoMerchant();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).atPriority(1)
                .willReturn(aResponse().withStatus(202).withFixedDelay(600).withBody("{\"messageId\":\"zk-r14-race\"}")));
        assertEquals(202, AdminScenario.webhook(ingest, zoko.merchantId(), "walletreward_create"));

        CompletableFuture<Integer> delivering = CompletableFuture.supplyAsync(() -> ConsentTest.deliver(BuiltIn.ZOKO));
        // Zoko has the message (its journal says so, whatever the machine's speed); its "delivered" comes before its 202
        // reaches the relay, which the answer's delay holds back.
        var sent = com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/v2/message"));
        for (int waited = 0; ProviderStubs.of(BuiltIn.ZOKO).findAll(sent).isEmpty() && waited < 300; waited++) {
            Thread.sleep(20);
        }
        int status = postTo(zoko.receiptUrl(), ReceiptsTest.receipt("zk-r14-race", "delivered"));
        assertEquals(1, delivering.get());

        assertEquals(200, status, "answered as taken: Zoko will not post it again");
        JsonNode record = ReceiptsTest.delivery(zoko.merchantId(), zoko.key(), "zk-r14-race");
        assertEquals("sent", record.get("status").asText());
        assertTrue(record.has("receipt") && "delivered".equals(record.get("receipt").get("state").asText()),
                "the delivered receipt answered 200 was dropped: " + record);
    }

    /** A message the customer read cannot have failed: a "failed" after "read" undoes a read in the record and the figures. */
    @Test
    void aFailedReportAfterRead_doesNotUndoTheRead_inTheRecordOrTheFigures() {
        Connected zoko = zokoMerchant();
        deliverOne(zoko, "zk-r14-readfail");
        assertEquals(200, postTo(zoko.receiptUrl(), ReceiptsTest.receipt("zk-r14-readfail", "read")));
        assertEquals(200, postTo(zoko.receiptUrl(), failed("zk-r14-readfail", 131000)));

        JsonNode record = ReceiptsTest.delivery(zoko.merchantId(), zoko.key(), "zk-r14-readfail");
        FiguresStream.project(figuresProjection);
        Answer figures = call("GET", merchants(zoko.merchantId()) + "/figures", zoko.key(), null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        JsonNode rates = figures.get("receipts").get("byProvider").get("zoko");
        assertEquals("read", record.get("receipt").get("state").asText(), "read, then failed: " + record);
        assertEquals(1, rates.get("read").asInt(), "the read is gone from the figures: " + figures);
    }

    /**
     * The receipts function has 5 s (template.yaml Timeout: 5; Zoko waits 5 s). A post of more events than can be applied
     * in that time (a list of 4,000 in 200 KiB) is refused 413 at once, applying none; one of up to 500 is applied side by
     * side, 16 at a time, and answered 200 (its time is printed, not asserted: a loaded machine is slower).
     */
    @Test
    void aListOfReceiptsBeyondWhatFiveSecondsApply_isRefused_andOneOfFiveHundredIsAnswered() {
        Connected zoko = zokoMerchant();
        StringBuilder body = new StringBuilder("[");
        int count = 0;
        while (body.length() < 200 * 1024) {
            if (count > 0) {
                body.append(',');
            }
            body.append("{\"id\":\"zk-r14-bulk-").append(count++).append("\",\"deliveryStatus\":\"read\"}");
        }
        body.append(']');
        assertEquals(413, postTo(zoko.receiptUrl(), body.toString()), count + " events in one post");

        StringBuilder fiveHundred = new StringBuilder("[");
        for (int i = 0; i < 500; i++) {
            fiveHundred.append(i == 0 ? "" : ",").append("{\"id\":\"zk-r14-five-").append(i).append("\",\"deliveryStatus\":\"read\"}");
        }
        fiveHundred.append(']');
        long started = System.nanoTime();
        int status = postTo(zoko.receiptUrl(), fiveHundred.toString());
        System.out.printf("RECEIPTS 500 unmatched events in one post answered in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertEquals(200, status);
    }

    /**
     * Reconciliation asks about at most 100 messages per call, oldest first, and a message delivered but never read stays
     * "awaiting" for the whole window: 100 such messages take every place in every call, so a newer message whose receipts
     * never came is never reconciled, however often the merchant asks.
     */
    @Test
    void reconciliation_reachesAMessageBehindAHundredDeliveredButUnreadOnes() {
        Connected zoko = zokoMerchant();
        StringBuilder delivered = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            deliverOne(zoko, "zk-r14-unread-" + i);
            delivered.append(i == 0 ? "" : ",").append(ReceiptsTest.receipt("zk-r14-unread-" + i, "delivered"));
        }
        assertEquals(200, postTo(zoko.receiptUrl(), delivered.append(']').toString()));
        clock.set(Webhooks.SIGNED_AT.plusSeconds(60)); // sent a minute after the others
        deliverOne(zoko, "zk-r14-quiet");
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v2/message/zk-r14-quiet/history"))
                .willReturn(aResponse().withStatus(200).withBody("{\"messageId\":\"zk-r14-quiet\",\"history\":[{\"happendAt\":\"2026-11-18T10:05:00Z\","
                        + "\"state\":\"read\",\"details\":{}}]}")));

        for (int call = 0; call < 3; call++) {
            Answer reconciled = call("POST", merchants(zoko.merchantId()) + "/integrations/" + zoko.integrationId() + "/receipts/reconcile",
                    zoko.key(), object("hours", 48));
            assertEquals(200, reconciled.status(), reconciled.toString());
        }
        JsonNode record = call("GET", merchants(zoko.merchantId()) + "/deliveries", zoko.key(), null, Map.of("limit", "1"))
                .get("deliveries").get(0);
        assertEquals("zk-r14-quiet", record.get("providerMessageId").asText(), "the newest delivery");
        assertTrue(record.has("receipt"), "three reconcile calls never asked about the 101st message: " + record);
    }
}
