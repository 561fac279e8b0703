package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.support.BuiltIn;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Edges of ingest, held events, webhook secrets and test sends, found by an independent review of issue 10. */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class AdminEdgesTest {

    /** A valid Unicode code point (a noncharacter) that SQS does not carry in a message body; JSON and Nector do. */
    static final String NOT_FOR_SQS = "\uffff";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    HeldEventStore held;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    String connectZoko(String merchantId, String key) {
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        Answer mapped = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO));
        assertEquals(201, mapped.status(), mapped.toString());
        return integrationId;
    }

    APIGatewayV2HTTPResponse post(ObjectNode event) {
        try {
            return ingest.handleRequest(AdminScenario.JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The wallet sample for the merchant, with the customer's name as given, signed. */
    static ObjectNode walletEventNamed(String merchantId, String userName) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        Webhooks.withDeliveryId(event, "nd-" + UUID.randomUUID());
        ObjectNode body = Webhooks.body(event);
        body.put("user_name", userName);
        return Webhooks.withSignedBody(event, body);
    }

    // README "admin API": no response carries a full phone number or email. withoutAddress masks only the recipient's
    // own address; the customer's other address, read by a variable, goes out in full.
    @Test
    void aTestSend_neverShowsTheCustomersOtherAddress_whenAVariableReadsIt() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = connectZoko(merchantId, key);
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        Answer mapped = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                object("mappingId", "contact", "topic", "walletreward_create", "templateId", "coupon_ready_v1", "language", "en",
                        "variables", List.of(object("property", "user_name"), object("property", "user_email"))));
        assertEquals(201, mapped.status(), mapped.toString());

        Answer tested = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/contact/test", key,
                object("mobile", "9876543210"));

        assertEquals(200, tested.status(), tested.toString());
        assertFalse(tested.body().toString().contains("riya@example.com"), "the customer's full email in the answer: " + tested);
    }

    // Issue 10 item 14 / README: "A retirement only moves earlier (it is how a leaked secret is revoked)". Pasting the
    // revoked value again makes it valid under a new id: webhooks signed with the leaked secret are accepted again.
    @Test
    void aRetiredSecret_pastedAgain_staysRevoked() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connectZoko(merchantId, key);
        String secrets = merchants(merchantId) + "/webhook-secrets";
        Answer replacement = call("POST", secrets, key, null);
        assertEquals(201, replacement.status());
        String leaked = call("GET", secrets, key, null).get("webhookSecrets").findValuesAsText("secretId").stream()
                .filter(id -> !id.equals(replacement.get("secretId").asText())).findFirst().orElseThrow();
        assertEquals(200, call("POST", secrets + "/" + leaked + "/retire", key, null).status());
        directory.invalidateAll();
        assertEquals(401, AdminScenario.webhook(ingest, merchantId, "walletreward_create"), "the retired secret is refused");

        Answer pasted = call("POST", secrets, key, object("secret", Webhooks.DEMO_SECRET));
        directory.invalidateAll();
        int status = AdminScenario.webhook(ingest, merchantId, "walletreward_create");

        assertEquals(401, status, "a webhook signed with the revoked secret is accepted again after it was pasted (" + pasted + ")");
    }

    // README "webhook contract": no client mistake gets a 5xx, 503 means "retry". A body with U+FFFF (valid JSON, a valid
    // code point) is answered 503 queue_unavailable on every retry: the job's JSON carries the character raw, SQS
    // refuses the message (ElasticMQ: InvalidAttributeValue; SQS documents the same character set), and the refusal
    // is classified as the queue being unavailable. The event is never queued.
    @Test
    void aWebhookWithACharacterSqsDoesNotCarry_isQueued_notAnswered503OnEveryRetry() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connectZoko(merchantId, key);
        ObjectNode event = walletEventNamed(merchantId, "Riya" + NOT_FOR_SQS);

        List<String> answers = new ArrayList<>();
        for (int retry = 0; retry < 3; retry++) {
            APIGatewayV2HTTPResponse answer = post(event);
            answers.add(answer.getStatusCode() + " " + answer.getBody());
        }

        assertTrue(answers.stream().noneMatch(a -> a.startsWith("5")), "Nector's every retry: " + answers);
        assertEquals(1, Queues.drain(BuiltIn.ZOKO).size(), "the authentic event was queued: " + answers);
    }

    // Issue 10 item 12 / README: replay "stops at the first answer a retry may change (409, 5xx)" and resumes at it.
    // An event the queue refuses for its content answers 503 for ever, so every later held event is never replayed.
    @Test
    void aHeldEventTheQueueRefuses_doesNotStopEveryLaterHeldEventFromBeingReplayed() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connectZoko(merchantId, key);
        holdWallet(merchantId, "nd-1-poison", "Riya" + NOT_FOR_SQS);
        holdWallet(merchantId, "nd-2-valid", "Riya");
        String replay = merchants(merchantId) + "/held-events/replay";

        List<String> answers = new ArrayList<>();
        String cursor = null;
        for (int call = 0; call < 5; call++) {
            Answer answer = call("POST", replay, key, cursor == null ? null : object("cursor", cursor));
            answers.add(answer.toString());
            JsonNode next = answer.get("nextCursor");
            if (!next.isTextual()) {
                break;
            }
            cursor = next.asText();
        }

        List<String> replayedIds = new ArrayList<>();
        Queues.drain(BuiltIn.ZOKO).forEach(m -> replayedIds.add(m.body()));
        assertTrue(replayedIds.stream().anyMatch(body -> body.contains("nd-2-valid")),
                "the valid held event after it was never replayed; the operator's calls: " + answers);
    }

    // README "admin API": deliveries are "paged with an opaque cursor"; "a cursor of another merchant is 400" (the
    // listing's own comment: "or made up ... is the caller's mistake, not a store failure"). Only the merchantId part of
    // a cursor is checked: one made up with the caller's own merchant id reaches DynamoDB, whose refusal is answered 503.
    @Test
    void aMadeUpDeliveriesCursor_withTheCallersOwnMerchantId_isRefused400_notAStoreFailure() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        List<String> cursors = List.of("merchantId\u0001" + merchantId + "\u0002",
                "listedAt\u00019999\u0002merchantId\u0001" + merchantId + "\u0002pk\u0001DELIVERY#x\u0002sk\u0001x\u0002");
        List<String> answers = new ArrayList<>();
        for (String text : cursors) {
            String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            answers.add(call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("cursor", cursor)).toString());
        }
        assertTrue(answers.stream().allMatch(a -> a.startsWith("400")), "made-up cursors: " + answers);
    }

    void holdWallet(String merchantId, String deliveryId, String userName) {
        ObjectNode body = Webhooks.body(Webhooks.load("ingest-walletreward_create.json"));
        body.put("user_name", userName);
        held.hold(new HeldEvent(merchantId, deliveryId, "walletreward_create", "schema_violation", "amount: type",
                Map.of("x-nector-topic", "walletreward_create", "x-nector-delivery-id", deliveryId), body.toString(), clock.instant()));
    }
}
