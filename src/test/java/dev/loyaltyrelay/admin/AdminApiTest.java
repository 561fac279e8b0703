package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static dev.loyaltyrelay.support.AdminCalls.operator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.local.TemplateResources;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The admin function through the Lambda mock event server, on DynamoDB Local, ElasticMQ and WireMock: each guide's
 * flow end to end, the checks made at save time, authentication, and that no secret ever leaves in a response.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class AdminApiTest {

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    dev.loyaltyrelay.figures.FiguresHandler figuresProjection;
    @Inject
    dev.loyaltyrelay.domain.ConfigurationStore configuration;
    @Inject
    HeldEventStore held;
    @Inject
    dev.loyaltyrelay.application.ConfigurationSecrets secrets;
        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
        DeliveryFunction delightchat = DeliveryFunction.of(BuiltIn.DELIGHTCHAT);
        DeliveryFunction bitespeed = DeliveryFunction.of(BuiltIn.BITESPEED);
        DeliveryFunction limechat = DeliveryFunction.of(BuiltIn.LIMECHAT);
        DeliveryFunction wigzo = DeliveryFunction.of(BuiltIn.WIGZO);

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    DeliveryFunction function(Provider provider) {
        return switch (provider.key()) {
            case "zoko" -> zoko;
            case "delightchat" -> delightchat;
            case "bitespeed" -> bitespeed;
            case "limechat" -> limechat;
            case "wigzo" -> wigzo;
            default -> throw new IllegalArgumentException("not a built-in provider: " + provider);
        };
    }

    /** Initialize + Create an Event for one provider; returns the integration id. */
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

    @ParameterizedTest
    @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")
    void eachGuidesFlow_initialize_createAnEvent_sendATestEvent_thenARealWebhookDelivers(Provider provider) {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", provider.key(), "credentials", AdminScenario.CREDENTIALS.get(provider)));
        assertEquals(201, initialized.status(), initialized.toString());
        assertEquals(BuiltIn.ZOKO.equals(provider) ? "verified" : "not_available", initialized.get("credentialsCheck").asText());
        assertEquals(BuiltIn.profile(provider).commonProperty().name().toLowerCase(), initialized.get("commonProperty").asText());
        initialized.get("credentials").fields().forEachRemaining(field -> assertTrue(field.getValue().asText().startsWith("****"), field.getKey()));
        String integrationId = initialized.get("integrationId").asText();

        Answer mapped = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key, AdminScenario.walletMapping(provider));
        assertEquals(201, mapped.status(), mapped.toString());

        String testPath = merchants(merchantId) + "/integrations/" + integrationId + "/mappings/wallet/test";
        Object address = BuiltIn.WIGZO.equals(provider) ? object("email", "riya@example.com") : object("mobile", "98765 43210");
        Answer beforeCustomerKnown = call("POST", testPath, key, address);
        assertEquals(404, beforeCustomerKnown.status(), beforeCustomerKnown.toString());
        assertEquals("customer_not_found", beforeCustomerKnown.get("title").asText());
        assertEquals("application/problem+json", beforeCustomerKnown.contentType());

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"), "a lead event teaches the store's customer");
        Answer tested = call("POST", testPath, key, address);
        assertEquals(200, tested.status(), tested.toString());
        assertEquals("sent", tested.get("outcome").get("status").asText(), tested.toString());
        if (BuiltIn.profile(provider).sendsWhatsAppTemplates()) {
            assertEquals(List.of("Riya", "100"), List.of(tested.get("rendered").get(0).asText(), tested.get("rendered").get(1).asText()));
        }
        assertEquals(1, ProviderStubs.of(provider).findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> r.getMethod().getName().equals("POST") && !r.getUrl().contains("identify") && !r.getUrl().equals("/v2/webhook"))
                .count(), "the test event was sent once (Initialize's registration of the receipt URL aside)");

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, AdminScenario.deliver(provider, function(provider)));

        Answer deliveries = call("GET", merchants(merchantId) + "/deliveries", key, null);
        assertEquals(200, deliveries.status(), deliveries.toString());
        assertEquals(1, deliveries.get("deliveries").size(), "the test event is not a delivery; the webhook's is");
        JsonNode delivery = deliveries.get("deliveries").get(0);
        assertEquals("sent", delivery.get("status").asText());
        assertEquals(provider.key(), delivery.get("provider").asText());
        assertFalse(delivery.get("recipient").asText().contains("9876543210"), "recipient masked");
        dev.loyaltyrelay.support.FiguresStream.project(figuresProjection);
        Answer figures = call("GET", merchants(merchantId) + "/figures", key, null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        assertEquals(1, figures.get("totals").get("sent").asLong(), figures.toString());
        assertEquals(1.0, figures.get("deliveryRate").asDouble());
    }

    @Test
    void aZokoMapping_whoseVariableCountDisagreesWithTheTemplate_isRefusedAtSave() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO))).get("integrationId").asText();

        Answer refused = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key, object(
                "topic", "walletreward_create", "templateId", "wallet_reward_v1",
                "variables", List.of(object("property", "user_name"), object("property", "amount"), object("property", "user_tier"))));

        assertEquals(422, refused.status(), refused.toString());
        assertEquals("variable_count_mismatch", refused.get("title").asText());
        assertEquals("the template has 2 variables; the mapping gives 3", refused.get("detail").asText());
        Answer missingTemplate = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key, object(
                "topic", "walletreward_create", "templateId", "no_such_template", "variables", List.of()));
        assertEquals("template_not_found", missingTemplate.get("title").asText());
    }

    @Test
    void mappingsAreValidatedAgainstTheCatalogue_andCustomPropertiesWarn() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "delightchat", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.DELIGHTCHAT))).get("integrationId").asText();
        String path = merchants(merchantId) + "/integrations/" + integrationId + "/mappings";

        assertEquals("unknown_topic", call("POST", path, key, object("topic", "wallet_reward", "templateId", "a")).get("title").asText());
        Answer unknownProperty = call("POST", path, key, object("topic", "walletreward_create", "templateId", "a",
                "variables", List.of(object("property", "favourite_colour"))));
        assertEquals(422, unknownProperty.status());
        assertEquals("variables[0].property", unknownProperty.get("errors").get(0).get("field").asText());
        Answer custom = call("POST", path, key, object("topic", "walletreward_create", "templateId", "a",
                "variables", List.of(object("property", "favourite_colour", "custom", true))));
        assertEquals(201, custom.status(), custom.toString());
        assertTrue(custom.get("warnings").toString().contains("favourite_colour"));
        Answer noTemplate = call("POST", path, key, object("topic", "walletreward_create"));
        assertEquals(400, noTemplate.status());
        assertEquals("templateId", noTemplate.get("errors").get(0).get("field").asText());
        Answer misspelt = call("POST", path, key, object("topic", "walletreward_create", "templateId", "a", "variabels", List.of()));
        assertEquals(400, misspelt.status());
        assertEquals("application/problem+json", misspelt.contentType());
        assertEquals("invalid_request", misspelt.get("title").asText());
        assertEquals("variabels", misspelt.get("errors").get(0).get("field").asText());
        assertEquals("unknown field; allowed: attention, eventName, forwarded, language, mappingId, mediaHeaderUrl, templateId, templateType, topic, variables",
                misspelt.get("errors").get(0).get("reason").asText());
    }

    @Test
    void initialize_takesExactlyTheProvidersCredentials_andItsCommonPropertyOnly() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String path = merchants(merchantId) + "/integrations";

        assertEquals("credentials.userId", call("POST", path, key, object("provider", "bitespeed",
                "credentials", Map.of("channelId", "c"))).get("errors").get(0).get("field").asText());
        assertEquals("credentials.token", call("POST", path, key, object("provider", "zoko",
                "credentials", Map.of("apiKey", "k", "token", "t"))).get("errors").get(0).get("field").asText());
        Answer email = call("POST", path, key, object("provider", "zoko", "credentials", Map.of("apiKey", "k"), "commonProperty", "email"));
        assertEquals(422, email.status());
        assertEquals("common_property_unsupported", email.get("title").asText());
        assertEquals(400, call("POST", path, key, object("provider", "whatsapp", "credentials", Map.of())).status());
        assertEquals(400, call("POST", path, key, "{not json").status());

        ProviderStubs.of(BuiltIn.ZOKO).stubFor(get(urlEqualTo("/v2/account/templates")).willReturn(aResponse().withStatus(401)));
        Answer refused = call("POST", path, key, object("provider", "zoko", "credentials", Map.of("apiKey", "wrong-key-0000")));
        assertEquals(422, refused.status());
        assertEquals("credentials_refused", refused.get("title").asText());
        assertEquals(0, call("GET", path, key, null).get("integrations").size(), "nothing stored");

        ProviderStubs.of(BuiltIn.ZOKO).stubFor(get(urlEqualTo("/v2/account/templates")).willReturn(aResponse().withStatus(200).withBody("[]")));
        assertEquals(201, call("POST", path, key, object("provider", "zoko", "integrationId", "zoko-main", "credentials", Map.of("apiKey", "k1"))).status());
        Answer again = call("POST", path, key, object("provider", "zoko", "integrationId", "zoko-main", "credentials", Map.of("apiKey", "k2")));
        assertEquals(409, again.status(), "an existing integration is not overwritten");
    }

    @ParameterizedTest
    @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")
    void initializeAndEveryRead_sayWhetherTheProvidersContractIsPublishedOrAssumed(Provider provider) {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String path = merchants(merchantId) + "/integrations";
        String expected = BuiltIn.BITESPEED.equals(provider) ? "assumed" : "published";

        Answer initialized = call("POST", path, key, object("provider", provider.key(), "credentials", AdminScenario.CREDENTIALS.get(provider)));
        String one = path + "/" + initialized.get("integrationId").asText();
        Answer changed = call("PATCH", one, key, object("enabled", false));

        for (JsonNode answer : List.of(initialized.body(), call("GET", one, key, null).body(),
                call("GET", path, key, null).get("integrations").get(0), changed.body())) {
            assertEquals(expected, answer.path("contract").asText(), answer.toString());
            assertEquals(BuiltIn.BITESPEED.equals(provider), answer.has("contractNote"), "a note only for an assumed contract: " + answer);
        }
        if (BuiltIn.BITESPEED.equals(provider)) {
            assertTrue(initialized.get("contractNote").asText().contains("not verified"), initialized.toString());
        }
    }

    @Test
    void everyCallIsAuthenticated_andAMerchantKeyReachesOnlyItsMerchant() {
        String mine = AdminScenario.fresh();
        String theirs = AdminScenario.fresh();
        String myKey = AdminScenario.newMerchant(mine);
        AdminScenario.newMerchant(theirs);

        assertEquals(401, call("GET", merchants(mine), null, null).status());
        assertEquals(401, call("GET", merchants(mine), "lrk_" + mine + ".000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", null).status());
        assertEquals(200, call("GET", merchants(mine), myKey, null).status());
        Answer crossed = call("GET", merchants(theirs) + "/integrations", myKey, null);
        assertEquals(403, crossed.status());
        assertEquals(403, call("PUT", merchants(AdminScenario.fresh()), myKey, object()).status(), "only the operator creates merchants");
        assertEquals(403, call("GET", "/v1/admin/providers/zoko/dead-letters", myKey, null).status());
        assertEquals(404, call("GET", "/v1/admin/nothing-here", myKey, null).status());
        assertEquals(405, call("DELETE", merchants(mine), myKey, null).status());

        Answer rotated = call("POST", merchants(mine) + "/admin-keys/" + myKey.split("\\.")[1] + "/rotate", myKey, null);
        assertEquals(201, rotated.status());
        assertEquals(401, call("GET", merchants(mine), myKey, null).status(), "the rotated key is revoked");
        String newKey = rotated.get("key").asText();
        assertEquals(200, call("GET", merchants(mine), newKey, null).status());
        Answer listed = call("GET", merchants(mine) + "/admin-keys", newKey, null);
        assertEquals(2, listed.get("adminKeys").size());
        assertFalse(listed.toString().contains(newKey));
        assertEquals(204, call("DELETE", merchants(mine) + "/admin-keys/" + newKey.split("\\.")[1], newKey, null).status());
        assertEquals(401, call("GET", merchants(mine), newKey, null).status());
    }

    @Test
    void hostileOrMalformedInput_getsAClear4xx_andChangesNothing() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrations = merchants(merchantId) + "/integrations";

        assertEquals(413, call("POST", integrations, key, "{\"provider\":\"" + "x".repeat(70_000) + "\"}").status());
        assertEquals(400, call("POST", integrations, key, "[1,2,3]").status());
        assertEquals(400, call("POST", integrations, key, "{\"provider\": 7, \"credentials\": []}").status());
        assertEquals(400, call("PUT", merchants(merchantId), key, "{\"timestampWindowMinutes\": 1e309}").status());
        assertEquals(400, call("PUT", merchants(merchantId), key, "{\"timestampWindowMinutes\": 12.5}").status());
        assertEquals(404, call("GET", merchants(merchantId) + "/integrations/..%2F..%2Fetc", key, null).status());
        assertEquals(404, call("GET", merchants(merchantId) + "/deliveries/" + "d".repeat(300), key, null).status());
        assertEquals(400, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("limit", "100000")).status());
        assertEquals(400, call("GET", merchants(merchantId) + "/figures", key, null, Map.of("from", "2020-01-01", "to", "2026-01-01")).status());
        assertEquals(401, call("GET", merchants(merchantId), "Bearer lrk_" + merchantId, null).status());
        Answer problem = call("POST", integrations, key, "{\"provider\":\"zoko\",\"credentials\":{\"apiKey\":\"\"}}");
        assertEquals(400, problem.status());
        assertEquals("application/problem+json", problem.contentType());
        assertEquals("credentials.apiKey", problem.get("errors").get(0).get("field").asText());
        assertEquals(0, call("GET", integrations, key, null).get("integrations").size());
    }

    @Test
    void webhookSecrets_generatedAreShownOnce_pastedAreNeverEchoed_andRotationKeepsTheOldUntilRetired() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        Answer generated = call("POST", merchants(merchantId) + "/webhook-secrets", key, null);
        assertEquals(201, generated.status());
        String secret = generated.get("secret").asText();
        assertTrue(secret.startsWith("whsec_") && secret.length() > 40);
        Answer listed = call("GET", merchants(merchantId) + "/webhook-secrets", key, null);
        assertEquals(2, listed.get("webhookSecrets").size());
        assertFalse(listed.toString().contains(secret));
        String generatedId = generated.get("secretId").asText();
        String pastedId = listed.get("webhookSecrets").get(0).get("secretId").asText().equals(generatedId)
                ? listed.get("webhookSecrets").get(1).get("secretId").asText() : listed.get("webhookSecrets").get(0).get("secretId").asText();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"), "the demo secret is still valid");

        Answer retired = call("POST", merchants(merchantId) + "/webhook-secrets/" + pastedId + "/retire", key, null);
        assertEquals(200, retired.status(), retired.toString());
        directory.invalidateAll();
        assertEquals(401, AdminScenario.webhook(ingest, merchantId, "lead_create"), "a retired secret no longer signs");
        assertEquals(409, call("POST", merchants(merchantId) + "/webhook-secrets/" + generatedId + "/retire", key, null).status(),
                "the last valid secret cannot be retired");
    }

    @Test
    void aSecretScheduledToRetire_doesNotCountAsTheValidOneThatStays_soWebhooksAreNeverAllRefused() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String demoId = call("GET", merchants(merchantId) + "/webhook-secrets", key, null).get("webhookSecrets").get(0).get("secretId").asText();
        String newId = call("POST", merchants(merchantId) + "/webhook-secrets", key, null).get("secretId").asText();

        Answer scheduled = call("POST", merchants(merchantId) + "/webhook-secrets/" + newId + "/retire", key, object("afterMinutes", 30));
        assertEquals(200, scheduled.status(), scheduled.toString());
        Answer lastStanding = call("POST", merchants(merchantId) + "/webhook-secrets/" + demoId + "/retire", key, null);

        assertEquals(409, lastStanding.status(), "the other secret stops in 30 minutes: " + lastStanding);
        assertEquals("last_valid_secret", lastStanding.get("title").asText());
        clock.advance(Duration.ofMinutes(31));
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"), "30 minutes later a secret still signs");
        assertEquals(1, call("GET", merchants(merchantId) + "/webhook-secrets", key, null).get("webhookSecrets").findValues("valid").stream()
                .filter(JsonNode::asBoolean).count());
    }

    @Test
    void retiringASecretAgain_neverMovesItsRetirementLater() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String demoId = call("GET", merchants(merchantId) + "/webhook-secrets", key, null).get("webhookSecrets").get(0).get("secretId").asText();
        call("POST", merchants(merchantId) + "/webhook-secrets", key, null);
        String retire = merchants(merchantId) + "/webhook-secrets/" + demoId + "/retire";

        Answer inThirty = call("POST", retire, key, object("afterMinutes", 30));
        Answer inSixty = call("POST", retire, key, object("afterMinutes", 60));
        assertEquals(200, inSixty.status(), inSixty.toString());
        assertEquals(inThirty.get("retiredAt").asText(), inSixty.get("retiredAt").asText(), "a later time keeps the earlier one");
        Answer now = call("POST", retire, key, null);
        assertEquals(clock.instant().toString(), now.get("retiredAt").asText(), "an earlier time is taken");
        clock.advance(Duration.ofMinutes(1));

        Answer revived = call("POST", retire, key, object("afterMinutes", 60));

        assertEquals(200, revived.status(), revived.toString());
        assertEquals(now.get("retiredAt").asText(), revived.get("retiredAt").asText());
        assertFalse(revived.get("valid").asBoolean(), "a retired secret stays retired");
        directory.invalidateAll();
        assertEquals(401, AdminScenario.webhook(ingest, merchantId, "lead_create"), "webhooks signed with the retired secret stay refused");
    }

    @Test
    void settings_areValidated_andKept() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        assertEquals("timezone", call("PUT", merchants(merchantId), key, object("timezone", "Mars/Olympus")).get("errors").get(0).get("field").asText());
        assertEquals("defaultCountry", call("PUT", merchants(merchantId), key, object("defaultCountry", "XX")).get("errors").get(0).get("field").asText());
        assertEquals("timestampWindowMinutes", call("PUT", merchants(merchantId), key, object("timestampWindowMinutes", 0)).get("errors").get(0).get("field").asText());
        // Enforcement is taken once a scheme has matched an authentic event (ObservedTrafficTest has the refusals).
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"));
        Answer changed = call("PUT", merchants(merchantId), key, object("bodySignature", "enforce", "timestampWindowMinutes", 30, "defaultCountry", "ae"));
        assertEquals(200, changed.status(), changed.toString());
        assertEquals("raw_body", changed.get("bodySignatureScheme").asText());
        Answer read = call("GET", merchants(merchantId), key, null);
        assertEquals("enforce", read.get("bodySignature").asText());
        assertEquals(30, read.get("timestampWindowMinutes").asInt());
        assertEquals("AE", read.get("defaultCountry").asText());
        assertEquals("Asia/Kolkata", read.get("timezone").asText());
    }

    @Test
    void aTestSendWithStoredCredentialsThatNeverOpen_isAnswered409_notARetryThatCannotHelp() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = connect(merchantId, key, BuiltIn.DELIGHTCHAT);
        AdminScenario.webhook(ingest, merchantId, "lead_create");
        var stored = configuration.load(merchantId).orElseThrow().integrations().get(0);
        // Credentials sealed for another integration (as if copied between records) never open under this one's context.
        var sealedForAnother = secrets.sealCredentials(merchantId, integrationId + "-copy",
                new dev.loyaltyrelay.domain.ProviderCredentials(java.util.Map.of("apiKey", "dc-key-sealed-for-another-integration")));
        configuration.saveIntegration(new dev.loyaltyrelay.domain.Integration(merchantId, integrationId, stored.provider(), stored.commonProperty(),
                sealedForAnother, true, null));

        Answer tested = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/wallet/test", key,
                object("mobile", "+919876543210"));

        assertEquals(409, tested.status(), tested.toString());
        assertEquals("credentials_unreadable", tested.get("title").asText());
        assertEquals(0, ProviderStubs.requests(BuiltIn.DELIGHTCHAT).size(), "nothing was sent");
    }

    @Test
    void refusedCredentialsOnATestSend_listTheIntegrationAsNeedingAttention() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = connect(merchantId, key, BuiltIn.DELIGHTCHAT);
        AdminScenario.webhook(ingest, merchantId, "lead_create");
        ProviderStubs.of(BuiltIn.DELIGHTCHAT).stubFor(post(urlEqualTo("/api/v1/public/message")).willReturn(aResponse().withStatus(401)));

        Answer tested = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/wallet/test", key,
                object("mobile", "+919876543210"));

        assertEquals("rejected", tested.get("outcome").get("status").asText());
        assertEquals("credentials_refused", tested.get("outcome").get("reason").asText());
        Answer attention = call("GET", merchants(merchantId) + "/attention", key, null);
        assertEquals(integrationId, attention.get("integrations").get(0).get("integrationId").asText());
        assertEquals("credentials_refused", attention.get("integrations").get(0).get("reason").asText());
        Answer reinitialized = call("PATCH", merchants(merchantId) + "/integrations/" + integrationId, key,
                object("credentials", Map.of("apiKey", "dc-new-key-1234")));
        assertEquals(200, reinitialized.status());
        assertEquals(0, call("GET", merchants(merchantId) + "/attention", key, null).get("integrations").size());
    }

    @Test
    void figures_matchTheDeliveriesMade_andTheTrailShowsEachAttempt() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(400)));
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(503)));
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);

        dev.loyaltyrelay.support.FiguresStream.project(figuresProjection);
        Answer figures = call("GET", merchants(merchantId) + "/figures", key, null, Map.of("from", "2026-11-18", "to", "2026-11-18"));
        assertEquals(1, figures.get("totals").get("sent").asLong(), figures.toString());
        assertEquals(1, figures.get("totals").get("failed").asLong());
        assertEquals(1, figures.get("totals").get("pending").asLong());
        assertEquals(0.5, figures.get("deliveryRate").asDouble());
        assertEquals(1, figures.get("byReason").get("failed:http_400").asLong());
        assertEquals(1, figures.get("byProvider").get("zoko").get("sent").asLong());

        Answer failed = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "rejected"));
        assertEquals(1, failed.get("deliveries").size());
        String deliveryId = failed.get("deliveries").get(0).get("deliveryId").asText();
        Answer detail = call("GET", merchants(merchantId) + "/deliveries/" + deliveryId, key, null);
        assertEquals("http_400", detail.get("trail").get(0).get("reason").asText());
        assertEquals(400, detail.get("trail").get(0).get("httpStatus").asInt());
        assertEquals(3, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("topic", "walletreward_create")).get("deliveries").size());
        assertEquals(0, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("topic", "coupon_create")).get("deliveries").size());
        assertEquals(0, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("from", "2026-11-19")).get("deliveries").size());
        assertEquals(3, call("GET", merchants(merchantId) + "/deliveries", key, null,
                Map.of("from", "2026-11-18", "to", "2026-11-19T00:00:00Z")).get("deliveries").size());
        assertEquals(1, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "retry_scheduled")).get("deliveries").size());
        Answer all = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("limit", "2"));
        assertEquals(2, all.get("deliveries").size());
        Answer rest = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("limit", "2", "cursor", all.get("nextCursor").asText()));
        assertEquals(1, rest.get("deliveries").size());
        assertEquals(400, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("cursor", "garbage!")).status());
    }

    @Test
    void aFinishedDelivery_isResentOnce_evenWhenAskedTwice_andOneStillRetryingIsNot() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        String deliveryId = call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries").get(0).get("deliveryId").asText();

        Answer resent = call("POST", merchants(merchantId) + "/deliveries/" + deliveryId + "/resend", key, null);
        assertEquals(202, resent.status(), resent.toString());
        Answer again = call("POST", merchants(merchantId) + "/deliveries/" + deliveryId + "/resend", key, null);
        assertEquals(202, again.status(), "asked twice before it is taken up: still one resend");
        assertEquals("resend_pending", again.get("status").asText());
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);

        assertEquals(2, ProviderStubs.of(BuiltIn.ZOKO).findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/v2/message"))).size());
        assertEquals("sent", call("GET", merchants(merchantId) + "/deliveries/" + deliveryId, key, null).get("status").asText());
        assertEquals(404, call("POST", merchants(AdminScenario.fresh()) + "/deliveries/" + deliveryId + "/resend", AdminCalls.OPERATOR_KEY, null).status());

        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(500)));
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        String retrying = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "retry_scheduled"))
                .get("deliveries").get(0).get("deliveryId").asText();
        assertEquals(409, call("POST", merchants(merchantId) + "/deliveries/" + retrying + "/resend", key, null).status(),
                "a delivery still being retried is not resent");
    }

    @Test
    void deadLetters_areCountedAndRedrivenByTheOperator_andSentOnce() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        clock.advance(java.time.Duration.ofHours(25));
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        assertEquals("exhausted", call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries").get(0).get("status").asText());

        assertEquals(1, operator("GET", "/v1/admin/providers/zoko/dead-letters", null).get("approximateCount").asInt());
        Answer redriven = operator("POST", "/v1/admin/providers/zoko/dead-letters/redrive", object("max", 10));
        assertEquals(1, redriven.get("requeued").asInt(), redriven.toString());
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);

        assertEquals("sent", call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries").get(0).get("status").asText());
        assertEquals(0, operator("GET", "/v1/admin/providers/zoko/dead-letters", null).get("approximateCount").asInt());
    }

    @Test
    void heldEvents_areListed_andReplayedOnceValid() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        var sample = Webhooks.load("ingest-walletreward_create.json");
        held.hold(new HeldEvent(merchantId, "nd-held-1", "walletreward_create", "schema_violation", "amount: type",
                Map.of("x-nector-topic", "walletreward_create", "x-nector-delivery-id", "nd-held-1"), sample.get("body").asText(), clock.instant()));

        assertEquals(1, call("GET", merchants(merchantId) + "/held-events", key, null).get("heldEvents").size());
        Answer replayed = call("POST", merchants(merchantId) + "/held-events/replay", key, null);

        assertEquals("accepted", replayed.get("replayed").get(0).get("result").asText(), replayed.toString());
        assertEquals(1, Queues.drain(BuiltIn.ZOKO).size());
        assertEquals(0, call("GET", merchants(merchantId) + "/held-events", key, null).get("heldEvents").size());
    }

    /** Holds {@code count} valid wallet events of about 60 KB each (together well over DynamoDB's 1 MB page). */
    Set<String> holdLargeEvents(String merchantId, int count) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            String deliveryId = "nd-large-" + i;
            ObjectNode body = Webhooks.body(Webhooks.load("ingest-walletreward_create.json"));
            body.put("amount", 100 + i);
            body.put("note", "x".repeat(60_000));
            held.hold(new HeldEvent(merchantId, deliveryId, "walletreward_create", "schema_violation", "amount: type",
                    Map.of("x-nector-topic", "walletreward_create", "x-nector-delivery-id", deliveryId), body.toString(), clock.instant()));
            ids.add(deliveryId);
        }
        return ids;
    }

    static String nextCursor(Answer answer) {
        JsonNode cursor = answer.get("nextCursor");
        return cursor.isTextual() ? cursor.asText() : null;
    }

    @Test
    void heldEventsBeyondTheStoresOneMegabytePage_areAllListed_pageByPage() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Set<String> heldIds = holdLargeEvents(merchantId, 25);

        Set<String> listed = new TreeSet<>();
        String cursor = null;
        int pages = 0;
        do {
            Map<String, String> query = cursor == null ? Map.of("limit", "100") : Map.of("limit", "100", "cursor", cursor);
            Answer page = call("GET", merchants(merchantId) + "/held-events", key, null, query);
            assertEquals(200, page.status(), page.toString());
            page.get("heldEvents").forEach(event -> assertTrue(listed.add(event.get("nectorDeliveryId").asText()), "listed twice"));
            cursor = nextCursor(page);
            pages++;
        } while (cursor != null && pages < 10);

        assertEquals(heldIds, listed);
        assertTrue(pages > 1, "1.5 MB of held events do not fit one page of the store");
        Answer notOurs = call("GET", merchants(merchantId) + "/held-events", key, null, Map.of("cursor", "not a cursor"));
        assertEquals(400, notOurs.status(), notOurs.toString());
    }

    @Test
    void replayingHeldEventsBeyondOnePage_goesInBoundedResumableCalls_andQueuesEachEventExactlyOnce() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        Set<String> heldIds = holdLargeEvents(merchantId, 25);
        String replay = merchants(merchantId) + "/held-events/replay";

        Set<String> replayed = new TreeSet<>();
        List<Object> requests = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Object request = cursor == null ? object("max", 10) : object("max", 10, "cursor", cursor);
            requests.add(request);
            Answer answer = call("POST", replay, key, request);
            assertEquals(200, answer.status(), answer.toString());
            assertTrue(answer.get("replayed").size() <= 10, answer.toString());
            answer.get("replayed").forEach(result -> {
                assertEquals("accepted", result.get("result").asText(), result.toString());
                assertTrue(replayed.add(result.get("nectorDeliveryId").asText()), "replayed twice: " + result);
            });
            cursor = nextCursor(answer);
        } while (cursor != null && requests.size() < 10);

        assertEquals(heldIds, replayed);
        assertTrue(requests.size() >= 3, "25 events, at most 10 a call");
        for (Object request : requests) {
            Answer repeated = call("POST", replay, key, request);
            assertEquals(200, repeated.status(), repeated.toString());
            assertEquals(0, repeated.get("replayed").size(), "a repeated call finds nothing left to replay: " + repeated);
        }
        List<String> deliveryIds = Queues.drain(BuiltIn.ZOKO).stream().map(m -> {
            try {
                return AdminScenario.JSON.readTree(m.body()).get("deliveryId").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertEquals(25, deliveryIds.size());
        assertEquals(25, Set.copyOf(deliveryIds).size());
        assertEquals(0, call("GET", merchants(merchantId) + "/held-events", key, null).get("heldEvents").size());

        // A replay whose release was lost leaves the event held though it was queued: replayed again, it is a duplicate.
        holdLargeEvents(merchantId, 1);
        Answer again = call("POST", replay, key, null);
        assertEquals("duplicate", again.get("replayed").get(0).get("result").asText(), again.toString());
        assertEquals(0, Queues.drain(BuiltIn.ZOKO).size());
        assertEquals(0, call("GET", merchants(merchantId) + "/held-events", key, null).get("heldEvents").size());
        assertEquals(400, call("POST", replay, key, object("cursor", "not a cursor")).status());
    }

    @Test
    void aReplayStoppedByAQueueOutage_resumesAtTheEventItCouldNotQueue() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        Set<String> heldIds = holdLargeEvents(merchantId, 3);
        String replay = merchants(merchantId) + "/held-events/replay";
        LocalAws aws = LocalAws.get();
        aws.sqs.deleteQueue(r -> r.queueUrl(aws.queueUrls.get(BuiltIn.ZOKO)));
        Answer stopped;
        try {
            stopped = call("POST", replay, key, null);
        } finally {
            TemplateResources.read(Path.of("template.yaml")).createQueue(aws.sqs, TemplateResources.queueLogicalId(BuiltIn.profile(BuiltIn.ZOKO)),
                    aws.queueName(BuiltIn.ZOKO), aws.deadLetterQueueName(BuiltIn.ZOKO));
        }
        assertEquals(200, stopped.status(), stopped.toString());
        assertEquals(1, stopped.get("replayed").size(), "the first retryable failure stops the call: " + stopped);
        assertEquals(503, stopped.get("replayed").get(0).get("httpStatus").asInt());
        assertEquals("retry_later", stopped.get("stoppedBy").asText());

        Answer resumed = call("POST", replay, key, object("cursor", nextCursor(stopped)));
        Set<String> replayed = new TreeSet<>();
        resumed.get("replayed").forEach(result -> {
            assertEquals("accepted", result.get("result").asText(), resumed.toString());
            replayed.add(result.get("nectorDeliveryId").asText());
        });
        assertEquals(heldIds, replayed, "the event that met the outage is replayed again");
        assertTrue(resumed.get("nextCursor").isNull(), resumed.toString());
        assertEquals(3, Queues.drain(BuiltIn.ZOKO).size());
    }

    @Test
    void erasingACustomer_removesTheirRecord_andTheirAddressFromDeliveries() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = connect(merchantId, key, BuiltIn.ZOKO);
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        assertEquals(1, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("recipient", "9876543210")).get("deliveries").size());

        Answer erased = call("POST", merchants(merchantId) + "/customers/erase", key, object("mobile", "+91 98765 43210"));

        assertEquals(1, erased.get("customerRecords").asInt(), erased.toString());
        assertEquals(1, erased.get("deliveryRecords").asInt());
        assertEquals(0, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("recipient", "9876543210")).get("deliveries").size());
        assertEquals("erased", call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries").get(0).get("recipient").asText());
        assertEquals(404, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/wallet/test", key,
                object("mobile", "9876543210")).status());
    }

    @Test
    void integrationsAndMappings_canBeReadChangedDisabledAndDeleted() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = connect(merchantId, key, BuiltIn.LIMECHAT);
        String one = merchants(merchantId) + "/integrations/" + integrationId;

        assertEquals(1, call("GET", one, key, null).get("mappings").asInt());
        assertEquals("walletreward_create", call("GET", one + "/mappings", key, null).get("mappings").get(0).get("topic").asText());
        Answer replaced = call("PUT", one + "/mappings/wallet", key, object("topic", "walletreward_create", "eventName", "coins_added"));
        assertEquals(200, replaced.status(), replaced.toString());
        assertEquals("coins_added", call("GET", one + "/mappings/wallet", key, null).get("eventName").asText());
        assertEquals(400, call("PUT", one + "/mappings/wallet", key, object("topic", "walletreward_create", "eventName", "coins added")).status());
        assertEquals(false, call("PATCH", one, key, object("enabled", false)).get("enabled").asBoolean());
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(0, Queues.drain(BuiltIn.LIMECHAT).size(), "a disabled integration gets no jobs");
        assertEquals(204, call("DELETE", one + "/mappings/wallet", key, null).status());
        assertEquals(404, call("GET", one + "/mappings/wallet", key, null).status());
        assertEquals(204, call("DELETE", one, key, null).status());
        assertEquals(404, call("GET", one, key, null).status());
    }

    @Test
    void anIdenticalMapping_isRefused_soNoCustomerGetsTheSameMessageTwice() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String zokoMappings = merchants(merchantId) + "/integrations/" + connect(merchantId, key, BuiltIn.ZOKO) + "/mappings";
        var sameEvent = new LinkedHashMap<>(AdminScenario.walletMapping(BuiltIn.ZOKO));
        sameEvent.remove("mappingId");

        Answer again = call("POST", zokoMappings, key, sameEvent);

        assertEquals(409, again.status(), again.toString());
        assertEquals("mapping_duplicate", again.get("title").asText());
        assertTrue(again.get("detail").asText().contains("wallet"), "names the mapping it repeats: " + again);
        Answer coupon = call("POST", zokoMappings, key, object("mappingId", "coupon", "topic", "walletreward_create", "templateId", "coupon_ready_v1",
                "variables", List.of(object("property", "user_name"), object("property", "amount"))));
        assertEquals(201, coupon.status(), "another template for the same topic is another message: " + coupon);
        Answer madeIdentical = call("PUT", zokoMappings + "/coupon", key, object("topic", "walletreward_create", "templateId", "wallet_reward_v1",
                "variables", List.of(object("property", "user_name"), object("property", "amount"))));
        assertEquals(409, madeIdentical.status(), "an edit cannot make a mapping identical to another: " + madeIdentical);
        String limechatMappings = merchants(merchantId) + "/integrations/" + connect(merchantId, key, BuiltIn.LIMECHAT) + "/mappings";
        Answer sameFlowEvent = call("POST", limechatMappings, key, object("topic", "walletreward_create", "eventName", "walletreward_create"));
        assertEquals(409, sameFlowEvent.status(), "the event name defaults to the topic, so this is the same event: " + sameFlowEvent);

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(2, Queues.drain(BuiltIn.ZOKO).size(), "one job per distinct template");
        assertEquals(1, Queues.drain(BuiltIn.LIMECHAT).size());
    }

    @ParameterizedTest
    @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")
    void aMappingReadWithGet_isAcceptedBackByPut_andNothingChanges(Provider provider) {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", provider.key(), "credentials", AdminScenario.CREDENTIALS.get(provider))).get("integrationId").asText();
        String mappings = merchants(merchantId) + "/integrations/" + integrationId + "/mappings";
        var mapping = new LinkedHashMap<String, Object>(object("mappingId", "rich", "topic", "walletreward_create",
                "variables", List.of(object("property", "user_name", "fallback", "there"), object("property", "tier_points", "custom", true)),
                "language", "en"));
        if (BuiltIn.profile(provider).sendsWhatsAppTemplates()) {
            mapping.put("templateId", "wallet_reward_v1");
            mapping.put("forwarded", List.of("user_tier"));
        } else {
            mapping.put("eventName", "coins_added");
            mapping.put("forwarded", BuiltIn.LIMECHAT.equals(provider) ? List.of("amount", "user_tier") : "all");
        }
        Answer created = call("POST", mappings, key, mapping);
        assertEquals(201, created.status(), created.toString());
        Answer read = call("GET", mappings + "/rich", key, null);
        assertEquals(List.of(), AdminScenario.violationsOf("Mapping", read.body()), "GET answers in the document's Mapping schema, PUT's body");

        Answer putBack = call("PUT", mappings + "/rich", key, read.body());

        assertEquals(200, putBack.status(), putBack.toString());
        assertEquals(read.body(), call("GET", mappings + "/rich", key, null).body(), "nothing changed");
        assertEquals(read.body(), call("GET", mappings, key, null).get("mappings").get(0), "the list shows the same shape");
        assertTrue(read.get("variables").get(1).get("custom").asBoolean(), read.toString());
    }

    @Test
    void aTestSend_takesValuesTheCatalogueHasNoSampleFor_fromTheRequest_andSaysWhereEachValueCameFrom() {
        // tier_points and next_tier are custom, so the catalogue has no sample of them; amount has one, which the request overrides.
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "delightchat", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.DELIGHTCHAT))).get("integrationId").asText();
        String mappings = merchants(merchantId) + "/integrations/" + integrationId + "/mappings";
        assertEquals(201, call("POST", mappings, key, object("mappingId", "points", "topic", "walletreward_create", "templateId", "points_v1",
                "variables", List.of(object("property", "user_name"), object("property", "amount"), object("property", "tier_points", "custom", true),
                        object("property", "next_tier", "custom", true, "fallback", "Gold"), object("property", "business_name")))).status());
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"));
        String test = mappings + "/points/test";

        Answer withoutValue = call("POST", test, key, object("mobile", "+919876543210"));
        assertEquals(422, withoutValue.status(), withoutValue.toString());
        assertEquals("test_values_missing", withoutValue.get("title").asText());
        assertEquals(List.of("properties.tier_points"), withoutValue.get("errors").findValuesAsText("field"), "only the property with no value and no fallback");
        assertEquals(0, ProviderStubs.requests(BuiltIn.DELIGHTCHAT).size(), "nothing sent");

        String given = "1207731";
        Answer[] answer = new Answer[1];
        List<String> logged = AdminScenario.logLinesDuring(
                () -> answer[0] = call("POST", test, key, object("mobile", "+919876543210", "properties", object("tier_points", given, "amount", 250))));
        Answer tested = answer[0];

        assertEquals(200, tested.status(), tested.toString());
        assertEquals(List.of("Riya", "250", given, "Gold", "Acme Naturals"), AdminScenario.JSON.convertValue(tested.get("rendered"), List.class));
        assertEquals(Map.of("user_name", "customer", "amount", "request", "tier_points", "request", "next_tier", "fallback",
                "business_name", "sample"),
                AdminScenario.JSON.convertValue(tested.get("valueSources"), Map.class));
        assertEquals(1, ProviderStubs.requests(BuiltIn.DELIGHTCHAT).size(), tested.toString());
        assertTrue(ProviderStubs.requests(BuiltIn.DELIGHTCHAT).getFirst().getBodyAsString().contains(given), "the given value was sent");
        assertTrue(logged.stream().noneMatch(line -> line.contains(given)), "a value given in the request is never logged");
        Answer unused = call("POST", test, key, object("mobile", "+919876543210", "properties", object("tier_pionts", "1")));
        assertEquals(400, unused.status(), "a property the mapping neither reads nor forwards is refused, not ignored: " + unused);
        assertEquals("properties.tier_pionts", unused.get("errors").get(0).get("field").asText());
    }

    @Test
    void switchingAnIntegrationOffAndOn_keepsTheRefusedCredentialsFlagADeliverySetMeanwhile() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = connect(merchantId, key, BuiltIn.ZOKO);
        var stored = configuration.load(merchantId).orElseThrow().integrations().getFirst();
        // A delivery is refused with these credentials and flags them while the PATCH is between its read and its write.
        dev.loyaltyrelay.support.DynamoFaults.justBefore(dev.loyaltyrelay.support.DynamoFaults.writeOf("INTEGRATION#" + integrationId),
                () -> configuration.flagRefusedCredentials(merchantId, integrationId, stored.credentials(), clock.instant()));
        String one = merchants(merchantId) + "/integrations/" + integrationId;

        assertEquals(200, call("PATCH", one, key, object("enabled", false)).status());
        dev.loyaltyrelay.support.DynamoFaults.clear();
        assertEquals(200, call("PATCH", one, key, object("enabled", true)).status());

        assertEquals("credentials_refused", call("GET", one, key, null).get("attention").get("reason").asText(),
                "only new credentials clear it");
    }

    @Test
    void aTestSend_neverShowsTheCustomersFullAddress_evenWhenAVariableCarriesIt() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = connect(merchantId, key, BuiltIn.ZOKO);
        AdminScenario.webhook(ingest, merchantId, "walletreward_create");
        Answer mapped = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                object("mappingId", "contact", "topic", "walletreward_create", "templateId", "coupon_ready_v1", "language", "en",
                        "variables", List.of(object("property", "user_name"), object("property", "user_mobile"))));
        assertEquals(201, mapped.status(), mapped.toString());

        Answer tested = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings/contact/test", key,
                object("mobile", "9876543210"));

        assertEquals(200, tested.status(), tested.toString());
        assertFalse(tested.body().toString().contains("9876543210"), tested.toString());
        assertTrue(tested.get("rendered").get(1).asText().endsWith("3210"), "masked, last four shown");
    }

    @Test
    void aCursorFromAnotherMerchantsListing_isRefused400_notAStoreFailure() {
        String first = AdminScenario.fresh();
        String firstKey = AdminScenario.newMerchant(first);
        connect(first, firstKey, BuiltIn.ZOKO);
        AdminScenario.webhook(ingest, first, "walletreward_create");
        AdminScenario.webhook(ingest, first, "walletreward_create");
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        String cursor = call("GET", merchants(first) + "/deliveries", firstKey, null, Map.of("limit", "1")).get("nextCursor").asText();
        String second = AdminScenario.fresh();
        String secondKey = AdminScenario.newMerchant(second);

        Answer borrowed = call("GET", merchants(second) + "/deliveries", secondKey, null, Map.of("cursor", cursor));

        assertEquals(400, borrowed.status(), borrowed.toString());
    }

    @AfterAll
    static void noSecretEverLeftInAResponse() {
        List<String> bodies = AdminCalls.seenBodies();
        assertFalse(bodies.isEmpty());
        for (String body : bodies) {
            for (Map<String, String> credentials : AdminScenario.CREDENTIALS.values()) {
                credentials.values().forEach(value -> assertFalse(body.contains(value), "a credential in a response"));
            }
            assertFalse(body.contains(Webhooks.DEMO_SECRET), "the pasted webhook secret in a response");
            assertFalse(body.contains("9876543210"), "a full mobile number in a response");
            assertFalse(body.contains("riya@example.com"), "a full email in a response");
        }
    }
}
