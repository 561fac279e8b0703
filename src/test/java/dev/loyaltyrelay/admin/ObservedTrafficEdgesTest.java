package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Review of issue 14 (second pass): learned properties and the scheme evidence, on DynamoDB Local and the SQS server. */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ObservedTrafficEdgesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    Answer couponUpdate(String merchantId, String body, BodySignatureScheme scheme, String deliveryId) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-coupon_create.json"), merchantId);
        Webhooks.withHeader(event, "x-nector-topic", "coupon_update");
        Webhooks.withDeliveryId(event, deliveryId);
        Webhooks.withSignedBody(event, body, scheme);
        try {
            var response = ingest.handleRequest(JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null);
            return new Answer(response.getStatusCode(), "application/json", JSON.readTree(response.getBody()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String wide(String prefix, int count) {
        StringBuilder wide = new StringBuilder();
        for (int i = 0; i < count; i++) {
            wide.append(",\"").append(prefix).append(String.format("%03d", i)).append("\":").append(i);
        }
        return ObservedTrafficTest.coupon(wide.toString());
    }

    /**
     * README, Observed topics: "at most 200 names per merchant and topic ...; what is left out is counted in namesNotKept",
     * and (the existing cap test) "names kept go on being counted". The cap is met in the second or later 40-name call of
     * an event: those calls never add to notKept, and a call left with no name to keep sends an empty update expression,
     * which DynamoDB refuses, so the event's remaining calls (with names already kept) are lost too.
     */
    @Test
    void capMetInALaterCallOfOneEvent_countsWhatWasLeftOut_andKeepsCountingKnownNames() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        assertEquals(202, couponUpdate(merchantId, wide("p", 150), BodySignatureScheme.RAW_BODY, "nd-" + UUID.randomUUID()).status());
        clock.advance(java.time.Duration.ofMinutes(1));
        assertEquals(202, couponUpdate(merchantId, wide("q", 150), BodySignatureScheme.RAW_BODY, "nd-" + UUID.randomUUID()).status());
        try {
            Thread.sleep(1500); // the write is awaited at most 300 ms: let it finish
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        JsonNode listed = call("GET", merchants(merchantId) + "/observed-topics/coupon_update", key, null).body();
        System.out.println("REVIEW14B cap: properties=" + listed.get("properties").size() + " namesNotKept=" + listed.get("namesNotKept")
                + " value=" + ObservedTrafficTest.property(listed, "value"));
        assertEquals(200, listed.get("properties").size(), "the cap holds");
        // 158 names after event 1; event 2 brings 150 new ones, of which 42 fit: 108 left out.
        assertEquals(108, listed.get("namesNotKept").asLong(), "every name left out is counted");
        JsonNode value = ObservedTrafficTest.property(listed, "value");
        assertNotNull(value);
        assertEquals(2, value.get("seenInEvents").asLong(), "a kept name seen in both events is counted twice");
    }

    /**
     * README: each property's count is "in how many events", and bodySignatureEvidence counts "authentic events" matching a
     * scheme. Nector retrying one delivery (same x-nector-delivery-id, same body) is one event; learning runs before the
     * claim, so each retry counts again (a duplicate answer, yet one more event and one more scheme match).
     */
    @Test
    void aRetriedDelivery_isOneEvent_inTheCountsAndTheEvidence() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        // Mapped, so ingest claims the delivery id and can tell a retry from a new event.
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations", key, dev.loyaltyrelay.support.AdminCalls.object("provider", "zoko",
                "commonProperty", "mobile", "credentials", AdminScenario.CREDENTIALS.get(dev.loyaltyrelay.support.BuiltIn.ZOKO))).status());
        String mappings = merchants(merchantId) + "/integrations/" + ObservedTrafficTest.integrationId(merchantId, key) + "/mappings";
        Answer mapped = call("POST", mappings, key, dev.loyaltyrelay.support.AdminCalls.object("mappingId", "m", "topic", "coupon_update",
                "templateId", "coupon_ready_v1", "variables", java.util.List.of(dev.loyaltyrelay.support.AdminCalls.object("property", "user_name"),
                        dev.loyaltyrelay.support.AdminCalls.object("property", "value"))));
        assertEquals(201, mapped.status(), mapped.toString());
        directory.invalidateAll();
        String deliveryId = "nd-" + UUID.randomUUID();
        String body = ObservedTrafficTest.coupon("");
        for (int i = 0; i < 3; i++) {
            Answer answer = couponUpdate(merchantId, body, BodySignatureScheme.RAW_BODY, deliveryId);
            System.out.println("REVIEW14B retry " + i + ": " + answer.status() + " " + answer.body());
        }
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        JsonNode listed = call("GET", merchants(merchantId) + "/observed-topics/coupon_update", key, null).body();
        JsonNode evidence = call("GET", merchants(merchantId), key, null).get("bodySignatureEvidence");
        System.out.println("REVIEW14B retried: events=" + listed.get("events") + " evidence=" + evidence);
        assertEquals(1, listed.get("events").asLong(), "one delivery, retried twice, is one event");
        assertEquals(1, ObservedTrafficTest.scheme(evidence, "raw_body").get("matchedEvents").asLong());
    }

    /**
     * README, Observed topics: a nested object's names are listed dotted ("meta.fiat_value"), and Create an Event takes a
     * property "seen in the merchant's authentic events" as known, with no warning ("so the merchant maps what Nector
     * really sends"). The renderer reads a variable's property as a top-level key only, so a mapping to a learned dotted
     * name is saved as known and never renders: the learned listing steers the merchant into a mapping that cannot send.
     */
    @Test
    void aMappingToALearnedNestedName_isSavedWithoutWarning_butNeverRendersTheValue() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations", key, dev.loyaltyrelay.support.AdminCalls.object("provider", "zoko",
                "commonProperty", "mobile", "credentials", AdminScenario.CREDENTIALS.get(dev.loyaltyrelay.support.BuiltIn.ZOKO))).status());
        String mappings = merchants(merchantId) + "/integrations/" + ObservedTrafficTest.integrationId(merchantId, key) + "/mappings";
        String nested = ObservedTrafficTest.coupon(",\"meta\":{\"tier_label\":\"GOLD-77\"}");
        assertEquals(202, couponUpdate(merchantId, nested, BodySignatureScheme.RAW_BODY, "nd-" + UUID.randomUUID()).status());
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        JsonNode listed = call("GET", merchants(merchantId) + "/observed-topics/coupon_update", key, null).body();
        assertNotNull(ObservedTrafficTest.property(listed, "meta.tier_label"), listed.toString());

        Answer saved = call("POST", mappings, key, dev.loyaltyrelay.support.AdminCalls.object("mappingId", "nested", "topic", "coupon_update",
                "templateId", "coupon_ready_v1", "variables", java.util.List.of(dev.loyaltyrelay.support.AdminCalls.object("property", "user_name"),
                        dev.loyaltyrelay.support.AdminCalls.object("property", "meta.tier_label"))));
        System.out.println("REVIEW14B nested mapping: " + saved.status() + " " + saved.body());
        assertEquals(201, saved.status(), saved.toString());
        directory.invalidateAll();

        clock.advance(java.time.Duration.ofMinutes(1));
        Answer ingested = couponUpdate(merchantId, nested, BodySignatureScheme.RAW_BODY, "nd-" + UUID.randomUUID());
        System.out.println("REVIEW14B nested ingest: " + ingested.status() + " " + ingested.body());
        int delivered = ConsentTest.deliver(dev.loyaltyrelay.support.BuiltIn.ZOKO);
        var sends = dev.loyaltyrelay.support.ProviderStubs.of(dev.loyaltyrelay.support.BuiltIn.ZOKO)
                .findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v2/message")));
        JsonNode deliveries = call("GET", merchants(merchantId) + "/deliveries", key, null).body();
        System.out.println("REVIEW14B nested: delivered=" + delivered + " sends=" + sends.size() + " deliveries=" + deliveries);
        boolean warned = saved.get("propertyWarnings").size() > 0 || saved.body().path("warnings").size() > 0;
        assertEquals(true, warned || sends.stream().anyMatch(r -> r.getBodyAsString().contains("GOLD-77")),
                "saved as a seen property with no warning, yet the learned nested value is never sent");
    }

    /**
     * Hostile or odd names: a key that is NUL, zero-width joiner, RTL override, an emoji, a blank, and names shaped like the stored attributes (c:x, sig:raw_body, names) in an authentic event. The
     * listing should keep the event's ordinary names (and the event, and its scheme match, as evidence), counting the odd
     * one at worst as not kept.
     */
    @Test
    void anOddUnicodeName_doesNotCostTheEventsOtherNamesNorItsEvidence() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String odd = ObservedTrafficTest.coupon(",\"\\u0000\":1,\"a\\u200db\":2,\"\\u202egnp\":3,\"\\ud83d\\udca5\":4,\" \":5,\"c:x\":6,\"sig:raw_body\":7,\"names\":8");
        Answer answer = couponUpdate(merchantId, odd, BodySignatureScheme.RAW_BODY, "nd-" + UUID.randomUUID());
        assertEquals(202, answer.status(), answer.toString());
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        Answer listed = call("GET", merchants(merchantId) + "/observed-topics/coupon_update", key, null);
        JsonNode evidence = call("GET", merchants(merchantId), key, null).get("bodySignatureEvidence");
        System.out.println("REVIEW14B odd unicode: " + listed.status() + " " + listed.body() + " evidence=" + evidence);
        assertEquals(200, listed.status(), listed.toString());
        assertEquals(1, listed.get("events").asLong(), "the authentic event is not learned at all");
        assertNotNull(ObservedTrafficTest.property(listed.body(), "value"));
        assertEquals(1, ObservedTrafficTest.scheme(evidence, "raw_body").get("matchedEvents").asLong());
    }

    /** Admin routes never answer a client's mistake with a 5xx. */
    @Test
    void oddTopicsInTheObservedRoute_areA4xx() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        for (String topic : java.util.List.of("x".repeat(5000), "coupon_update%00", "%E2%80%AE", "..%2F..%2Fsecrets", "coupon_update%7C1", "%F0%9F%92%A5")) {
            Answer a = call("GET", merchants(merchantId) + "/observed-topics/" + topic, key, null);
            System.out.println("REVIEW14B route " + topic.substring(0, Math.min(20, topic.length())) + " -> " + a.status());
            org.junit.jupiter.api.Assertions.assertTrue(a.status() >= 400 && a.status() < 500, topic + " -> " + a);
        }
    }
}
