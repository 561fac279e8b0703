package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.support.BuiltIn;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Held events and hostile customers at ingest, driven as Nector and the merchant would (from the second review of issue 10). */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class IngestHoldAndReplayEdgesTest {

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    dev.loyaltyrelay.domain.HeldEventStore held;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    String connect(String merchantId, String key, Provider provider) {
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", provider.key(), "credentials", AdminScenario.CREDENTIALS.get(provider)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        Answer mapped = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(provider));
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

    /** The wallet sample for the merchant with one property changed, signed, under a new delivery id. */
    static ObjectNode walletEventWith(String merchantId, String property, String value) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        Webhooks.withDeliveryId(event, "nd-" + UUID.randomUUID());
        ObjectNode body = Webhooks.body(event);
        body.put(property, value);
        return Webhooks.withSignedBody(event, body);
    }

    /**
     * README, webhook contract: "202 held with queue_refused when a queue will never take the jobs as they are (a job
     * over 256 KiB with its forwarded properties: kept for replay ...)". The refusal completes the delivery id's claim
     * (WebhookIngestion: {@code ledger.complete(taken, List.of(), now)}), and a replay goes through that same claim: it
     * answers {@code duplicate}, queues nothing, and releases the held event. After the merchant fixes the mapping that
     * made the job too large, the replay loses the event, the Zoko customer's message included.
     */
    @Test
    void anEventHeldBecauseTheQueueRefusedItsJobs_isQueuedWhenReplayedAfterTheFix() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String limechat = connect(merchantId, key, BuiltIn.LIMECHAT); // forwards every property by default
        connect(merchantId, key, BuiltIn.ZOKO);
        // 30,000 emoji: 120 KB in the body, 360 KB in LimeChat's job (each written as two \\u escapes for SQS).
        APIGatewayV2HTTPResponse answer = post(walletEventWith(merchantId, "notes", "\uD83D\uDE00".repeat(30_000)));
        assertEquals(202, answer.getStatusCode(), answer.getBody());
        assertTrue(answer.getBody().contains("queue_refused"), answer.getBody());

        // The merchant stops forwarding to LimeChat, then replays the held event.
        Answer deleted = call("DELETE", merchants(merchantId) + "/integrations/" + limechat + "/mappings/wallet", key, null);
        assertTrue(deleted.status() / 100 == 2, deleted.toString());
        directory.invalidateAll();
        Answer replayed = call("POST", merchants(merchantId) + "/held-events/replay", key, null);
        Answer stillHeld = call("GET", merchants(merchantId) + "/held-events", key, null);

        // Zoko's job may be on the queue twice (queued beside the refused one, and again by the replay): one delivery, sent once.
        var zokoDeliveries = Queues.drain(BuiltIn.ZOKO).stream().map(m -> m.body().replaceAll(".*\"deliveryId\":\"([^\"]+)\".*", "$1"))
                .collect(java.util.stream.Collectors.toSet());
        assertEquals(1, zokoDeliveries.size(), "the held event, replayed after the fix, is queued to Zoko; replay answered "
                + replayed + "; held events now " + stillHeld);
        assertEquals(0, stillHeld.get("heldEvents").size(), "no longer held once queued");
    }

    /**
     * README, webhook contract: "No client mistake gets a 5xx"; Decisions, Customers: "Failing to record a customer never
     * fails the event". A {@code user_customer_id} over 1,024 bytes becomes the customer item's sort key
     * ("id:" + the value); DynamoDB refuses it (ValidationException), DynamoCalls turns that into StoreRefused, which
     * learnCustomer does not catch (only StoreUnavailable): ingest answers 500 on every retry and the event is lost.
     */
    @Test
    void aCustomerTheStoreCannotRecord_neverFailsTheEvent() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);

        APIGatewayV2HTTPResponse answer = post(walletEventWith(merchantId, "user_customer_id", "c".repeat(1_100)));

        assertEquals(202, answer.getStatusCode(), "answer: " + answer.getBody());
        assertEquals(1, Queues.drain(BuiltIn.ZOKO).size(), "the authentic event is queued");
    }

    /**
     * The same cause on the replay path: WebhookIngestion.replay catches StoreUnavailable only, so the StoreRefused of a
     * held event with such a customer id escapes the replay call (500 for the whole call, every time), and no held
     * event after it in delivery-id order is ever replayed (README, Recovery: a replay stops only at "an answer a retry
     * may change (409, 5xx)" and "pass the cursor back until it is null").
     */
    @Test
    void aHeldEventWhoseCustomerTheStoreCannotRecord_doesNotBlockTheReplayOfLaterOnes() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        hold(merchantId, "nd-1-long-id", "c".repeat(1_100));
        hold(merchantId, "nd-2-valid", "7301468061924");

        var answers = new java.util.ArrayList<String>();
        String cursor = null;
        for (int call = 0; call < 4; call++) {
            Answer answer = call("POST", merchants(merchantId) + "/held-events/replay", key, cursor == null ? null : object("cursor", cursor));
            answers.add(answer.toString());
            if (answer.status() != 200 || !answer.get("nextCursor").isTextual()) {
                break;
            }
            cursor = answer.get("nextCursor").asText();
        }

        assertTrue(Queues.drain(BuiltIn.ZOKO).stream().anyMatch(m -> m.body().contains("nd-2-valid")),
                "the valid held event after it is replayed; the replay calls answered " + answers);
    }

    void hold(String merchantId, String deliveryId, String customerId) {
        ObjectNode body = Webhooks.body(Webhooks.load("ingest-walletreward_create.json"));
        body.put("user_customer_id", customerId);
        held.hold(new dev.loyaltyrelay.domain.HeldEvent(merchantId, deliveryId, "walletreward_create", "schema_violation", "amount: type",
                java.util.Map.of("x-nector-topic", "walletreward_create", "x-nector-delivery-id", deliveryId), body.toString(), clock.instant()));
    }
}
