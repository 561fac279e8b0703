package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.figures.FiguresHandler;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.FiguresStream;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.SqsVisibilityChanges;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Marketing limits (issue 13) through the admin function, ingest and Zoko's delivery function, on DynamoDB Local, the SQS
 * server and WireMock: the route (round trip, removal, every invalid field, merchant scope, kept by a settings change),
 * Send Test Event inside quiet hours and over a full cap, and a real marketing delivery deferred by quiet hours, listed,
 * counted as deferred while it waits and sent when they end.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class MarketingLimitsTest {

    /** 22:30 in Asia/Kolkata (UTC+05:30) on the day the fixtures are signed, 5 h 53 min after {@link Webhooks#SIGNED_AT}. */
    static final Instant LATE_EVENING_IN_KOLKATA = Instant.parse("2026-11-18T17:00:00Z");
    /** 09:00 in Asia/Kolkata the next morning: where 21:00 to 09:00 quiet hours end. */
    static final String NEXT_MORNING_IN_KOLKATA = "2026-11-19T03:30:00Z";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    FiguresHandler figuresProjection;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    static String limits(String merchantId) {
        return merchants(merchantId) + "/marketing-limits";
    }

    static Answer putLimits(String merchantId, String key, Object body) {
        return call("PUT", limits(merchantId), key, body);
    }

    static Map<String, Object> cap(Object messages, Object window) {
        return object("messages", messages, "window", window);
    }

    static Map<String, Object> quiet(Object from, Object until) {
        return object("from", from, "until", until);
    }

    /** A body with JSON nulls in it, which {@link AdminCalls#object} may not take. */
    static Map<String, Object> body(Object frequencyCap, Object quietHours) {
        var body = new LinkedHashMap<String, Object>();
        body.put("frequencyCap", frequencyCap);
        body.put("quietHours", quietHours);
        return body;
    }

    static List<String> fieldsOf(Answer refused) {
        var fields = new java.util.ArrayList<String>();
        refused.get("errors").forEach(error -> fields.add(error.get("field").asText()));
        return fields;
    }

    @Test
    void aPut_isAnsweredAndStored_asGiven_withTheMerchantsTimezone_andASettingsChangeAfterwardsKeepsIt() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer none = call("GET", limits(merchantId), key, null);
        assertEquals(200, none.status(), none.toString());
        assertTrue(none.get("frequencyCap").isNull() && none.get("quietHours").isNull(), none.toString());
        assertEquals("Asia/Kolkata", none.get("timezone").asText());
        assertEquals(List.of(), AdminScenario.violationsOf("MarketingLimits", none.body()));

        Answer saved = putLimits(merchantId, key, body(cap(3, "P1D"), quiet("21:00", "09:00")));

        assertEquals(200, saved.status(), saved.toString());
        assertEquals(3, saved.get("frequencyCap").get("messages").asInt());
        assertEquals("P1D", saved.get("frequencyCap").get("window").asText());
        assertEquals("21:00", saved.get("quietHours").get("from").asText());
        assertEquals("09:00", saved.get("quietHours").get("until").asText());
        assertEquals("Asia/Kolkata", saved.get("timezone").asText());
        assertEquals(List.of(), AdminScenario.violationsOf("MarketingLimits", saved.body()));
        directory.invalidateAll();
        assertEquals(saved.body(), call("GET", limits(merchantId), key, null).body(), "stored as answered");

        Answer settings = call("PUT", merchants(merchantId), key, object("timezone", "Europe/London", "repeatedBodies", "drop"));
        assertEquals(200, settings.status(), settings.toString());
        Answer after = call("GET", limits(merchantId), key, null);
        assertEquals(saved.body().get("frequencyCap"), after.get("frequencyCap"), "a settings PUT keeps the cap");
        assertEquals(saved.body().get("quietHours"), after.get("quietHours"), "and the quiet hours");
        assertEquals("Europe/London", after.get("timezone").asText(), "the timezone is the merchant's setting");
        Answer sentBack = call("PUT", limits(merchantId), key, after.body());
        assertEquals(200, sentBack.status(), "a GET's answer, timezone and all, can be PUT back: " + sentBack);
        assertEquals(after.body(), sentBack.body());

        Answer hours = putLimits(merchantId, key, body(cap(100, "PT12H"), null));
        assertEquals(200, hours.status(), hours.toString());
        assertEquals("PT12H", hours.get("frequencyCap").get("window").asText());
        assertEquals("P7D", putLimits(merchantId, key, body(cap(1, "p7d"), null)).get("frequencyCap").get("window").asText());
        assertEquals("PT1H", putLimits(merchantId, key, body(cap(1, "PT60M"), null)).get("frequencyCap").get("window").asText());
        assertEquals("P31D", putLimits(merchantId, key, body(cap(1, "P31D"), null)).get("frequencyCap").get("window").asText());
    }

    @Test
    void aPartLeftOutOrNull_isRemoved_andAnEmptyBodyRemovesBoth() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        assertEquals(200, putLimits(merchantId, key, body(cap(2, "P1D"), quiet("22:00", "08:00"))).status());

        Answer capLeftOut = putLimits(merchantId, key, object("quietHours", quiet("23:00", "07:30")));

        assertEquals(200, capLeftOut.status(), capLeftOut.toString());
        assertTrue(capLeftOut.get("frequencyCap").isNull(), capLeftOut.toString());
        assertEquals("23:00", capLeftOut.get("quietHours").get("from").asText());
        assertTrue(call("GET", limits(merchantId), key, null).get("frequencyCap").isNull(), "removed in the store");

        Answer quietNull = putLimits(merchantId, key, body(cap(5, "P2D"), null));
        assertEquals(200, quietNull.status(), quietNull.toString());
        assertTrue(call("GET", limits(merchantId), key, null).get("quietHours").isNull());
        assertEquals(5, call("GET", limits(merchantId), key, null).get("frequencyCap").get("messages").asInt());

        Answer cleared = putLimits(merchantId, key, object());
        assertEquals(200, cleared.status(), cleared.toString());
        Answer stored = call("GET", limits(merchantId), key, null);
        assertTrue(stored.get("frequencyCap").isNull() && stored.get("quietHours").isNull(), stored.toString());
    }

    @Test
    void everyInvalidField_isA400ProblemNamingIt_andNothingIsStored() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer original = putLimits(merchantId, key, body(cap(3, "P1D"), quiet("21:00", "09:00")));
        assertEquals(200, original.status(), original.toString());
        Map<String, Object> withTimezone = new HashMap<>(body(null, null));
        withTimezone.put("timezone", "Europe/London");
        Map<String, Object> capWithoutWindow = new HashMap<>();
        capWithoutWindow.put("messages", 3);

        Map<Object, String> cases = new LinkedHashMap<>();
        cases.put(body(cap(0, "P1D"), null), "frequencyCap.messages");
        cases.put(body(cap(101, "P1D"), null), "frequencyCap.messages");
        cases.put(body(cap("3", "P1D"), null), "frequencyCap.messages");
        cases.put(body(cap(2.5, "P1D"), null), "frequencyCap.messages");
        cases.put(body(cap(3, "PT59M"), null), "frequencyCap.window");
        cases.put(body(cap(3, "P32D"), null), "frequencyCap.window");
        cases.put(body(cap(3, "one day"), null), "frequencyCap.window");
        cases.put(body(cap(3, "P1M"), null), "frequencyCap.window");
        cases.put(body(cap(3, 86400), null), "frequencyCap.window");
        cases.put(body(capWithoutWindow, null), "frequencyCap.window");
        cases.put(body(null, quiet("9pm", "09:00")), "quietHours.from");
        cases.put(body(null, quiet("21:00", "24:00")), "quietHours.until");
        cases.put(body(null, quiet("21:00", "09:00:30")), "quietHours.until");
        cases.put(body(null, quiet("21:00", "21:00")), "quietHours.until");
        cases.put(body("P1D", null), "frequencyCap");
        cases.put(withTimezone, "timezone");
        for (var invalid : cases.entrySet()) {
            Answer refused = putLimits(merchantId, key, invalid.getKey());
            assertEquals(400, refused.status(), invalid + " -> " + refused);
            assertEquals("application/problem+json", refused.contentType().split(";")[0], refused.toString());
            assertEquals(List.of(invalid.getValue()), fieldsOf(refused), invalid + " -> " + refused);
            assertEquals(List.of(), AdminScenario.violationsOf("Problem", refused.body()));
        }

        Answer several = putLimits(merchantId, key, body(cap(0, "PT1M"), quiet("25:00", "09:00")));
        assertEquals(400, several.status(), several.toString());
        assertEquals(List.of("frequencyCap.messages", "frequencyCap.window", "quietHours.from"), fieldsOf(several), "every invalid field named");

        assertEquals(original.body(), call("GET", limits(merchantId), key, null).body(), "nothing stored");
    }

    @Test
    void theRoutes_areMerchantScoped() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String other = AdminScenario.fresh();
        String otherKey = AdminScenario.newMerchant(other);
        assertEquals(200, putLimits(other, otherKey, body(cap(3, "P1D"), null)).status());

        Answer foreignPut = putLimits(other, key, body(cap(1, "PT1H"), null));
        Answer foreignGet = call("GET", limits(other), key, null);

        assertEquals(403, foreignPut.status(), foreignPut.toString());
        assertEquals(403, foreignGet.status(), foreignGet.toString());
        assertEquals(3, call("GET", limits(other), otherKey, null).get("frequencyCap").get("messages").asInt(), "unchanged");
        assertEquals(401, call("GET", limits(merchantId), null, null).status());
        assertEquals(200, AdminCalls.operator("GET", limits(merchantId), null).status(), "the operator reaches every merchant");
        assertEquals(404, AdminCalls.operator("GET", limits(AdminScenario.fresh()), null).status());
        assertEquals(404, AdminCalls.operator("PUT", limits(AdminScenario.fresh()), body(cap(1, "P1D"), null)).status());
    }

    @Test
    void aTestSend_ofAMarketingTopic_insideQuietHours_isNotSent_andSaysARealEventWouldWaitUntilTheyEnd() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String zoko = ConsentTest.connect(merchantId, key, BuiltIn.ZOKO);
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"), "a lead event teaches the store's customer");
        assertEquals(200, TopicCategoriesTest.putOverrides(merchantId, key, object("walletreward_create", "marketing")).status());
        assertEquals(200, putLimits(merchantId, key, body(null, quiet("21:00", "09:00"))).status());
        clock.set(LATE_EVENING_IN_KOLKATA);
        ConsentTest.forgetRequests();

        Answer tested = testSend(merchantId, key, zoko);

        assertEquals(200, tested.status(), tested.toString());
        JsonNode realEvent = tested.get("realEvent");
        assertEquals("deferred", realEvent.get("status").asText(), tested.toString());
        assertEquals("quiet_hours", realEvent.get("reason").asText());
        assertEquals(NEXT_MORNING_IN_KOLKATA, realEvent.get("notBefore").asText(), "09:00 in Kolkata the next morning");
        assertEquals("deferred", tested.get("outcome").get("status").asText());
        assertEquals(0, ConsentTest.requests(BuiltIn.ZOKO), "nothing reaches the provider");
        assertEquals(List.of(), AdminScenario.violationsOf("TestResult", tested.body()));

        assertEquals(200, TopicCategoriesTest.putOverrides(merchantId, key, Map.of()).status());
        Answer transactional = testSend(merchantId, key, zoko);
        assertEquals("send", transactional.get("realEvent").get("status").asText(), "a transactional topic ignores quiet hours: " + transactional);
        assertFalse(transactional.get("realEvent").has("notBefore"), transactional.toString());
        assertEquals("sent", transactional.get("outcome").get("status").asText(), transactional.toString());
        assertEquals(1, ConsentTest.requests(BuiltIn.ZOKO));

        assertEquals(200, TopicCategoriesTest.putOverrides(merchantId, key, object("walletreward_create", "marketing")).status());
        clock.set(Instant.parse(NEXT_MORNING_IN_KOLKATA));
        Answer morning = testSend(merchantId, key, zoko);
        assertEquals("send", morning.get("realEvent").get("status").asText(), "the quiet hours are over at 09:00: " + morning);
    }

    @Test
    void aTestSend_ofAMarketingTopic_overAFullCap_isNotSent_andSaysARealEventWouldBeSuppressed_asTheNextRealOneIs() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String zoko = ConsentTest.connect(merchantId, key, BuiltIn.ZOKO);
        assertEquals(200, TopicCategoriesTest.putOverrides(merchantId, key, object("walletreward_create", "marketing")).status());
        assertEquals(200, putLimits(merchantId, key, body(cap(1, "P1D"), null)).status());
        assertEquals("send", testSend(merchantId, key, zokoAfterALead(merchantId, zoko)).get("realEvent").get("status").asText(),
                "the cap has a free place");
        assertEquals(1, realDelivery(merchantId), "the first real marketing message takes the one place");
        ConsentTest.forgetRequests();

        Answer tested = testSend(merchantId, key, zoko);

        assertEquals(200, tested.status(), tested.toString());
        assertEquals("suppressed", tested.get("realEvent").get("status").asText(), tested.toString());
        assertEquals("frequency_cap", tested.get("realEvent").get("reason").asText());
        assertFalse(tested.get("realEvent").has("notBefore"), tested.toString());
        assertEquals(0, ConsentTest.requests(BuiltIn.ZOKO), "nothing reaches the provider");
        assertEquals(List.of(), AdminScenario.violationsOf("TestResult", tested.body()));

        assertEquals(0, realDelivery(merchantId), "the next real one is suppressed");
        Answer listed = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "suppressed", "reason", "frequency_cap"));
        assertEquals(200, listed.status(), listed.toString());
        assertEquals(1, listed.get("deliveries").size(), listed.toString());
        FiguresStream.project(figuresProjection);
        Answer figures = figures(merchantId, key);
        assertEquals(1, figures.get("byReason").path("suppressed:frequency_cap").asLong(), figures.toString());
        assertEquals(1, figures.get("totals").get("sent").asLong(), figures.toString());
    }

    @Test
    void aRealMarketingEvent_insideQuietHours_isDeferred_listedAndCountedAsDeferred_andSentWhenTheyEnd() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        ConsentTest.connect(merchantId, key, BuiltIn.ZOKO);
        assertEquals(200, TopicCategoriesTest.putOverrides(merchantId, key, object("walletreward_create", "marketing")).status());
        assertEquals(200, putLimits(merchantId, key, body(null, quiet("21:00", "09:00"))).status());
        clock.set(LATE_EVENING_IN_KOLKATA);
        SqsVisibilityChanges.clear();

        assertEquals(0, realDelivery(merchantId), "not sent inside quiet hours");

        Answer deferred = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "deferred", "reason", "quiet_hours"));
        assertEquals(200, deferred.status(), deferred.toString());
        assertEquals(1, deferred.get("deliveries").size(), deferred.toString());
        assertEquals(NEXT_MORNING_IN_KOLKATA, Instant.parse(deferred.get("deliveries").get(0).get("nextAttemptAt").asText()).toString(),
                deferred.toString());
        FiguresStream.project(figuresProjection);
        Answer waiting = figures(merchantId, key);
        assertEquals(1, waiting.get("totals").get("pending").asLong(), waiting.toString());
        assertEquals(1, waiting.get("byReason").path("deferred:quiet_hours").asLong(), waiting.toString());
        assertEquals(List.of(), AdminScenario.violationsOf("Figures", waiting.body()));

        // The message waits on the queue until the quiet hours end; show it again now rather than wait 10.5 hours.
        String queue = LocalAws.get().queueUrls.get(BuiltIn.ZOKO);
        List<SqsVisibilityChanges.Change> hidden = SqsVisibilityChanges.onQueue(queue);
        assertEquals(1, hidden.size(), hidden.toString());
        assertTrue(hidden.getFirst().seconds() > 10 * 3600, "hidden until the quiet hours end: " + hidden);
        LocalAws.get().sqs.changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(hidden.getFirst().receiptHandle()).visibilityTimeout(0));
        clock.set(Instant.parse(NEXT_MORNING_IN_KOLKATA).plusSeconds(60));
        ConsentTest.forgetRequests();

        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));
        assertEquals(1, ConsentTest.requests(BuiltIn.ZOKO), "sent once the quiet hours are over");
        FiguresStream.project(figuresProjection);
        Answer sent = figures(merchantId, key);
        assertEquals(1, sent.get("totals").get("sent").asLong(), sent.toString());
        assertEquals(0, sent.get("totals").get("pending").asLong(), sent.toString());
        assertEquals(0, sent.get("byReason").path("deferred:quiet_hours").asLong(0), "no longer counted as deferred: " + sent);
        assertEquals(0, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "deferred")).get("deliveries").size());
    }

    /** The customer learned from a lead event, for a test send; answers the integration. */
    String zokoAfterALead(String merchantId, String zoko) {
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"), "a lead event teaches the store's customer");
        return zoko;
    }

    Answer testSend(String merchantId, String key, String integrationId) {
        return call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/wallet/test", key,
                object("mobile", ConsentTest.MOBILE_DIGITS));
    }

    /** One walletreward_create event through ingest and Zoko's delivery function: the provider requests it made. */
    int realDelivery(String merchantId) {
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        ConsentTest.forgetRequests();
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));
        return ConsentTest.requests(BuiltIn.ZOKO);
    }

    static Answer figures(String merchantId, String key) {
        return call("GET", merchants(merchantId) + "/figures", key, null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
    }
}
