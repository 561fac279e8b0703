package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.receipts.ReceiptHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Review of issue 14 (second pass): the Meta error table's integration flag, reported by receipt. */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ReceiptAttentionEdgesTest {

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    dev.loyaltyrelay.figures.FiguresHandler figuresProjection;
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

    int postTo(String url, String body) {
        var event = new APIGatewayV2HTTPEvent();
        event.setRawPath(URI.create(url).getPath());
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return receipts.handleRequest(event, null).getStatusCode();
    }

    /**
     * README (Meta table, flag integration): "flagged for attention ... only if the credentials used are still the
     * integration's", and "nothing more is sent through it until the merchant gives it credentials again". A failure
     * receipt for a message sent under the old key, arriving after the merchant already replaced the key, flags the
     * integration's new key: the flag lands on credentials that were never refused, and stops every delivery.
     */
    @Test
    void aLateAccountRefusalReceipt_forAMessageSentWithReplacedCredentials_flagsNothing() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        String receiptUrl = initialized.get("receipts").get("url").asText();

        ReceiptsTest.zokoSendsAs("zk-r14b-old-key");
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));

        // The merchant moves the integration to a new key (its Meta account fixed or another one).
        Answer patched = call("PATCH", merchants(merchantId) + "/integrations/" + integrationId, key,
                object("credentials", Map.of("apiKey", "zk-live-secret-key-NEW-4242")));
        assertEquals(200, patched.status(), patched.toString());
        directory.invalidateAll();

        // Zoko now reports the earlier message, sent with the old key, failed for the old account's lock.
        assertEquals(200, postTo(receiptUrl, ReceiptEdgesTest.failed("zk-r14b-old-key", 131031)));
        JsonNode record = ReceiptsTest.delivery(merchantId, key, "zk-r14b-old-key");
        assertEquals("meta_131031", record.get("receipt").get("reason").asText(), record.toString());

        JsonNode flagged = call("GET", merchants(merchantId) + "/attention", key, null).get("integrations");
        System.out.println("REVIEW14B attention after late receipt: " + flagged);
        assertEquals(0, flagged.size(), "the new credentials were never refused, yet the integration is flagged: " + flagged);
    }

    /**
     * The same for a mapping (README, Mapping attention / Meta table "flag mapping": the template is disabled or its
     * parameters do not fit it; "only the merchant saving the mapping again clears it"). The merchant moved the mapping to
     * another template; Zoko then reports a message sent with the old template failed 132016 (that template disabled).
     * The flag lands on the mapping that no longer uses the refused template, and stops its deliveries.
     */
    @Test
    void aLateTemplateRefusalReceipt_forTheTemplateTheMappingNoLongerUses_flagsNothing() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        String mapping = merchants(merchantId) + "/integrations/" + integrationId + "/mappings";
        assertEquals(201, call("POST", mapping, key, AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        String receiptUrl = initialized.get("receipts").get("url").asText();

        ReceiptsTest.zokoSendsAs("zk-r14b-old-template");
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));

        Map<String, Object> moved = new java.util.HashMap<>(AdminScenario.walletMapping(BuiltIn.ZOKO));
        moved.remove("mappingId");
        moved.put("templateId", "coupon_ready_v1");
        Answer put = call("PUT", mapping + "/wallet", key, moved);
        assertEquals(200, put.status(), put.toString());
        directory.invalidateAll();

        assertEquals(200, postTo(receiptUrl, ReceiptEdgesTest.failed("zk-r14b-old-template", 132016)));
        Answer after = call("GET", mapping + "/wallet", key, null);
        System.out.println("REVIEW14B mapping after late 132016 for its old template: " + after.body());
        assertEquals("coupon_ready_v1", after.get("templateId").asText());
        assertEquals(false, after.body().has("attention") && !after.get("attention").isNull(),
                "the refused template is no longer the mapping's, yet the mapping is flagged: " + after.body());
    }

    record Zoko(String merchantId, String key, String receiptUrl) {
    }

    Zoko zokoMerchant() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + initialized.get("integrationId").asText() + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        return new Zoko(merchantId, key, initialized.get("receipts").get("url").asText());
    }

    void deliverOne(Zoko zoko, String messageId) {
        ReceiptsTest.zokoSendsAs(messageId);
        assertEquals(202, AdminScenario.webhook(ingest, zoko.merchantId(), "walletreward_create"));
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));
    }

    /** Brief item 3: two merchants' receipts, projected; each merchant's figures equal its own records. */
    @Test
    void receiptFigures_equalEachMerchantsRecords_andStayApart() {
        Zoko a = zokoMerchant();
        Zoko b = zokoMerchant();
        String run = java.util.UUID.randomUUID().toString().substring(0, 6);
        deliverOne(a, "zk-a1-" + run);
        deliverOne(a, "zk-a2-" + run);
        deliverOne(a, "zk-a3-" + run);
        deliverOne(a, "zk-a4-" + run);
        deliverOne(b, "zk-b1-" + run);
        assertEquals(200, postTo(a.receiptUrl(), ReceiptsTest.receipt("zk-a1-" + run, "delivered")));
        assertEquals(200, postTo(a.receiptUrl(), ReceiptsTest.receipt("zk-a2-" + run, "read")));
        assertEquals(200, postTo(a.receiptUrl(), ReceiptEdgesTest.failed("zk-a3-" + run, 131026)));
        // B's message reported through A's URL, and A's through B's: neither may move.
        assertEquals(200, postTo(a.receiptUrl(), ReceiptsTest.receipt("zk-b1-" + run, "read")));
        assertEquals(200, postTo(b.receiptUrl(), ReceiptsTest.receipt("zk-a4-" + run, "read")));
        dev.loyaltyrelay.support.FiguresStream.project(figuresProjection);

        JsonNode fa = call("GET", merchants(a.merchantId()) + "/figures", a.key(), null, Map.of("from", "2026-11-01", "to", "2026-11-30")).body();
        JsonNode fb = call("GET", merchants(b.merchantId()) + "/figures", b.key(), null, Map.of("from", "2026-11-01", "to", "2026-11-30")).body();
        JsonNode la = call("GET", merchants(a.merchantId()) + "/deliveries", a.key(), null).body();
        System.out.println("REVIEW14B figures A: " + fa.get("totals") + " " + fa.get("receipts") + "\nREVIEW14B figures B: " + fb.get("totals") + " "
                + fb.get("receipts") + "\nREVIEW14B records A: " + la);
        JsonNode ra = fa.get("receipts").get("byProvider").get("zoko");
        assertEquals(3, ra.get("sent").asInt(), fa.toString());
        assertEquals(2, ra.get("delivered").asInt());
        assertEquals(1, ra.get("read").asInt());
        assertEquals(3, fa.get("totals").get("sent").asInt());
        assertEquals(1, fa.get("totals").get("failed").asInt());
        assertEquals(3, fa.get("receipts").get("byTemplate").get("zoko:wallet_reward_v1").get("sent").asInt());
        assertEquals(1, fa.get("receipts").get("byTopic").get("walletreward_create").get("read").asInt());
        JsonNode rb = fb.get("receipts").get("byProvider").get("zoko");
        assertEquals(1, rb.get("sent").asInt(), fb.toString());
        assertEquals(0, rb.get("delivered").asInt(), "A's URL moved B's message: " + fb);
        assertEquals(1, fb.get("totals").get("sent").asInt());
    }
}
