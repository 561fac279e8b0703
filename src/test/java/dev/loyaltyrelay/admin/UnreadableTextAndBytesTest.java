package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.support.DeliveryFunction;
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
import dev.loyaltyrelay.application.ingest.NectorSignature;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Found by an independent review of the reliability proof (issue 11): authentic webhooks (the merchant's own secret, a
 * fresh timestamp, the body's HMAC) whose bytes are not UTF-8, and values that read as nothing, on the real engines.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class UnreadableTextAndBytesTest {

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    private String merchantWithZokoWalletMapping() {
        clock.set(Webhooks.SIGNED_AT);
        AdminScenario.providersAccept();
        String merchant = "bytes-" + Long.toHexString(System.nanoTime() & 0xffffff);
        String key = AdminScenario.newMerchant(merchant);
        Answer integration = call("POST", merchants(merchant) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, integration.status(), integration.toString());
        assertEquals(201, call("POST", merchants(merchant) + "/integrations/" + integration.get("integrationId").asText() + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        directory.invalidateAll();
        return merchant;
    }

    /** The body's exact bytes, base64 as API Gateway hands in a binary body, signed with the merchant's secret. */
    private APIGatewayV2HTTPResponse sendBytes(String merchant, byte[] body) throws Exception {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchant);
        Webhooks.withDeliveryId(event, "nd-" + UUID.randomUUID());
        Webhooks.withHeader(event, "x-nector-timestamp", Long.toString(clock.instant().getEpochSecond()));
        Webhooks.withHeader(event, "x-nector-webhook-secret", Hashes.sha256Hex(Webhooks.DEMO_SECRET));
        Webhooks.withHeader(event, "x-nector-webhook-hmac", NectorSignature.hexHmac(Webhooks.DEMO_SECRET, body));
        event.put("body", Base64.getEncoder().encodeToString(body));
        event.put("isBase64Encoded", true);
        return ingest.handleRequest(AdminScenario.JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null);
    }

    /**
     * 180 KB of overlong UTF-8 (E0 80 80) inside one string, which Jackson's parser reads, and an "amount" that breaks
     * the schema, so the event would be held: Java decodes each sequence as three U+FFFD (9 bytes), 540 KB, over
     * DynamoDB's 400 KB item limit, and the refused item answered 500. Not UTF-8 is not JSON: 400, nothing held.
     */
    @Test
    void anAuthenticBodyThatIsNotUtf8_isRefusedAsInvalidJson_notAServerError() throws Exception {
        String merchant = merchantWithZokoWalletMapping();
        var body = new ByteArrayOutputStream();
        body.writeBytes("{\"user_mobile\":\"9876543210\",\"amount\":\"abc\",\"reason\":\"".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 60_000; i++) {
            body.write(0xE0);
            body.write(0x80);
            body.write(0x80);
        }
        body.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(body.size() < 256 * 1024, "within the body limit: " + body.size());

        APIGatewayV2HTTPResponse response = sendBytes(merchant, body.toByteArray());

        assertEquals(400, response.getStatusCode(), response.getBody());
        assertTrue(response.getBody().contains("invalid_json"), response.getBody());
        // A lone surrogate encoded in three bytes (CESU-8 style) is not UTF-8 either.
        byte[] surrogate = "{\"user_mobile\":\"9876543210\",\"amount\":100,\"user_name\":\"__\"}".getBytes(StandardCharsets.UTF_8);
        int at = new String(surrogate, StandardCharsets.UTF_8).indexOf("__");
        surrogate[at] = (byte) 0xED;
        surrogate[at + 1] = (byte) 0xA0;
        byte[] withSurrogate = new byte[surrogate.length + 1];
        System.arraycopy(surrogate, 0, withSurrogate, 0, at + 2);
        withSurrogate[at + 2] = (byte) 0x80;
        System.arraycopy(surrogate, at + 2, withSurrogate, at + 3, surrogate.length - at - 2);
        assertEquals(400, sendBytes(merchant, withSurrogate).getStatusCode());
        assertEquals(0, dev.loyaltyrelay.support.Queues.drainAllCount());
    }

    /** The same shape and size in valid UTF-8 is held (202): the size is not what is refused. */
    @Test
    void theSameBodyInValidUtf8_isHeld() throws Exception {
        String merchant = merchantWithZokoWalletMapping();
        String body = "{\"user_mobile\":\"9876543210\",\"amount\":\"abc\",\"reason\":\"" + "a".repeat(60_000) + "\",\"r2\":\""
                + "a".repeat(60_000) + "\",\"r3\":\"" + "a".repeat(60_000) + "\"}";
        APIGatewayV2HTTPResponse response = sendBytes(merchant, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(202, response.getStatusCode(), response.getBody());
    }

    // ---- rendering: README "a missing, null or blank property takes the variable's fallback" ---------------------

    /** Characters a reader sees as nothing: Unicode spaces Java's isBlank does not count, and zero-width ones. */
    static boolean readsAsNothing(String value) {
        return !value.isEmpty() && value.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT || c == 0x3164 || c == 0x2800 || c == 0x115F || c == 0x1160);
    }

    private static java.util.List<String> textValues(String json) throws Exception {
        var values = new java.util.ArrayList<String>();
        var stack = new java.util.ArrayDeque<com.fasterxml.jackson.databind.JsonNode>();
        stack.push(AdminScenario.JSON.readTree(json));
        while (!stack.isEmpty()) {
            var node = stack.pop();
            if (node.isTextual()) {
                values.add(node.asText());
            }
            node.forEach(stack::push);
        }
        return values;
    }

    private String zokoRequestAfterWebhookWithUserName(String merchant, String userName) throws Exception {
        dev.loyaltyrelay.support.ProviderStubs.of(BuiltIn.ZOKO).resetRequests();
        dev.loyaltyrelay.support.Queues.purgeAll();
        String body = "{\"user_mobile\":\"9876543210\",\"amount\":100,\"user_name\":\"" + userName + "\"}";
        APIGatewayV2HTTPResponse response = sendBytes(merchant, body.getBytes(StandardCharsets.UTF_8));
        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));
        var requests = dev.loyaltyrelay.support.ProviderStubs.requests(BuiltIn.ZOKO).stream()
                .filter(r -> r.getUrl().equals("/v2/message")).toList();
        assertEquals(1, requests.size());
        return requests.get(0).getBodyAsString();
    }

        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);

    /**
     * user_name is a no-break space (U+00A0): blank to a reader, but not to String.isBlank, so the variable is filled
     * with it instead of its fallback "there", and the customer reads "Hi  ,". The fuzz target's oracle uses the same
     * isBlank, so it cannot find this.
     */
    @Test
    void aPropertyOfANoBreakSpace_isBlank_andTakesTheFallback() throws Exception {
        String merchant = merchantWithZokoWalletMapping();
        String sent = zokoRequestAfterWebhookWithUserName(merchant, "\\u00a0");
        assertTrue(textValues(sent).stream().noneMatch(UnreadableTextAndBytesTest::readsAsNothing),
                "a template value that reads as nothing was sent: " + sent);
        assertTrue(textValues(sent).contains("there"), "the fallback was not used: " + sent);
    }

    /** The same with a zero-width space (U+200B). */
    @Test
    void aPropertyOfAZeroWidthSpace_isBlank_andTakesTheFallback() throws Exception {
        String merchant = merchantWithZokoWalletMapping();
        String sent = zokoRequestAfterWebhookWithUserName(merchant, "\\u200b");
        assertTrue(textValues(sent).stream().noneMatch(UnreadableTextAndBytesTest::readsAsNothing),
                "a template value that reads as nothing was sent: " + sent);
    }

    /** A fallback of a no-break space (the admin API's trim keeps it) is refused, as are zero-width ones. */
    @Test
    void aFallbackThatReadsAsNothing_isRefusedByTheAdminApi() throws Exception {
        clock.set(Webhooks.SIGNED_AT);
        AdminScenario.providersAccept();
        String merchant = "nbsp-" + Long.toHexString(System.nanoTime() & 0xffffff);
        String key = AdminScenario.newMerchant(merchant);
        Answer integration = call("POST", merchants(merchant) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        Answer mapping = call("POST", merchants(merchant) + "/integrations/" + integration.get("integrationId").asText() + "/mappings", key,
                object("mappingId", "wallet", "topic", "walletreward_create", "templateId", "wallet_reward_v1", "language", "en",
                        "variables", java.util.List.of(object("property", "user_name", "fallback", "\u00a0"), object("property", "amount"))));
        assertEquals(400, mapping.status(), mapping.toString());
        assertTrue(mapping.toString().contains("fallback"), mapping.toString());
        for (String invisible : java.util.List.of("\u200b", "\u2800", "\u00a0\u200d\ufeff")) {
            Answer refused = call("POST", merchants(merchant) + "/integrations/" + integration.get("integrationId").asText() + "/mappings", key,
                    object("mappingId", "wallet", "topic", "walletreward_create", "templateId", "wallet_reward_v1", "language", "en",
                            "variables", java.util.List.of(object("property", "user_name", "fallback", invisible))));
            assertEquals(400, refused.status(), refused.toString());
        }
    }
}
