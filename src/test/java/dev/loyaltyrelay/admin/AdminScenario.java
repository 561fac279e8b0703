package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.provider.bitespeed.BiteSpeedContract;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.CapturedLogs;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.yaml.snakeyaml.Yaml;

/** What the guides have a merchant do, as admin API calls, and the webhooks Nector would send meanwhile. */
final class AdminScenario {

    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static final Map<Provider, Map<String, String>> CREDENTIALS = Map.of(
            BuiltIn.ZOKO, Map.of("apiKey", "zk-live-secret-key-9911"),
            BuiltIn.DELIGHTCHAT, Map.of("apiKey", "dc-live-secret-key-9922"),
            BuiltIn.BITESPEED, Map.of("channelId", "bs-channel-secret-9933", "userId", "bs-user-secret-9944"),
            BuiltIn.LIMECHAT, Map.of("accountId", "lc-account-9955", "accessToken", "lc-token-secret-9966"),
            BuiltIn.WIGZO, Map.of("orgToken", "wz-org-secret-9977", "apiToken", "wz-api-secret-9988"));

    private AdminScenario() {
    }

    static String merchants(String merchantId) {
        return "/v1/admin/merchants/" + merchantId;
    }

    /** Operator creates the merchant with the demo secret pasted and issues its admin key; returns the key. */
    static String newMerchant(String merchantId) {
        Answer created = AdminCalls.operator("PUT", merchants(merchantId), object("defaultCountry", "IN", "timezone", "Asia/Kolkata"));
        assertEquals(201, created.status(), created.toString());
        Answer secret = AdminCalls.operator("POST", merchants(merchantId) + "/webhook-secrets", object("secret", Webhooks.DEMO_SECRET));
        assertEquals(201, secret.status(), secret.toString());
        Answer key = AdminCalls.operator("POST", merchants(merchantId) + "/admin-keys", null);
        assertEquals(201, key.status(), key.toString());
        return key.get("key").asText();
    }

    static void providersAccept() {
        ProviderStubs.resetAll();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(get(urlEqualTo("/v2/account/templates")).willReturn(aResponse().withStatus(200).withBody("""
                [{"templateId":"wallet_reward_v1","templateVariableCount":2},{"templateId":"coupon_ready_v1","templateVariableCount":2},
                 {"templateId":"no_variables","templateVariableCount":0}]""")));
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-1\"}")));
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/webhook")).willReturn(aResponse().withStatus(201)
                .withBody("{\"id\":\"3c90c3cc-0d44-4b50-8888-8dd25736052a\",\"events\":[\"message:delivery:update\",\"message:user:in\"]}")));
        ProviderStubs.of(BuiltIn.DELIGHTCHAT).stubFor(post(urlEqualTo("/api/v1/public/message")).willReturn(aResponse().withStatus(200).withBody("{\"id\":\"dc-1\"}")));
        ProviderStubs.of(BuiltIn.BITESPEED).stubFor(post(urlEqualTo(BiteSpeedContract.PATH)).willReturn(aResponse().withStatus(200).withBody("{\"messageId\":\"bs-1\"}")));
        ProviderStubs.of(BuiltIn.LIMECHAT).stubFor(post(urlEqualTo("/api/v1/cvf-events")).willReturn(aResponse().withStatus(200).withBody("{}")));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200)));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/event")).willReturn(aResponse().withStatus(200)));
    }

    /** "Create an Event" as each guide describes it for wallet coins rewarded. */
    static Map<String, Object> walletMapping(Provider provider) {
        List<Map<String, Object>> variables = List.of(object("property", "user_name", "fallback", "there"), object("property", "amount"));
        return switch (provider.key()) {
            case "zoko" -> object("mappingId", "wallet", "topic", "walletreward_create", "templateId", "wallet_reward_v1", "language", "en",
                    "variables", variables);
            case "delightchat" -> object("mappingId", "wallet", "topic", "walletreward_create", "templateId", "3f9a7c52-0d4e-4a8b-9c1e-7b2d5f6a8e01",
                    "variables", variables);
            case "bitespeed" -> object("mappingId", "wallet", "topic", "walletreward_create", "templateId", "wallet_reward", "variables", variables);
            case "limechat" -> object("mappingId", "wallet", "topic", "walletreward_create");
            case "wigzo" -> object("mappingId", "wallet", "topic", "walletreward_create", "eventName", "wallet_coins_rewarded");
            default -> throw new IllegalArgumentException("not a built-in provider: " + provider);
        };
    }

    /** Nector's webhook of {@code topic} for the merchant (the wallet sample, re-signed when the topic differs). */
    static int webhook(IngestHandler ingest, String merchantId, String topic) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        Webhooks.withDeliveryId(event, "nd-" + UUID.randomUUID());
        if (!topic.equals("walletreward_create")) {
            Webhooks.withHeader(event, "x-nector-topic", topic);
        }
        try {
            var response = ingest.handleRequest(JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null);
            return response.getStatusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Drains a provider's queue through its delivery function. */
    static int deliver(Provider provider, com.amazonaws.services.lambda.runtime.RequestHandler<
            com.amazonaws.services.lambda.runtime.events.SQSEvent, com.amazonaws.services.lambda.runtime.events.SQSBatchResponse> function) {
        return new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(provider)).drain(event -> function.handleRequest(event, null));
    }

    /** Every log record written while {@code action} runs, as its message followed by its parameters. */
    static List<String> logLinesDuring(Runnable action) {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CapturedLogs.during(action, entry -> lines.add(entry.getMessage() + " " + Arrays.toString(entry.getParameters())));
        return List.copyOf(lines);
    }

    /** What is wrong with {@code body} as an instance of {@code docs/openapi.yaml}'s schema {@code name}; empty when it conforms. */
    static List<String> violationsOf(String name, JsonNode body) {
        try (var reader = Files.newBufferedReader(Path.of("docs/openapi.yaml"))) {
            ObjectNode document = JSON.valueToTree(new Yaml().load(reader));
            document.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            document.put("$ref", "#/components/schemas/" + name);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(document).validate(body).stream()
                    .map(ValidationMessage::getMessage).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fresh() {
        return TestMerchants.freshId();
    }

}
