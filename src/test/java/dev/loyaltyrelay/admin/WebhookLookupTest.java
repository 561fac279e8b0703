package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET .../events/{nectorDeliveryId}}: the merchant finds what became of a webhook by Nector's delivery id, through
 * the ingest function, Zoko's delivery function and the admin API on DynamoDB Local, ElasticMQ and WireMock: its deliveries
 * (as the deliveries API lists them), a repeat under a second id pointing at the first, a held event, and 404s for an unknown
 * id and for another merchant's id.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class WebhookLookupTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    HeldEventStore held;

    DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    String merchantId;
    String key;

    @BeforeEach
    void connected() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        merchantId = AdminScenario.fresh();
        key = AdminScenario.newMerchant(merchantId);
        String integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO))).get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
    }

    @Test
    void aDeliveredWebhook_showsWhenItArrived_andItsDeliveriesAsTheDeliveriesApiDoes() {
        String nectorDeliveryId = "nd-" + UUID.randomUUID();
        assertEquals(202, webhook(merchantId, nectorDeliveryId));
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));

        Answer found = lookup(merchantId, key, nectorDeliveryId);

        assertEquals(200, found.status(), found.toString());
        assertEquals(nectorDeliveryId, found.get("nectorDeliveryId").asText());
        assertEquals("queued", found.get("outcome").asText());
        assertEquals(Fields.timestamp(clock.instant()), found.get("receivedAt").asText());
        assertEquals(1, found.get("queued").asInt());
        JsonNode listed = call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries");
        assertEquals(listed, found.get("deliveries"), "each delivery as the deliveries API lists it");
        assertEquals("sent", found.get("deliveries").get(0).get("status").asText());
        assertEquals(List.of(), AdminScenario.violationsOf("WebhookLookup", found.body()));
    }

    @Test
    void aRepeatedBodyUnderASecondId_isFoundByEitherId_withTheEventsDeliveries() {
        assertEquals(200, call("PUT", merchants(merchantId), key, object("repeatedBodies", "drop")).status());
        directory.invalidateAll();
        String first = "nd-" + UUID.randomUUID();
        String second = "nd-" + UUID.randomUUID();
        assertEquals(202, webhook(merchantId, first));
        assertEquals(200, webhook(merchantId, second), "the same body under a new id is answered as a duplicate");
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));

        Answer byFirst = lookup(merchantId, key, first);
        Answer bySecond = lookup(merchantId, key, second);

        assertEquals("queued", byFirst.get("outcome").asText());
        assertEquals("duplicate", bySecond.get("outcome").asText(), bySecond.toString());
        assertEquals(first, bySecond.get("duplicateOf").asText());
        assertEquals(1, bySecond.get("deliveries").size());
        assertEquals(byFirst.get("deliveries"), bySecond.get("deliveries"), "the event's deliveries, found by either id");
        assertEquals(List.of(), AdminScenario.violationsOf("WebhookLookup", bySecond.body()));
    }

    @Test
    void aHeldWebhook_showsItsReason() {
        String nectorDeliveryId = "nd-held-" + UUID.randomUUID();
        held.hold(new HeldEvent(merchantId, nectorDeliveryId, "walletreward_create", "schema_violation", "amount: type",
                Map.of("x-nector-topic", "walletreward_create", "x-nector-delivery-id", nectorDeliveryId), "{}", clock.instant()));

        Answer found = lookup(merchantId, key, nectorDeliveryId);

        assertEquals("held", found.get("outcome").asText(), found.toString());
        assertEquals("schema_violation", found.get("heldReason").asText());
        assertEquals(0, found.get("deliveries").size());
        assertEquals(List.of(), AdminScenario.violationsOf("WebhookLookup", found.body()));
    }

    @Test
    void anUnknownId_isA404WithAProblemThatSaysWhy() {
        Answer missing = lookup(merchantId, key, "nd-never-sent");

        assertEquals(404, missing.status());
        assertEquals("not_found", missing.get("title").asText(), missing.toString());
        assertTrue(missing.get("detail").asText().contains("48 hours"), missing.toString());
    }

    @Test
    void anotherMerchantsId_isNotFound_norAreItsDeliveriesShown() {
        String nectorDeliveryId = "nd-" + UUID.randomUUID();
        assertEquals(202, webhook(merchantId, nectorDeliveryId));
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        String otherMerchant = AdminScenario.fresh();
        String otherKey = AdminScenario.newMerchant(otherMerchant);

        Answer asOther = lookup(otherMerchant, otherKey, nectorDeliveryId);
        Answer otherKeyOnThisMerchant = lookup(merchantId, otherKey, nectorDeliveryId);

        assertEquals(404, asOther.status(), asOther.toString());
        assertFalse(asOther.body().has("deliveries"));
        assertEquals(200, lookup(merchantId, key, nectorDeliveryId).status(), "the owner still finds it");
        assertTrue(otherKeyOnThisMerchant.status() == 401 || otherKeyOnThisMerchant.status() == 403, otherKeyOnThisMerchant.toString());
    }

    private static Answer lookup(String merchantId, String key, String nectorDeliveryId) {
        return call("GET", merchants(merchantId) + "/events/" + nectorDeliveryId, key, null);
    }

    private int webhook(String merchantId, String nectorDeliveryId) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        Webhooks.withDeliveryId(event, nectorDeliveryId);
        try {
            return ingest.handleRequest(JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null).getStatusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
