package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.ProviderGateway;
import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Sent;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.provider.bitespeed.BiteSpeedContract;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each adapter against WireMock speaking the provider's wire format: the exact request, and how every kind of
 * answer is classified, through the same fault-tolerance guard the delivery functions use.
 */
@QuarkusTest
class ProviderAdaptersTest {

    static final String MOBILE = "+919876543210";
    static final String EMAIL = "riya@example.com";

    @Inject
    ProviderGateway gateway;

    @BeforeEach
    void freshStubs() {
        ProviderStubs.resetAll();
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @Test
    void zoko_sendsTheTemplate_withTheRecipientWithoutPlus_andArgsInOrder() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody("{\"messageId\":\"zk-msg-1\"}")));

        DeliveryOutcome outcome = send(message(BuiltIn.ZOKO), credentials(BuiltIn.ZOKO));

        assertEquals(new Sent("zk-msg-1", 202), outcome);
        ProviderStubs.of(BuiltIn.ZOKO).verify(1, postRequestedFor(urlEqualTo("/v2/message"))
                .withHeader("apikey", equalTo("zk-key-0001"))
                .withHeader("Content-Type", com.github.tomakehurst.wiremock.client.WireMock.containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"channel":"whatsapp","recipient":"919876543210","type":"template","templateId":"wallet_reward_v1",
                         "templateLanguage":"en","templateArgs":["Riya","100"]}""")));
    }

    @Test
    void zoko_sendsARichTemplate_asRichTemplate_inItsListedLanguage_withTheMediaHeaderAsTheFirstArgument() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message"))
                .willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-rich-1\"}")));
        OutboundMessage plain = message(BuiltIn.ZOKO);
        var rich = new OutboundMessage(plain.deliveryId(), plain.merchantId(), plain.provider(), plain.recipient(), "greeting_with_header_image_01",
                "hi", plain.eventName(), plain.variables(), Map.of(), "richTemplate", "https://cdn.example/wallet-banner.jpg");

        assertEquals(new Sent("zk-rich-1", 202), send(rich, credentials(BuiltIn.ZOKO)));
        ProviderStubs.of(BuiltIn.ZOKO).verify(1, postRequestedFor(urlEqualTo("/v2/message"))
                .withHeader("apikey", equalTo("zk-key-0001"))
                .withRequestBody(equalToJson("""
                        {"channel":"whatsapp","recipient":"919876543210","type":"richTemplate","templateId":"greeting_with_header_image_01",
                         "templateLanguage":"hi","templateArgs":["https://cdn.example/wallet-banner.jpg","Riya","100"]}""")));
    }

    @Test
    void zoko_sendsAButtonTemplate_asButtonTemplate() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(202)));
        OutboundMessage plain = message(BuiltIn.ZOKO);
        var buttons = new OutboundMessage(plain.deliveryId(), plain.merchantId(), plain.provider(), plain.recipient(), "wallet_buttons_v1",
                "pt_BR", plain.eventName(), plain.variables(), Map.of(), "buttonTemplate", null);

        send(buttons, credentials(BuiltIn.ZOKO));

        ProviderStubs.of(BuiltIn.ZOKO).verify(1, postRequestedFor(urlEqualTo("/v2/message")).withRequestBody(equalToJson("""
                {"channel":"whatsapp","recipient":"919876543210","type":"buttonTemplate","templateId":"wallet_buttons_v1",
                 "templateLanguage":"pt_BR","templateArgs":["Riya","100"]}""")));
    }

    @Test
    void zoko_aRichTemplateWithoutItsMediaHeader_isRejectedWithoutACall() {
        OutboundMessage plain = message(BuiltIn.ZOKO);
        var headless = new OutboundMessage(plain.deliveryId(), plain.merchantId(), plain.provider(), plain.recipient(), "greeting_with_header_image_01",
                "en", plain.eventName(), plain.variables(), Map.of(), "richTemplate", null);

        assertEquals(Rejected.beforeCall("media_header_missing"), send(headless, credentials(BuiltIn.ZOKO)));
        assertTrue(ProviderStubs.requests(BuiltIn.ZOKO).isEmpty());
    }

    @Test
    void limeChat_aTemplateMapping_usesTheDirectTemplateSend_withTheDashboardToken_andTheVariablesInOrder() {
        String path = "/api/v1/accounts/lc-account/store_notifications/create_notification_limekit/";
        ProviderStubs.of(BuiltIn.LIMECHAT).stubFor(post(urlEqualTo(path))
                .willReturn(aResponse().withStatus(200).withBody("{\"status\":\"success\",\"id\":\"lc-n-1\"}")));
        var template = new OutboundMessage("dlv_1", "merchant-1", BuiltIn.LIMECHAT, new Recipient(CommonProperty.MOBILE, MOBILE), "112", null,
                "walletreward_create", List.of("Riya", "100"), Map.of());

        assertEquals(new Sent("lc-n-1", 200), send(template, credentials(BuiltIn.LIMECHAT)));
        ProviderStubs.of(BuiltIn.LIMECHAT).verify(1, postRequestedFor(urlEqualTo(path))
                .withHeader("api_access_token", equalTo("lc-token-0001"))
                .withHeader("Content-Type", com.github.tomakehurst.wiremock.client.WireMock.containing("application/json"))
                .withRequestBody(equalToJson("""
                        {"phone":"919876543210","template_id":"112","template_attributes":["Riya","100"]}""")));
        ProviderStubs.of(BuiltIn.LIMECHAT).verify(0, postRequestedFor(urlEqualTo("/api/v1/cvf-events")));
    }

    @ParameterizedTest(name = "limechat template send {0}")
    @MethodSource("scenarios")
    void limeChat_theDirectTemplateSendsAnswers_areClassifiedLikeEveryOther(Scenario scenario) {
        ProviderStubs.of(BuiltIn.LIMECHAT).stubFor(post(urlPathEqualTo("/api/v1/accounts/lc-account/store_notifications/create_notification_limekit/"))
                .willReturn(scenario.answer()));
        var template = new OutboundMessage("dlv_1", "merchant-1", BuiltIn.LIMECHAT, new Recipient(CommonProperty.MOBILE, MOBILE), "112", null,
                "walletreward_create", List.of("Riya", "100"), Map.of());

        assertEquals(scenario.expected(), send(template, credentials(BuiltIn.LIMECHAT)));
    }

    @Test
    void delightChat_splitsTheNumber_andKeysTheVariablesByPosition() {
        ProviderStubs.of(BuiltIn.DELIGHTCHAT).stubFor(post(urlEqualTo("/api/v1/public/message"))
                .willReturn(aResponse().withStatus(200).withBody("{\"message_id\":\"dc-1\"}")));

        DeliveryOutcome outcome = send(message(BuiltIn.DELIGHTCHAT), credentials(BuiltIn.DELIGHTCHAT));

        assertEquals(new Sent("dc-1", 200), outcome);
        ProviderStubs.of(BuiltIn.DELIGHTCHAT).verify(1, postRequestedFor(urlEqualTo("/api/v1/public/message"))
                .withHeader("X-API-KEY", equalTo("dc-key-0001"))
                .withRequestBody(equalToJson("""
                        {"country_code":"+91","phone_number":"9876543210","automation_id":"3f9a7c52-0d4e-4a8b-9c1e-7b2d5f6a8e01",
                         "message_data":{"1":"Riya","2":"100"}}""")));
    }

    @Test
    void delightChat_splitsANonIndianNumberToo() {
        ProviderStubs.of(BuiltIn.DELIGHTCHAT).stubFor(post(urlEqualTo("/api/v1/public/message")).willReturn(aResponse().withStatus(200)));
        var uk = withRecipient(message(BuiltIn.DELIGHTCHAT), new Recipient(CommonProperty.MOBILE, "+447911123456"));

        send(uk, credentials(BuiltIn.DELIGHTCHAT));

        ProviderStubs.of(BuiltIn.DELIGHTCHAT).verify(postRequestedFor(urlEqualTo("/api/v1/public/message"))
                .withRequestBody(equalToJson("{\"country_code\":\"+44\",\"phone_number\":\"7911123456\"}", true, true)));
    }

    @Test
    void limeChat_triggersTheFlow_withTheEventName_andFlatData() {
        ProviderStubs.of(BuiltIn.LIMECHAT).stubFor(post(urlEqualTo("/api/v1/cvf-events")).willReturn(aResponse().withStatus(200).withBody("{\"status\":\"ok\"}")));

        DeliveryOutcome outcome = send(message(BuiltIn.LIMECHAT), credentials(BuiltIn.LIMECHAT));

        assertEquals(new Sent(null, 200), outcome);
        ProviderStubs.of(BuiltIn.LIMECHAT).verify(1, postRequestedFor(urlEqualTo("/api/v1/cvf-events"))
                .withHeader("x-limechat-uat", equalTo("lc-token-0001"))
                .withHeader("x-fb-account-id", equalTo("lc-account"))
                .withRequestBody(equalToJson("""
                        {"distinct_id":"919876543210","phone":"919876543210","event":"walletreward_create",
                         "data":{"user_name":"Riya","amount":100,"wallet_balance":250.5}}""")));
    }

    @Test
    void limeChat_refusesAnEventNameWithSpaces_withoutACall() {
        var spaced = new OutboundMessage("dlv_x", "m", BuiltIn.LIMECHAT, new Recipient(CommonProperty.MOBILE, MOBILE), null, null,
                "wallet reward", List.of(), Map.of());

        assertEquals(Rejected.beforeCall("event_name_invalid"), send(spaced, credentials(BuiltIn.LIMECHAT)));
        assertTrue(ProviderStubs.requests(BuiltIn.LIMECHAT).isEmpty());
    }

    @Test
    void bitespeed_sendsTheAssumedTemplateRequest() {
        ProviderStubs.of(BuiltIn.BITESPEED).stubFor(post(urlEqualTo(BiteSpeedContract.PATH))
                .willReturn(aResponse().withStatus(200).withBody("{\"messageId\":\"bs-1\"}")));

        DeliveryOutcome outcome = send(message(BuiltIn.BITESPEED), credentials(BuiltIn.BITESPEED));

        assertEquals(new Sent("bs-1", 200), outcome);
        ProviderStubs.of(BuiltIn.BITESPEED).verify(1, postRequestedFor(urlEqualTo(BiteSpeedContract.PATH))
                .withHeader(BiteSpeedContract.CHANNEL_HEADER, equalTo("bs-channel"))
                .withHeader(BiteSpeedContract.USER_HEADER, equalTo("bs-user"))
                .withRequestBody(equalToJson("""
                        {"phone":"+919876543210","templateId":"wallet_reward","language":"en","variables":["Riya","100"]}""")));
    }

    @Test
    void wigzo_identifiesByEmail_thenSendsTheEvent_andDoesNotIdentifyTheSameRecipientAgain() {
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/event")).willReturn(aResponse().withStatus(200).withBody("{}")));
        var message = withRecipient(message(BuiltIn.WIGZO), new Recipient(CommonProperty.EMAIL, "wigzo-" + UUID.randomUUID() + "@example.com"));

        assertInstanceOf(Sent.class, send(message, credentials(BuiltIn.WIGZO)));
        assertInstanceOf(Sent.class, send(message, credentials(BuiltIn.WIGZO)));

        var wigzo = ProviderStubs.of(BuiltIn.WIGZO);
        String userId = dev.loyaltyrelay.provider.wigzo.WigzoAdapterAccess.userId("merchant-1", message.recipient().address());
        wigzo.verify(1, postRequestedFor(urlPathEqualTo("/rest/v1/learn/identify"))
                .withQueryParam("org_token", equalTo("wz-org"))
                .withQueryParam("token", equalTo("wz-token-0001"))
                .withRequestBody(equalToJson("{\"userId\":\"" + userId + "\",\"email\":\"" + message.recipient().address() + "\"}")));
        wigzo.verify(2, postRequestedFor(urlPathEqualTo("/rest/v1/learn/event"))
                .withQueryParam("org_token", equalTo("wz-org"))
                .withQueryParam("token", equalTo("wz-token-0001"))
                .withRequestBody(equalToJson("""
                        {"eventName":"wallet_coins_rewarded","eventCategory":"EXTERNAL",
                         "eventval":{"user_name":"Riya","amount":100,"wallet_balance":250.5},"userId":"%s"}""".formatted(userId))));
        assertTrue(userId.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), userId);
    }

    @Test
    void wigzo_whoseIdentifyIsRefused_sendsNoEvent() {
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(401)));
        var message = withRecipient(message(BuiltIn.WIGZO), new Recipient(CommonProperty.EMAIL, "refused-" + UUID.randomUUID() + "@example.com"));

        assertEquals(new Rejected(Rejected.CREDENTIALS_REFUSED, true, 401), send(message, credentials(BuiltIn.WIGZO)));
        ProviderStubs.of(BuiltIn.WIGZO).verify(0, postRequestedFor(urlPathEqualTo("/rest/v1/learn/event")));
    }

    /**
     * README's table of Meta codes (under *Classifies*), row for row: code, class, effect, reason.
     * {@link #readmesMetaTable_isThisTable} holds the README to it, {@link #theTable_coversEveryCodeTheClassifierKnows} the code.
     */
    static final List<MetaRow> META_TABLE = List.of(
            new MetaRow(130429, "retry", "none", "meta_130429"),
            new MetaRow(131056, "retry", "none", "meta_131056"),
            new MetaRow(80007, "retry", "none", "meta_80007"),
            new MetaRow(132015, "retry", "none", "meta_132015"),
            new MetaRow(131048, "retry", "none", "meta_131048"),
            new MetaRow(131000, "retry", "none", "meta_131000"),
            new MetaRow(131016, "retry", "none", "meta_131016"),
            new MetaRow(131049, "retry after 24 h or more", "none", "meta_131049"),
            new MetaRow(131026, "permanent", "none", "meta_131026"),
            new MetaRow(131047, "permanent", "none", "meta_131047"),
            new MetaRow(131051, "permanent", "none", "meta_131051"),
            new MetaRow(132000, "permanent", "none", "meta_132000"),
            new MetaRow(132001, "permanent", "none", "meta_132001"),
            new MetaRow(132005, "permanent", "none", "meta_132005"),
            new MetaRow(132016, "permanent", "flag mapping", "meta_132016"),
            new MetaRow(132007, "permanent", "flag mapping", "meta_132007"),
            new MetaRow(132012, "permanent", "flag mapping", "meta_132012"),
            new MetaRow(131008, "permanent", "flag mapping", "meta_131008"),
            new MetaRow(131009, "permanent", "flag mapping", "meta_131009"),
            new MetaRow(190, "permanent", "flag integration", "meta_190"),
            new MetaRow(10, "permanent", "flag integration", "meta_10"),
            new MetaRow(200, "permanent", "flag integration", "meta_200"),
            new MetaRow(131031, "permanent", "flag integration", "meta_131031"),
            new MetaRow(133010, "permanent", "flag integration", "meta_133010"),
            new MetaRow(368, "permanent", "flag integration", "meta_368"),
            new MetaRow(131042, "permanent", "flag integration", "meta_131042"),
            new MetaRow(131050, "opt-out", "none (records the opt-out)", "recipient_opted_out"));

    /** One row of README's table of Meta codes, and the outcome a 400 carrying the code in Meta's {@code error.code} gives. */
    record MetaRow(int code, String kind, String effect, String reason) {
        DeliveryOutcome expectedOn400() {
            if (kind.startsWith("retry")) {
                return new RetryLater(reason, code == 131049 ? Optional.of(Duration.ofHours(24)) : Optional.empty(), true, 400);
            }
            Rejected.Needs needs = switch (effect) {
                case "flag mapping" -> Rejected.Needs.MAPPING;
                case "flag integration" -> Rejected.Needs.INTEGRATION;
                default -> Rejected.Needs.NOTHING;
            };
            return new Rejected(reason, true, 400, needs);
        }

        @Override
        public String toString() {
            return "Meta " + code;
        }
    }

    static Stream<Arguments> everyProviderAndMetaCode() {
        List<Arguments> cases = new ArrayList<>();
        for (Provider provider : BuiltIn.ALL) {
            for (MetaRow row : META_TABLE) {
                cases.add(Arguments.of(provider, row));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyProviderAndMetaCode")
    void everyMetaCodeInReadmesTable_isClassifiedAsItsRowSays(Provider provider, MetaRow row) {
        ProviderStubs.of(provider).stubFor(post(urlPathEqualTo(sendPath(provider))).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"code\":" + row.code() + ",\"message\":\"Meta said no\"}}")));

        assertEquals(row.expectedOn400(), send(messageTo(provider), credentials(provider)));
    }

    @Test
    void theTable_coversEveryCodeTheClassifierKnows() {
        assertEquals(MetaErrorCodes.rows().map(MetaErrorCodes.Row::code).collect(java.util.stream.Collectors.toSet()),
                META_TABLE.stream().map(MetaRow::code).collect(java.util.stream.Collectors.toSet()));
        assertEquals(META_TABLE.size(), MetaErrorCodes.rows().count());
    }

    @Test
    void readmesMetaTable_isThisTable() throws java.io.IOException {
        List<MetaRow> readme = new ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("README.md"))) {
            var cells = line.split("\\|");
            if (cells.length >= 5 && cells[1].trim().matches("`\\d+`")) {
                readme.add(new MetaRow(Integer.parseInt(cells[1].trim().replace("`", "")), cells[2].trim(), cells[3].trim(),
                        cells[4].trim().replace("`", "")));
            }
        }
        assertEquals(META_TABLE, readme);
    }

    static List<Scenario> wrappedCodes() {
        return List.of(
                new Scenario("error.whatsappApiError.code", aResponse().withStatus(400).withBody(
                        "{\"success\":false,\"error\":{\"message\":\"send failed\",\"whatsappApiError\":{\"code\":132016,\"message\":\"paused\"}}}"),
                        new Rejected("meta_132016", true, 400, Rejected.Needs.MAPPING)),
                new Scenario("data.whatsappApiError.code", aResponse().withStatus(422).withBody(
                        "{\"status\":\"failed\",\"data\":{\"whatsappApiError\":{\"code\":\"190\"}}}"),
                        new Rejected("meta_190", true, 422, Rejected.Needs.INTEGRATION)),
                new Scenario("whatsappApiError.code", aResponse().withStatus(400).withBody("{\"whatsappApiError\":{\"code\":131008}}"),
                        new Rejected("meta_131008", true, 400, Rejected.Needs.MAPPING)),
                new Scenario("data.error.code", aResponse().withStatus(400).withBody("{\"data\":{\"error\":{\"code\":131031}}}"),
                        new Rejected("meta_131031", true, 400, Rejected.Needs.INTEGRATION)),
                new Scenario("response.error.code", aResponse().withStatus(400).withBody("{\"response\":{\"error\":{\"code\":131048}}}"),
                        new RetryLater("meta_131048", Optional.empty(), true, 400)),
                new Scenario("error.metaError.code", aResponse().withStatus(400).withBody("{\"error\":{\"metaError\":{\"code\":368}}}"),
                        new Rejected("meta_368", true, 400, Rejected.Needs.INTEGRATION)),
                new Scenario("data.whatsapp_error.code", aResponse().withStatus(400).withBody("{\"data\":{\"whatsapp_error\":{\"code\":131009}}}"),
                        new Rejected("meta_131009", true, 400, Rejected.Needs.MAPPING)),
                new Scenario("(#10) in the wrapped message", aResponse().withStatus(400).withBody(
                        "{\"error\":{\"whatsappApiError\":{\"message\":\"(#10) Application does not have permission for this action\"}}}"),
                        new Rejected("meta_10", true, 400, Rejected.Needs.INTEGRATION)),
                new Scenario("a provider's own top-level code 200 is not Meta's", aResponse().withStatus(400).withBody(
                        "{\"code\":200,\"message\":\"invalid template\"}"), new Rejected("http_400", true, 400)),
                new Scenario("a provider's own top-level error_code 10 is not Meta's", aResponse().withStatus(400).withBody(
                        "{\"error_code\":10}"), new Rejected("http_400", true, 400)),
                new Scenario("Meta's short Graph code in Meta's own place counts", aResponse().withStatus(401).withBody(
                        "{\"error\":{\"code\":190,\"type\":\"OAuthException\"}}"), new Rejected("meta_190", true, 401, Rejected.Needs.INTEGRATION)),
                new Scenario("131049 on a 400 waits a day, whatever Retry-After says", aResponse().withStatus(400).withHeader("Retry-After", "60")
                        .withBody("{\"error\":{\"code\":131049}}"), new RetryLater("meta_131049", Optional.of(Duration.ofHours(24)), true, 400)),
                new Scenario("131049 with a Retry-After longer than a day keeps it", aResponse().withStatus(400).withHeader("Retry-After", "172800")
                        .withBody("{\"error\":{\"code\":131049}}"), new RetryLater("meta_131049", Optional.of(Duration.ofHours(48)), true, 400)),
                new Scenario("131049 on a 500 waits a day", aResponse().withStatus(500).withBody("{\"error\":{\"code\":131049}}"),
                        new RetryLater("meta_131049", Optional.of(Duration.ofHours(24)), true, 500)),
                new Scenario("132016 on a 500 is still the mapping's", aResponse().withStatus(500).withBody("{\"error\":{\"code\":132016}}"),
                        new Rejected("meta_132016", true, 500, Rejected.Needs.MAPPING)));
    }

    static Stream<Arguments> everyProviderAndWrapping() {
        List<Arguments> cases = new ArrayList<>();
        for (Provider provider : BuiltIn.ALL) {
            for (Scenario scenario : wrappedCodes()) {
                cases.add(Arguments.of(provider, scenario));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyProviderAndWrapping")
    void aMetaCodeWrappedByTheProvider_isFound(Provider provider, Scenario scenario) {
        ProviderStubs.of(provider).stubFor(post(urlPathEqualTo(sendPath(provider))).willReturn(scenario.answer()));

        assertEquals(scenario.expected(), send(messageTo(provider), credentials(provider)));
    }

    /** The provider's message; Wigzo's to a recipient of its own, so its identify (made once a recipient) runs every time. */
    private static OutboundMessage messageTo(Provider provider) {
        return BuiltIn.WIGZO.equals(provider)
                ? withRecipient(message(provider), new Recipient(CommonProperty.EMAIL, "meta-" + UUID.randomUUID() + "@example.com"))
                : message(provider);
    }

    /** One answer and the outcome it must give, for every provider. */
    record Scenario(String name, ResponseDefinitionBuilder answer, DeliveryOutcome expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Scenario> scenarios() {
        return List.of(
                new Scenario("200", aResponse().withStatus(200).withBody("{\"messageId\":\"m-200\",\"id\":\"m-200\",\"message_id\":\"m-200\"}"),
                        new Sent("m-200", 200)),
                new Scenario("202 empty body", aResponse().withStatus(202), new Sent(null, 202)),
                new Scenario("200 not JSON", aResponse().withStatus(200).withBody("<html>ok</html>"), new Sent(null, 200)),
                new Scenario("400", aResponse().withStatus(400).withBody("{\"message\":\"bad template args\"}"), new Rejected("http_400", true, 400)),
                new Scenario("401", aResponse().withStatus(401), new Rejected("credentials_refused", true, 401)),
                new Scenario("403", aResponse().withStatus(403), new Rejected("credentials_refused", true, 403)),
                new Scenario("404", aResponse().withStatus(404), new Rejected("http_404", true, 404)),
                new Scenario("409", aResponse().withStatus(409).withBody("{\"message\":\"conflict\"}"), new Rejected("http_409", true, 409)),
                new Scenario("422", aResponse().withStatus(422), new Rejected("http_422", true, 422)),
                new Scenario("429 without Retry-After", aResponse().withStatus(429), new RetryLater("http_429", Optional.empty(), true, 429)),
                new Scenario("429 with Retry-After", aResponse().withStatus(429).withHeader("Retry-After", "120"),
                        new RetryLater("http_429", Optional.of(Duration.ofSeconds(120)), true, 429)),
                new Scenario("500", aResponse().withStatus(500), new RetryLater("http_500", Optional.empty(), true, 500)),
                new Scenario("503 with Retry-After", aResponse().withStatus(503).withHeader("Retry-After", "30"),
                        new RetryLater("http_503", Optional.of(Duration.ofSeconds(30)), true, 503)),
                new Scenario("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), new Unknown("response_lost")),
                new Scenario("malformed response", aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK), new Unknown("response_lost")),
                new Scenario("Meta 131047 re-engagement window", aResponse().withStatus(400)
                        .withBody("{\"error\":{\"code\":131047,\"message\":\"Re-engagement message\"}}"), new Rejected("meta_131047", true, 400)),
                new Scenario("Meta 132001 template missing", aResponse().withStatus(404)
                        .withBody("{\"errors\":[{\"code\":132001,\"title\":\"Template name does not exist\"}]}"), new Rejected("meta_132001", true, 404)),
                new Scenario("Meta 131026 undeliverable in a 200-less 400", aResponse().withStatus(400)
                        .withBody("{\"error_code\":\"131026\"}"), new Rejected("meta_131026", true, 400)),
                new Scenario("Meta 130429 rate limit on a 400", aResponse().withStatus(400)
                        .withBody("{\"error\":{\"code\":130429}}").withHeader("Retry-After", "60"),
                        new RetryLater("meta_130429", Optional.of(Duration.ofSeconds(60)), true, 400)),
                new Scenario("Meta 131056 pair rate limit", aResponse().withStatus(400).withBody("{\"error\":{\"code\":131056}}"),
                        new RetryLater("meta_131056", Optional.empty(), true, 400)),
                new Scenario("Meta 132015 template paused on a 500", aResponse().withStatus(500).withBody("{\"error\":{\"code\":132015}}"),
                        new RetryLater("meta_132015", Optional.empty(), true, 500)),
                new Scenario("Meta 131050 the recipient stopped marketing messages", aResponse().withStatus(400)
                        .withBody("{\"error\":{\"code\":131050,\"message\":\"Unable to deliver message\"}}"),
                        new Rejected("recipient_opted_out", true, 400)),
                new Scenario("Meta 131050 written in a wrapped message", aResponse().withStatus(400)
                        .withBody("{\"status\":\"failed\",\"message\":\"(#131050) Unable to deliver message: user stopped marketing messages\"}"),
                        new Rejected("recipient_opted_out", true, 400)));
    }

    static Stream<Arguments> everyProviderAndScenario() {
        List<Arguments> cases = new ArrayList<>();
        for (Provider provider : BuiltIn.ALL) {
            for (Scenario scenario : scenarios()) {
                cases.add(Arguments.of(provider, scenario));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyProviderAndScenario")
    void everyAnswerIsClassified(Provider provider, Scenario scenario) {
        ProviderStubs.of(provider).stubFor(post(urlPathEqualTo(sendPath(provider))).willReturn(scenario.answer()));
        var message = BuiltIn.WIGZO.equals(provider)
                ? withRecipient(message(provider), new Recipient(CommonProperty.EMAIL, "matrix-" + UUID.randomUUID() + "@example.com"))
                : message(provider);

        DeliveryOutcome outcome = send(message, credentials(provider));

        assertEquals(scenario.expected(), outcome);
        assertFalse(ProviderStubs.requests(provider).isEmpty(), "the provider was called");
    }

    @Test
    void aRepeatedServerErrorOpensTheBreakerOfThatIntegrationOnly() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(503)));
        IntegrationKey failing = new IntegrationKey("merchant-a", UUID.randomUUID().toString());
        for (int i = 0; i < 8; i++) {
            assertEquals("http_503", gateway.send(failing, message(BuiltIn.ZOKO), credentials(BuiltIn.ZOKO)).reason());
        }
        int callsBefore = ProviderStubs.requests(BuiltIn.ZOKO).size();

        DeliveryOutcome whileOpen = gateway.send(failing, message(BuiltIn.ZOKO), credentials(BuiltIn.ZOKO));
        DeliveryOutcome otherIntegration = gateway.send(new IntegrationKey("merchant-b", UUID.randomUUID().toString()), message(BuiltIn.ZOKO), credentials(BuiltIn.ZOKO));

        assertEquals(RetryLater.withoutCall("circuit_open", Duration.ofSeconds(30)), whileOpen);
        assertEquals("http_503", otherIntegration.reason(), "another merchant's integration still calls the provider");
        assertEquals(callsBefore + 1, ProviderStubs.requests(BuiltIn.ZOKO).size());
    }

    @Test
    void aProviderThatCannotBeReached_isRetriedLater_asNotCalled() {
        var bitespeed = ProviderStubs.of(BuiltIn.BITESPEED);
        bitespeed.stop();
        try {
            DeliveryOutcome outcome = send(message(BuiltIn.BITESPEED), credentials(BuiltIn.BITESPEED));

            assertEquals(new RetryLater("provider_unreachable", Optional.empty(), false, 0), outcome);
        } finally {
            bitespeed.start();
        }
    }

    @Test
    void clientErrorsNeverOpenTheBreaker() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(400)));
        IntegrationKey integration = new IntegrationKey("merchant-c", UUID.randomUUID().toString());
        for (int i = 0; i < 12; i++) {
            assertEquals(new Rejected("http_400", true, 400), gateway.send(integration, message(BuiltIn.ZOKO), credentials(BuiltIn.ZOKO)));
        }
        assertEquals(12, ProviderStubs.requests(BuiltIn.ZOKO).size());
    }

    private DeliveryOutcome send(OutboundMessage message, ProviderCredentials credentials) {
        return gateway.prepareAndSend(new IntegrationKey("merchant-1", UUID.randomUUID().toString()), message, credentials);
    }

    static String sendPath(Provider provider) {
        return switch (provider.key()) {
            case "zoko" -> "/v2/message";
            case "delightchat" -> "/api/v1/public/message";
            case "limechat" -> "/api/v1/cvf-events";
            case "bitespeed" -> BiteSpeedContract.PATH;
            case "wigzo" -> "/rest/v1/learn/event";
            default -> throw new IllegalArgumentException("not a built-in provider: " + provider);
        };
    }

    static OutboundMessage message(Provider provider) {
        var forwarded = new LinkedHashMap<String, Object>();
        forwarded.put("user_name", "Riya");
        forwarded.put("amount", 100);
        forwarded.put("wallet_balance", 250.5);
        return switch (provider.key()) {
            case "zoko" -> new OutboundMessage("dlv_1", "merchant-1", provider, new Recipient(CommonProperty.MOBILE, MOBILE), "wallet_reward_v1", "en",
                    "walletreward_create", List.of("Riya", "100"), Map.of());
            case "delightchat" -> new OutboundMessage("dlv_1", "merchant-1", provider, new Recipient(CommonProperty.MOBILE, MOBILE),
                    "3f9a7c52-0d4e-4a8b-9c1e-7b2d5f6a8e01", null, "walletreward_create", List.of("Riya", "100"), Map.of());
            case "bitespeed" -> new OutboundMessage("dlv_1", "merchant-1", provider, new Recipient(CommonProperty.MOBILE, MOBILE), "wallet_reward", null,
                    "walletreward_create", List.of("Riya", "100"), Map.of());
            case "limechat" -> new OutboundMessage("dlv_1", "merchant-1", provider, new Recipient(CommonProperty.MOBILE, MOBILE), null, null,
                    "walletreward_create", List.of(), forwarded);
            case "wigzo" -> new OutboundMessage("dlv_1", "merchant-1", provider, new Recipient(CommonProperty.EMAIL, EMAIL), null, null,
                    "wallet_coins_rewarded", List.of(), forwarded);
            default -> throw new IllegalArgumentException("not a built-in provider: " + provider);
        };
    }

    static OutboundMessage withRecipient(OutboundMessage message, Recipient recipient) {
        return new OutboundMessage(message.deliveryId(), message.merchantId(), message.provider(), recipient, message.templateId(),
                message.language(), message.eventName(), message.variables(), message.forwarded());
    }

    static ProviderCredentials credentials(Provider provider) {
        return new ProviderCredentials(switch (provider.key()) {
            case "zoko" -> Map.of("apiKey", "zk-key-0001");
            case "delightchat" -> Map.of("apiKey", "dc-key-0001");
            case "bitespeed" -> Map.of("channelId", "bs-channel", "userId", "bs-user");
            case "limechat" -> Map.of("accountId", "lc-account", "accessToken", "lc-token-0001");
            case "wigzo" -> Map.of("orgToken", "wz-org", "apiToken", "wz-token-0001");
            default -> throw new IllegalArgumentException("not a built-in provider: " + provider);
        });
    }
}
