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
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.TopicCategory;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topic categories (issue 13) through the admin function, ingest and Zoko's delivery function, on DynamoDB Local, the SQS
 * server and WireMock: the catalogue's defaults, a merchant's override carried by the job fan-out queues, and consent by
 * category (a provider-reported opt-out stops marketing only; a merchant's stops every topic).
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class TopicCategoriesTest {

    static final String ZOKO_SEND = "/v2/message";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    EventCatalogue catalogue;
    @Inject
    DeliveryJobCodec codec;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    static Answer putOverrides(String merchantId, String key, Map<String, Object> overrides) {
        return call("PUT", merchants(merchantId) + "/topic-categories", key, object("overrides", overrides));
    }

    static JsonNode topic(Answer categories, String topic) {
        for (JsonNode entry : categories.get("topics")) {
            if (entry.get("topic").asText().equals(topic)) {
                return entry;
            }
        }
        throw new AssertionError("no " + topic + " in " + categories);
    }

    /** The category of the one job a webhook of walletreward_create queues for Zoko now. */
    TopicCategory categoryOfTheNextJob(String merchantId) {
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        var messages = Queues.drain(BuiltIn.ZOKO);
        assertEquals(1, messages.size());
        return codec.decode(messages.get(0).body()).category();
    }

    int sendsThroughZoko(String merchantId) {
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        ConsentTest.forgetRequests();
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));
        return ConsentTest.requests(BuiltIn.ZOKO);
    }

    @Test
    void theCatalogue_givesEveryTopicADefault_aCouponCreatedIsTransactional_nudgesRemindersAndReviewRequestsAreMarketing() {
        for (String topic : EventCatalogue.TOPICS) {
            catalogue.defaultCategory(topic);
        }
        assertEquals(TopicCategory.TRANSACTIONAL, catalogue.defaultCategory("coupon_create"));
        assertEquals(TopicCategory.TRANSACTIONAL, catalogue.defaultCategory("walletreward_create"));
        assertEquals(TopicCategory.TRANSACTIONAL, catalogue.defaultCategory("order_update"));
        for (String marketing : List.of("unusedwalletcoinrequest_create", "unusedcouponrequest_create", "coinexpirynotify_create",
                "reviewrequest_create", "incompletereferralrequest_create")) {
            assertEquals(TopicCategory.MARKETING, catalogue.defaultCategory(marketing), marketing);
        }
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        Answer categories = call("GET", merchants(merchantId) + "/topic-categories", key, null);

        assertEquals(200, categories.status(), categories.toString());
        assertEquals(EventCatalogue.TOPICS.size(), categories.get("topics").size());
        categories.get("topics").forEach(entry -> {
            assertFalse(entry.get("overridden").asBoolean(), entry.toString());
            assertEquals(entry.get("defaultCategory"), entry.get("category"), entry.toString());
        });
        assertEquals("marketing", topic(categories, "reviewrequest_create").get("category").asText());
        assertEquals(List.of(), AdminScenario.violationsOf("TopicCategories", categories.body()));
    }

    @Test
    void aMerchantsOverride_changesTheCategoryTheJobCarries_andClearingItGoesBackToTheDefault() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        ConsentTest.connect(merchantId, key, BuiltIn.ZOKO);
        assertEquals(TopicCategory.TRANSACTIONAL, categoryOfTheNextJob(merchantId), "the catalogue's default");

        Answer changed = putOverrides(merchantId, key, object("walletreward_create", "marketing", "reviewrequest_create", "transactional"));

        assertEquals(200, changed.status(), changed.toString());
        assertEquals("marketing", topic(changed, "walletreward_create").get("category").asText());
        assertEquals("transactional", topic(changed, "walletreward_create").get("defaultCategory").asText());
        assertTrue(topic(changed, "walletreward_create").get("overridden").asBoolean());
        assertEquals("transactional", topic(changed, "reviewrequest_create").get("category").asText());
        assertFalse(topic(changed, "coupon_create").get("overridden").asBoolean());
        assertEquals(changed.body(), call("GET", merchants(merchantId) + "/topic-categories", key, null).body(), "stored");
        assertEquals(TopicCategory.MARKETING, categoryOfTheNextJob(merchantId));
        Answer settings = call("PUT", merchants(merchantId), key, object("timezone", "Europe/London"));
        assertEquals(200, settings.status(), settings.toString());
        assertEquals(TopicCategory.MARKETING, categoryOfTheNextJob(merchantId), "a settings change keeps the overrides");

        Answer cleared = putOverrides(merchantId, key, Map.of());

        assertEquals(200, cleared.status(), cleared.toString());
        assertFalse(topic(cleared, "walletreward_create").get("overridden").asBoolean());
        assertEquals(TopicCategory.TRANSACTIONAL, categoryOfTheNextJob(merchantId));
    }

    @Test
    void aProviderReportedOptOut_suppressesAMarketingTopic_butATransactionalOneIsSent() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        ConsentTest.connect(merchantId, key, BuiltIn.ZOKO);
        assertEquals(200, putOverrides(merchantId, key, object("walletreward_create", "marketing")).status());
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_SEND)).atPriority(1)
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":{\"code\":131050,\"message\":\"Unable to deliver message\"}}")));
        assertEquals(1, sendsThroughZoko(merchantId), "Zoko answers 131050");
        Answer looked = call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", ConsentTest.MOBILE_DIGITS));
        assertEquals("provider", ConsentTest.channel(looked, "WHATSAPP").get("source").asText(), looked.toString());
        AdminScenario.providersAccept();

        assertEquals(0, sendsThroughZoko(merchantId), "a marketing message is suppressed");
        assertEquals(200, putOverrides(merchantId, key, Map.of()).status());
        assertEquals(1, sendsThroughZoko(merchantId), "a transactional one is sent");

        Answer suppressed = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("reason", "opted_out"));
        assertEquals(1, suppressed.get("deliveries").size(), suppressed.toString());
        assertEquals(1, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "sent")).get("deliveries").size());
    }

    @Test
    void aMerchantsOptOut_suppressesTransactionalAndMarketingTopicsAlike() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        ConsentTest.connect(merchantId, key, BuiltIn.ZOKO);
        assertEquals(200, ConsentTest.optOut(merchantId, key, "WHATSAPP", "mobile", ConsentTest.MOBILE_DIGITS).status());

        assertEquals(0, sendsThroughZoko(merchantId), "transactional");
        assertEquals(200, putOverrides(merchantId, key, object("walletreward_create", "marketing")).status());
        assertEquals(0, sendsThroughZoko(merchantId), "marketing");

        Answer suppressed = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("reason", "opted_out"));
        assertEquals(2, suppressed.get("deliveries").size(), suppressed.toString());
    }

    @Test
    void theRoute_refusesAnUnknownTopicOrCategoryOrField_asA400Problem_storesNothing_andIsMerchantScoped() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        Answer unknownTopic = putOverrides(merchantId, key, object("no_such_topic", "marketing"));
        Answer unknownCategory = putOverrides(merchantId, key, object("coupon_create", "promotional", "walletreward_create", "marketing"));
        Answer notText = putOverrides(merchantId, key, object("coupon_create", 1));
        Answer unknownField = call("PUT", merchants(merchantId) + "/topic-categories", key, object("overrides", Map.of(), "extra", true));
        Answer missing = call("PUT", merchants(merchantId) + "/topic-categories", key, object());

        for (Answer refused : List.of(unknownTopic, unknownCategory, notText, unknownField, missing)) {
            assertEquals(400, refused.status(), refused.toString());
            assertEquals("application/problem+json", refused.contentType().split(";")[0], refused.toString());
        }
        assertEquals("overrides.no_such_topic", unknownTopic.get("errors").get(0).get("field").asText(), unknownTopic.toString());
        assertEquals(1, unknownCategory.get("errors").size(), unknownCategory.toString());
        assertEquals("overrides.coupon_create", unknownCategory.get("errors").get(0).get("field").asText());
        assertEquals("extra", unknownField.get("errors").get(0).get("field").asText(), unknownField.toString());
        Answer unchanged = call("GET", merchants(merchantId) + "/topic-categories", key, null);
        unchanged.get("topics").forEach(entry -> assertFalse(entry.get("overridden").asBoolean(), "nothing stored: " + entry));

        String other = AdminScenario.fresh();
        AdminScenario.newMerchant(other);
        Answer foreign = putOverrides(other, key, object("coupon_create", "marketing"));
        assertTrue(foreign.status() == 403 || foreign.status() == 404, foreign.toString());
        assertEquals(404, call("GET", merchants(AdminScenario.fresh()) + "/topic-categories", AdminCalls.OPERATOR_KEY, null).status());
    }
}
