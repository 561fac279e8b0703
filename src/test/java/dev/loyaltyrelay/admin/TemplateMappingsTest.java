package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
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
 * Template mappings checked against what the provider says when they are saved, and sent as saved: Zoko's template list
 * (type, language, active, a rich template's media header, a variable count given as a string) and LimeChat's direct
 * template send. Through the admin function, DynamoDB Local, ElasticMQ and WireMock speaking each provider's wire format.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class TemplateMappingsTest {

    /**
     * Zoko's list in the shape of docs.zoko.io's "Get Message Templates", with its own inconsistencies: a count and
     * flags given as strings, one template listed in two languages.
     */
    static final String ZOKO_TEMPLATES = """
            [{"channel":"whatsapp","templateId":"wallet_banner","templateLanguage":"hi","templateType":"richTemplate","isRichTemplate":true,
              "templateDesc":"{{1}} Namaste {{2}}, {{3}} coins","templateVariableCount":3,"active":true},
             {"channel":"whatsapp","templateId":"wallet_buttons","templateLanguage":"en","templateType":"buttonTemplate","isRichTemplate":false,
              "templateVariableCount":"2","active":true},
             {"channel":"whatsapp","templateId":"wallet_paused","templateLanguage":"en","templateType":"template","isRichTemplate":"false",
              "templateVariableCount":"2","active":false},
             {"channel":"whatsapp","templateId":"wallet_reward_v2","templateLanguage":"en","templateType":"template","templateVariableCount":"2","active":"true"},
             {"channel":"whatsapp","templateId":"wallet_reward_v2","templateLanguage":"hi","templateType":"template","templateVariableCount":2,"active":true}]""";

    static final String BANNER = "https://cdn.example/wallet-banner.jpg";
    static final String LIMECHAT_SEND = "/api/v1/accounts/lc-account-9955/store_notifications/create_notification_limekit/";
    static final List<Map<String, Object>> NAME_AND_AMOUNT = List.of(object("property", "user_name"), object("property", "amount"));

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    DeliveryFunction limechat = DeliveryFunction.of(BuiltIn.LIMECHAT);

    String merchantId;
    String key;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(get(urlEqualTo("/v2/account/templates")).willReturn(aResponse().withStatus(200).withBody(ZOKO_TEMPLATES)));
        ProviderStubs.of(BuiltIn.LIMECHAT).stubFor(post(urlEqualTo(LIMECHAT_SEND))
                .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"success\",\"id\":\"lc-n-1\"}")));
        merchantId = AdminScenario.fresh();
        key = AdminScenario.newMerchant(merchantId);
    }

    @Test
    void aRichTemplate_isRefusedUntilItsMediaHeaderIsMapped_thenSavedWithItsTypeAndLanguage_andDeliveredWithTheHeaderFirst() {
        String mappings = mappingsOf(initialize("zoko"));

        Answer headless = call("POST", mappings, key, object("mappingId", "banner", "topic", "walletreward_create", "templateId", "wallet_banner",
                "variables", NAME_AND_AMOUNT));
        assertProblem(headless, 422, "media_header_required", "mediaHeaderUrl");
        assertTrue(headless.get("detail").asText().contains("first argument is its media header"), headless.toString());

        assertProblem(call("POST", mappings, key, object("mappingId", "banner", "topic", "walletreward_create", "templateId", "wallet_banner",
                "mediaHeaderUrl", "http://cdn.example/banner.jpg", "variables", NAME_AND_AMOUNT)), 400, "invalid_request", "mediaHeaderUrl");
        Answer oneTooMany = call("POST", mappings, key, object("mappingId", "banner", "topic", "walletreward_create", "templateId", "wallet_banner",
                "mediaHeaderUrl", BANNER, "variables", List.of(object("property", "user_name"), object("property", "amount"),
                        object("property", "user_tier"))));
        assertProblem(oneTooMany, 422, "variable_count_mismatch", "variables");
        assertEquals("the template has 2 variables besides its media header; the mapping gives 3", oneTooMany.get("detail").asText());

        Answer saved = call("POST", mappings, key, object("mappingId", "banner", "topic", "walletreward_create", "templateId", "wallet_banner",
                "mediaHeaderUrl", BANNER, "variables", NAME_AND_AMOUNT));
        assertEquals(201, saved.status(), saved.toString());
        assertEquals("richTemplate", saved.get("templateType").asText(), "the type Zoko's list gave");
        assertEquals("hi", saved.get("language").asText(), "the template's one listed language");
        assertEquals(BANNER, saved.get("mediaHeaderUrl").asText());
        assertEquals(List.of(), AdminScenario.violationsOf("MappingWithWarnings", saved.body()));
        Answer read = call("GET", mappings + "/banner", key, null);
        assertEquals(200, call("PUT", mappings + "/banner", key, read.body()).status(), "GET's answer goes back to PUT");
        var claimedType = (com.fasterxml.jackson.databind.node.ObjectNode) read.body().deepCopy();
        claimedType.put("templateType", "buttonTemplate");
        assertEquals("richTemplate", call("PUT", mappings + "/banner", key, claimedType).get("templateType").asText(),
                "the type is the template list's, never the request's");

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));

        ProviderStubs.of(BuiltIn.ZOKO).verify(1, postRequestedFor(urlEqualTo("/v2/message")).withRequestBody(equalToJson("""
                {"channel":"whatsapp","recipient":"919876543210","type":"richTemplate","templateId":"wallet_banner","templateLanguage":"hi",
                 "templateArgs":["%s","Riya","100"]}""".formatted(BANNER))));
    }

    @Test
    void aButtonTemplate_isSavedAsOne_andATestSendSaysButtonTemplate_itsCountGivenAsAString() {
        String mappings = mappingsOf(initialize("zoko"));

        Answer tooMany = call("POST", mappings, key, object("mappingId", "buttons", "topic", "walletreward_create", "templateId", "wallet_buttons",
                "variables", List.of(object("property", "user_name"), object("property", "amount"), object("property", "user_tier"))));
        assertProblem(tooMany, 422, "variable_count_mismatch", "variables");
        assertEquals("the template has 2 variables; the mapping gives 3", tooMany.get("detail").asText(), "\"2\" read as 2");
        assertProblem(call("POST", mappings, key, object("mappingId", "buttons", "topic", "walletreward_create", "templateId", "wallet_buttons",
                "mediaHeaderUrl", BANNER, "variables", NAME_AND_AMOUNT)), 422, "media_header_unexpected", "mediaHeaderUrl");

        Answer saved = call("POST", mappings, key, object("mappingId", "buttons", "topic", "walletreward_create", "templateId", "wallet_buttons",
                "variables", NAME_AND_AMOUNT));
        assertEquals(201, saved.status(), saved.toString());
        assertEquals("buttonTemplate", saved.get("templateType").asText());
        assertEquals("en", saved.get("language").asText());
        assertFalse(saved.body().has("mediaHeaderUrl"));

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"), "a lead event teaches the store's customer");
        Answer tested = call("POST", mappings + "/buttons/test", key, object("mobile", "98765 43210"));
        assertEquals("sent", tested.get("outcome").get("status").asText(), tested.toString());
        ProviderStubs.of(BuiltIn.ZOKO).verify(1, postRequestedFor(urlEqualTo("/v2/message")).withRequestBody(equalToJson("""
                {"channel":"whatsapp","recipient":"919876543210","type":"buttonTemplate","templateId":"wallet_buttons","templateLanguage":"en",
                 "templateArgs":["Riya","100"]}""")));
    }

    @Test
    void anInactiveTemplate_isRefusedAtSave_namingTheTemplate() {
        String mappings = mappingsOf(initialize("zoko"));

        Answer refused = call("POST", mappings, key, object("topic", "walletreward_create", "templateId", "wallet_paused", "variables", NAME_AND_AMOUNT));

        assertProblem(refused, 422, "template_inactive", "templateId");
        assertEquals(0, call("GET", mappings, key, null).get("mappings").size(), "nothing saved");
    }

    @Test
    void aLanguageTheTemplateIsNotListedIn_isRefused_asIsAnUnnamedOneOfTwo_andANamedOneIsSent() {
        String mappings = mappingsOf(initialize("zoko"));

        Answer otherLanguage = call("POST", mappings, key, object("mappingId", "v2", "topic", "walletreward_create", "templateId", "wallet_reward_v2",
                "language", "pt_BR", "variables", NAME_AND_AMOUNT));
        assertProblem(otherLanguage, 422, "template_language_not_found", "language");
        assertEquals("zoko lists this template in en, hi, not in pt_BR", otherLanguage.get("detail").asText());
        assertProblem(call("POST", mappings, key, object("mappingId", "v2", "topic", "walletreward_create", "templateId", "wallet_reward_v2",
                "variables", NAME_AND_AMOUNT)), 422, "template_language_ambiguous", "language");

        Answer hindi = call("POST", mappings, key, object("mappingId", "v2", "topic", "walletreward_create", "templateId", "wallet_reward_v2",
                "language", "hi", "variables", NAME_AND_AMOUNT));
        assertEquals(201, hindi.status(), hindi.toString());
        assertEquals("template", hindi.get("templateType").asText());

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));
        ProviderStubs.of(BuiltIn.ZOKO).verify(1, postRequestedFor(urlEqualTo("/v2/message")).withRequestBody(equalToJson("""
                {"type":"template","templateId":"wallet_reward_v2","templateLanguage":"hi","templateArgs":["Riya","100"]}""", true, true)));
    }

    @Test
    void fieldsZokosListLeavesOut_readAsZokosSendDefaults_andAnUncountedTemplateIsSavedWithAWarning() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(get(urlEqualTo("/v2/account/templates")).willReturn(aResponse().withStatus(200).withBody("""
                [{"templateId":"bare","templateVariableCount":2},
                 {"templateId":"bare_rich","isRichTemplate":"true","templateVariableCount":"1"},
                 {"templateId":"uncounted","templateLanguage":"en","templateType":"template","active":true}]""")));
        String mappings = mappingsOf(initialize("zoko"));

        Answer bare = call("POST", mappings, key, object("mappingId", "bare", "topic", "walletreward_create", "templateId", "bare",
                "variables", NAME_AND_AMOUNT));
        assertEquals(201, bare.status(), bare.toString());
        assertEquals("en", bare.get("language").asText(), "no templateLanguage: Zoko's send defaults to en");
        assertEquals("template", bare.get("templateType").asText(), "no templateType, not rich: a plain template");

        Answer rich = call("POST", mappings, key, object("mappingId", "bare_rich", "topic", "walletreward_create", "templateId", "bare_rich",
                "mediaHeaderUrl", BANNER, "variables", List.of()));
        assertEquals(201, rich.status(), rich.toString());
        assertEquals("richTemplate", rich.get("templateType").asText(), "isRichTemplate \"true\" without a templateType");

        Answer uncounted = call("POST", mappings, key, object("mappingId", "uncounted", "topic", "walletreward_create", "templateId", "uncounted",
                "variables", NAME_AND_AMOUNT));
        assertEquals(201, uncounted.status(), uncounted.toString());
        assertTrue(uncounted.get("warnings").toString().contains("did not say how many variables"), uncounted.toString());
    }

    @Test
    void limeChat_initializeSaysWhichTokenEachModeTakes_andATemplateMapping_sendsTheDirectTemplate_withoutAFlow() {
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "limechat", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.LIMECHAT)));
        assertEquals(201, initialized.status(), initialized.toString());
        assertEquals(List.of(), AdminScenario.violationsOf("Integration", initialized.body()));
        String use = initialized.get("credentialUse").toString();
        assertTrue(use.contains("api_access_token") && use.contains("dashboard's access token"), use);
        assertTrue(use.contains("x-limechat-uat") && use.contains("outbound"), use);
        assertFalse(use.contains("lc-token-secret-9966"), "no credential in the answer");
        String mappings = mappingsOf(initialized);

        assertProblem(call("POST", mappings, key, object("topic", "walletreward_create", "templateId", "112", "eventName", "wallet_rewarded",
                "variables", NAME_AND_AMOUNT)), 400, "invalid_request", "eventName");
        Answer saved = call("POST", mappings, key, object("mappingId", "direct", "topic", "walletreward_create", "templateId", "112",
                "variables", NAME_AND_AMOUNT));
        assertEquals(201, saved.status(), saved.toString());
        assertEquals("112", saved.get("templateId").asText());
        assertFalse(saved.body().has("eventName"), saved.toString());
        assertEquals(List.of(), AdminScenario.violationsOf("MappingWithWarnings", saved.body()));
        assertTrue(saved.get("warnings").toString().contains("limechat offers no way to check"), saved.toString());
        Answer read = call("GET", mappings + "/direct", key, null);
        assertEquals(200, call("PUT", mappings + "/direct", key, read.body()).status(), "GET's answer goes back to PUT");

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, AdminScenario.deliver(BuiltIn.LIMECHAT, limechat));

        ProviderStubs.of(BuiltIn.LIMECHAT).verify(1, postRequestedFor(urlEqualTo(LIMECHAT_SEND))
                .withHeader("api_access_token", equalTo("lc-token-secret-9966"))
                .withRequestBody(equalToJson("""
                        {"phone":"919876543210","template_id":"112","template_attributes":["Riya","100"]}""")));
        ProviderStubs.of(BuiltIn.LIMECHAT).verify(0, postRequestedFor(urlEqualTo("/api/v1/cvf-events")));
        assertEquals("[]", saved.get("forwarded").toString(), "a template mapping forwards nothing by default");

        // A template's values follow Meta's parameter rules, as on the other WhatsApp providers: no line break survives.
        Answer tested = call("POST", mappings + "/direct/test", key, object("mobile", "98765 43210", "properties", object("user_name", "Riya\nKapoor")));
        assertEquals("sent", tested.get("outcome").get("status").asText(), tested.toString());
        ProviderStubs.of(BuiltIn.LIMECHAT).verify(1, postRequestedFor(urlEqualTo(LIMECHAT_SEND))
                .withRequestBody(equalToJson("{\"template_attributes\":[\"Riya Kapoor\",\"100\"]}", true, true)));
    }

    @Test
    void wigzo_stillTakesNoTemplateId() {
        String mappings = mappingsOf(initialize("wigzo"));

        assertProblem(call("POST", mappings, key, object("topic", "walletreward_create", "templateId", "112")), 400, "invalid_request", "templateId");
    }

    private Answer initialize(String provider) {
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", provider, "credentials", AdminScenario.CREDENTIALS.get(dev.loyaltyrelay.domain.Provider.fromKey(provider).orElseThrow())));
        assertEquals(201, initialized.status(), initialized.toString());
        return initialized;
    }

    private String mappingsOf(Answer integration) {
        return merchants(merchantId) + "/integrations/" + integration.get("integrationId").asText() + "/mappings";
    }

    private static void assertProblem(Answer answer, int status, String title, String field) {
        assertEquals(status, answer.status(), answer.toString());
        assertEquals(title, answer.get("title").asText(), answer.toString());
        JsonNode errors = answer.get("errors");
        assertTrue(errors != null && errors.toString().contains("\"field\":\"" + field + "\""), answer.toString());
    }
}
