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
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.NectorSignature;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 11, item 2: a hostile corpus of webhook and admin requests, generated and hand-written. Every one gets a 4xx
 * or its documented 2xx, none a 5xx, none enqueues a job, and none changes another merchant's data. An attacker
 * merchant (its own secret and key, no mappings, body signatures enforced) sends them, against its own endpoints and
 * against a victim merchant's; the counts are printed.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class HostileInputTest {

    @Inject
    IngestHandler ingest;
        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    /**
     * One hostile request: what it is, what it got, and which answers its kind may document. A webhook's answer is
     * exact (README documents each: an empty set means some 4xx, otherwise one of the set); an admin request may
     * be refused with any 4xx where a 2xx is documented, since the API refuses a route it cannot serve.
     */
    record Outcome(String family, String name, int status, Set<Integer> documented, boolean exact) {
        boolean acceptable() {
            boolean refused = status >= 400 && status < 500;
            if (exact) {
                return documented.isEmpty() ? refused : documented.contains(status);
            }
            return refused || documented.contains(status);
        }
    }

    private final List<Outcome> outcomes = new ArrayList<>();
    private String attacker;
    private String attackerSecret;
    private String attackerKey;
    private String victim;
    private String victimKey;
    private final Map<String, String> victimIds = new LinkedHashMap<>();
    private int sequence;

    @Test
    void everyHostileRequest_isRefusedOrAnsweredAsDocumented_andNeitherQueuesNorTouchesAnotherMerchant() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        AdminScenario.providersAccept();
        setUpVictim();
        setUpAttacker();
        Queues.purgeAll();
        Map<String, String> victimBefore = snapshot(victim);

        List<String> logLines = AdminScenario.logLinesDuring(() -> {
            webhookCorpus();
            adminCorpus();
        });

        Map<String, String> victimAfter = snapshot(victim);
        var counts = new TreeMap<String, Integer>();
        outcomes.forEach(outcome -> counts.merge(outcome.family() + " " + outcome.status(), 1, Integer::sum));
        System.out.println("\n==== hostile corpus: " + outcomes.size() + " requests ====");
        counts.forEach((key, count) -> System.out.printf("%-60s %d%n", key, count));
        List<String> wrong = outcomes.stream().filter(outcome -> !outcome.acceptable())
                .map(outcome -> outcome.family() + " / " + outcome.name() + " -> " + outcome.status()).toList();
        System.out.println("unacceptable answers: " + wrong.size());
        outcomes.stream().filter(outcome -> outcome.status() < 300).forEach(outcome -> System.out.println("  2xx: " + outcome.family() + " / "
                + outcome.name() + " -> " + outcome.status()));

        assertTrue(outcomes.size() >= 300, "the corpus has " + outcomes.size() + " requests");
        assertTrue(wrong.isEmpty(), wrong.size() + " requests got a 5xx or an undocumented 2xx: " + wrong);
        assertEquals(0, queued(), "a hostile request queued a job");
        assertEquals(victimBefore, victimAfter, "a hostile request changed the victim merchant's data");
        List<String> secrets = new ArrayList<>(List.of(attackerSecret, attackerKey, victimKey, Webhooks.DEMO_SECRET, "9876543210", "98765 43210",
                "Riya@Example.com", "riya@example.com"));
        AdminScenario.CREDENTIALS.values().forEach(credentials -> secrets.addAll(credentials.values()));
        List<String> leaks = logLines.stream().filter(line -> secrets.stream().anyMatch(line::contains)).toList();
        System.out.println("log lines scanned: " + logLines.size() + ", with a secret, number or email: " + leaks.size());
        assertTrue(leaks.isEmpty(), "log lines with a secret, a number or an email: " + leaks);
    }

    // ---- the merchants -------------------------------------------------------------------------------------

    private void setUpVictim() {
        victim = "victim-" + Long.toHexString(System.nanoTime() & 0xffffff);
        victimKey = AdminScenario.newMerchant(victim);
        Answer integration = call("POST", merchants(victim) + "/integrations", victimKey,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, integration.status(), integration.toString());
        victimIds.put("integrationId", integration.get("integrationId").asText());
        assertEquals(201, call("POST", merchants(victim) + "/integrations/" + victimIds.get("integrationId") + "/mappings", victimKey,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        victimIds.put("mappingId", "wallet");
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, victim, "walletreward_create"));
        assertEquals(1, AdminScenario.deliver(BuiltIn.ZOKO, zoko));
        // Enforced once its authentic traffic matched a scheme, as a merchant can only switch it on then.
        assertEquals(200, call("PUT", merchants(victim), victimKey, object("bodySignature", "enforce")).status());
        directory.invalidateAll();
        Answer deliveries = call("GET", merchants(victim) + "/deliveries", victimKey, null);
        victimIds.put("deliveryId", deliveries.get("deliveries").get(0).get("deliveryId").asText());
        victimIds.put("secretId", call("GET", merchants(victim) + "/webhook-secrets", victimKey, null).get("webhookSecrets").get(0)
                .get("secretId").asText());
        victimIds.put("keyId", call("GET", merchants(victim) + "/admin-keys", victimKey, null).get("adminKeys").get(0).get("keyId").asText());
        victimIds.put("provider", "zoko");
        victimIds.put("merchantId", victim);
    }

    private void setUpAttacker() {
        attacker = "attacker-" + Long.toHexString(System.nanoTime() & 0xffffff);
        attackerSecret = "attacker-secret-" + Long.toHexString(System.nanoTime());
        assertEquals(201, AdminCalls.operator("PUT", merchants(attacker), object("defaultCountry", "IN", "timezone", "Asia/Kolkata",
                "bodySignature", "enforce")).status());
        assertEquals(201, AdminCalls.operator("POST", merchants(attacker) + "/webhook-secrets", object("secret", attackerSecret)).status());
        attackerKey = AdminCalls.operator("POST", merchants(attacker) + "/admin-keys", null).get("key").asText();
        directory.invalidateAll();
    }

    // ---- webhooks ------------------------------------------------------------------------------------------

    /** A well-formed authentic webhook is acknowledged and ignored: the attacker maps nothing. */
    static final Set<Integer> IGNORED = Set.of(202);
    /** Some 4xx: README's ingest table names which. */
    static final Set<Integer> REFUSED = Set.of();

    private void webhookCorpus() {
        String valid = Webhooks.load("ingest-walletreward_create.json").get("body").asText();
        // Authentic, well-formed: the baseline (202 ignored: the attacker maps nothing).
        webhook("baseline", "authentic", signed(attacker, attackerSecret, valid), IGNORED);

        // Malformed and truncated JSON, each correctly signed.
        for (int cut = 1; cut < valid.length(); cut += Math.max(1, valid.length() / 40)) {
            webhook("truncated json", "cut at " + cut, signed(attacker, attackerSecret, valid.substring(0, cut)), Set.of());
        }
        for (String malformed : List.of("", " ", "{", "}", "[]", "[{}]", "null", "true", "1", "\"text\"", "{\"a\":}", "{\"a\" 1}",
                "{'a':1}", "{\"a\":1,}", "{\"a\":1}{\"b\":2}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":0x10}", "{\"a\":01}",
                "{\"a\":\"\\uZZZZ\"}", "{\"a\":1,\"a\":2}", "\u0000", "{\"amount\":1e}", "<xml/>")) {
            webhook("malformed json", printable(malformed), signed(attacker, attackerSecret, malformed), REFUSED);
        }
        // JSON objects at the edge of well-formed: a leading byte-order mark (RFC 8259 lets a parser ignore it) and an
        // escaped lone surrogate (valid JSON text) are read, and so acknowledged.
        for (String edge : List.of("\uFEFF{}", "{\"a\":\"\\ud800\"}")) {
            webhook("malformed json", printable(edge), signed(attacker, attackerSecret, edge), IGNORED);
        }

        // Wrong content types (the body itself authentic).
        for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "", "application/json; charset=latin1", "image/png")) {
            ObjectNode event = signed(attacker, attackerSecret, valid);
            Webhooks.withHeader(event, "content-type", type);
            webhook("content type", type, event, IGNORED);
        }

        // Huge, deep and wide bodies.
        webhook("huge body", "300 KiB string", signed(attacker, attackerSecret, "{\"reason\":\"" + "x".repeat(300 * 1024) + "\"}"), Set.of());
        webhook("huge body", "2 MiB", signed(attacker, attackerSecret, "{\"reason\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}"), Set.of());
        webhook("huge body", "70 K string", signed(attacker, attackerSecret, "{\"user_name\":\"" + "y".repeat(70_000) + "\"}"), Set.of());
        for (int depth : new int[] {17, 100, 10_000, 100_000}) {
            webhook("deep body", depth + " arrays", signed(attacker, attackerSecret, "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}"), Set.of());
            webhook("deep body", depth + " objects", signed(attacker, attackerSecret,
                    "{\"a\":" + "{\"b\":".repeat(depth) + "1" + "}".repeat(depth) + "}"), Set.of());
        }
        for (int width : new int[] {1_000, 20_000}) {
            var wide = new StringBuilder("{");
            for (int i = 0; i < width; i++) {
                wide.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
            }
            // 20,000 keys outgrow the 256 KiB body limit.
            webhook("wide body", width + " keys", signed(attacker, attackerSecret, wide.append('}').toString()), width < 20_000 ? IGNORED : REFUSED);
        }
        webhook("huge body", "base64 over the limit", base64(signed(attacker, attackerSecret, "{\"r\":\"" + "z".repeat(260 * 1024) + "\"}")), Set.of());
        ObjectNode notBase64 = signed(attacker, attackerSecret, "%%% not base64 %%%");
        notBase64.put("isBase64Encoded", true);
        webhook("malformed json", "invalid base64", notBase64, Set.of());

        // Numbers out of range and with huge exponents.
        // README: at most 64 characters as written, and at most 1,000 digits written out without the exponent.
        for (String number : List.of("1e400", "1E-400", "1E999", "-0", "123456789012345678901234567890")) {
            webhook("numbers", number, signed(attacker, attackerSecret, "{\"amount\":" + number + ",\"user_mobile\":\"9876543210\"}"), IGNORED);
        }
        for (String number : List.of("1E2147483647", "-1E2147483647", "1E1000", "9".repeat(65), "0." + "0".repeat(999) + "1",
                "1" + "0".repeat(1001), "1.0E+2147483648", "1E-2147483648")) {
            webhook("numbers", number.length() > 30 ? number.substring(0, 30) + "..." : number,
                    signed(attacker, attackerSecret, "{\"amount\":" + number + ",\"user_mobile\":\"9876543210\"}"), REFUSED);
        }

        // Unicode tricks in names and template-breaking text in properties.
        for (String trick : List.of("\u202Eevil\u202C", "zero\u200Bwidth", "\uFEFFbom", "a\u0000b", "\\ud800", "\\udfff\\ud800", "\u0007bell",
                "line\nbreak", "tab\there", "{{1}}", "${jndi:ldap://example.invalid/a}", "<script>alert(1)</script>", "%s%n%x", "\\u0000",
                "'; DROP TABLE x; --", "\u0301\u0301\u0301", "\uD83D\uDE00", "x".repeat(1025), "\r\n\r\nX-Injected: 1", "../../etc/passwd",
                "\u061C\u2066\u2069", "\uFFFE\uFFFF", "null", "   ")) {
            // Written as JSON escapes where they start with one (a lone surrogate cannot be a Java string's UTF-8), else escaped.
            String name = trick.startsWith("\\u") ? trick : new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(trick));
            webhook("unicode and template text", printable(trick), signed(attacker, attackerSecret,
                    "{\"user_name\":\"" + name + "\",\"reason\":\"" + name + "\",\"amount\":100,\"user_mobile\":\"9876543210\"}"), IGNORED);
        }

        // Forged, stale and replayed signatures; another merchant's secret.
        ObjectNode forgedHmac = signed(attacker, attackerSecret, valid);
        Webhooks.withHeader(forgedHmac, "x-nector-webhook-hmac", "0".repeat(64));
        webhook("signatures", "forged hmac", forgedHmac, Set.of());
        ObjectNode otherBodyHmac = signed(attacker, attackerSecret, valid);
        Webhooks.withHeader(otherBodyHmac, "x-nector-webhook-hmac", NectorSignature.hexHmac(attackerSecret, "{}".getBytes(StandardCharsets.UTF_8)));
        webhook("signatures", "hmac of another body", otherBodyHmac, Set.of());
        for (String header : List.of("x-nector-webhook-hmac", "x-nector-webhook-secret", "x-nector-timestamp", "x-nector-topic",
                "x-nector-delivery-id")) {
            webhook("signatures", "without " + header, Webhooks.withoutHeader(signed(attacker, attackerSecret, valid), header), Set.of());
        }
        for (String secretHash : List.of("", "00", "z".repeat(64), Hashes.sha256Hex(attackerSecret).toUpperCase(),
                Hashes.sha256Hex(Webhooks.DEMO_SECRET))) {
            ObjectNode event = signed(attacker, attackerSecret, valid);
            Webhooks.withHeader(event, "x-nector-webhook-secret", secretHash);
            webhook("signatures", "secret hash " + printable(secretHash), event, secretHash.equals(Hashes.sha256Hex(attackerSecret)
                    .toUpperCase()) ? IGNORED : Set.of());
        }
        for (long skew : new long[] {-7 * 3600, 7 * 3600, -365L * 86_400, Long.MAX_VALUE / 2}) {
            ObjectNode stale = signed(attacker, attackerSecret, valid);
            Webhooks.withHeader(stale, "x-nector-timestamp", Long.toString(clock.instant().getEpochSecond() + skew));
            webhook("timestamps", "skew " + skew, stale, Set.of());
        }
        for (String timestamp : List.of("abc", "", "-1", "1e10", "99999999999999999999999", " 1")) {
            ObjectNode odd = signed(attacker, attackerSecret, valid);
            Webhooks.withHeader(odd, "x-nector-timestamp", timestamp);
            webhook("timestamps", "'" + timestamp + "'", odd, Set.of());
        }
        ObjectNode first = signed(attacker, attackerSecret, valid);
        webhook("replays", "first", first, IGNORED);
        webhook("replays", "the same again", first.deepCopy(), IGNORED);
        ObjectNode reused = signed(attacker, attackerSecret, valid.replace("Order", "Refund"));
        Webhooks.withDeliveryId(reused, Webhooks.headers(first).get("x-nector-delivery-id").asText());
        webhook("replays", "delivery id reused with another body", reused, IGNORED);
        // Into the victim's endpoint: the attacker's own secret, a guessed one, the demo one, and a copy of a victim webhook.
        webhook("another merchant", "attacker's secret at the victim's url", signed(victim, attackerSecret, valid), Set.of());
        webhook("another merchant", "guessed secret at the victim's url", signed(victim, "guess-" + attackerSecret, valid), Set.of());
        ObjectNode unsignedForVictim = signed(victim, attackerSecret, valid);
        Webhooks.withHeader(unsignedForVictim, "x-nector-webhook-secret", Hashes.sha256Hex(Webhooks.DEMO_SECRET));
        webhook("another merchant", "victim's secret hash, forged hmac", unsignedForVictim, Set.of());

        // Paths: traversal, encodings, oversized and odd ids.
        for (String merchantId : List.of("../" + victim, "..%2F" + victim, attacker + "/../" + victim, "%2e%2e", "", " ", "x".repeat(5000),
                "M#" + victim, victim + "\u0000", "attacker\nvictim", "*", "%00")) {
            webhook("paths", printable(merchantId.length() > 40 ? merchantId.substring(0, 40) + "..." : merchantId),
                    signed(merchantId, attackerSecret, valid), Set.of());
        }
        // A delivery id is printable, without spaces, and short; a '#' or a path in one is only text (keys are prefixed by
        // the merchant id, which cannot hold a '#').
        for (String deliveryId : List.of("x".repeat(10_000), "", "../../x", "a\u0000b", "\u202E", "a b", "#", "DELIVERY#x")) {
            ObjectNode event = signed(attacker, attackerSecret, valid);
            Webhooks.withDeliveryId(event, deliveryId);
            webhook("ids", printable(deliveryId.length() > 40 ? deliveryId.substring(0, 40) + "..." : deliveryId), event,
                    Set.of("../../x", "#", "DELIVERY#x").contains(deliveryId) ? IGNORED : REFUSED);
        }
        for (String topic : List.of("", "x".repeat(5000), "../walletreward_create", "walletreward_create\u0000", "WALLETREWARD_CREATE",
                "walletreward_create,coupon_create")) {
            ObjectNode event = signed(attacker, attackerSecret, valid);
            Webhooks.withHeader(event, "x-nector-topic", topic);
            // A missing topic or several in one header is refused; any other is a topic nobody maps, so ignored.
            webhook("topics", printable(topic.length() > 40 ? topic.substring(0, 40) + "..." : topic), event,
                    topic.isEmpty() || topic.contains(",") ? REFUSED : IGNORED);
        }
        ObjectNode getInstead = signed(attacker, attackerSecret, valid);
        ((ObjectNode) getInstead.get("requestContext").get("http")).put("method", "GET");
        webhook("methods", "GET", getInstead, Set.of());
    }

    private ObjectNode signed(String merchantId, String secret, String body) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        event.put("body", body);
        Webhooks.withDeliveryId(event, "hostile-" + (++sequence));
        Webhooks.withHeader(event, "x-nector-timestamp", Long.toString(clock.instant().getEpochSecond()));
        Webhooks.withHeader(event, "x-nector-webhook-secret", Hashes.sha256Hex(secret));
        Webhooks.withHeader(event, "x-nector-webhook-hmac", NectorSignature.hexHmac(secret, body.getBytes(StandardCharsets.UTF_8)));
        return event;
    }

    private static ObjectNode base64(ObjectNode event) {
        event.put("body", Base64.getEncoder().encodeToString(event.get("body").asText().getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        return event;
    }

    private void webhook(String family, String name, ObjectNode event, Set<Integer> documented) {
        int status;
        try {
            status = ingest.handleRequest(AdminScenario.JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null).getStatusCode();
        } catch (Exception escaped) {
            status = 599;
        }
        outcomes.add(new Outcome("webhook " + family, name, status, documented, true));
    }

    // ---- the admin API -------------------------------------------------------------------------------------

    static final Set<Integer> ADMIN_2XX = Set.of(200, 201, 202, 204);

    private void adminCorpus() {
        List<String[]> routes = documentedRoutes();
        // Every documented route, called on the victim: without a key, with a wrong one, with the attacker's, with a forged operator key.
        for (String[] route : routes) {
            String method = route[0];
            String path = fill(route[1], victimIds);
            Object body = method.equals("GET") || method.equals("DELETE") ? null : Map.of();
            admin("another merchant", method + " " + route[1] + " without a key", method, path, null, body, Set.of());
            admin("another merchant", method + " " + route[1] + " with a wrong key", method, path, "lr_wrong_" + attackerKey, body, Set.of());
            admin("another merchant", method + " " + route[1] + " with the attacker's key", method, path, attackerKey, body, Set.of());
            admin("another merchant", method + " " + route[1] + " with a forged operator key", method, path, "operator-" + attackerKey, body, Set.of());
        }
        // The attacker's own routes: malformed, huge, deep, unknown fields, wrong types.
        Map<String, String> ownIds = new LinkedHashMap<>(victimIds);
        ownIds.put("merchantId", attacker);
        for (String[] route : routes) {
            if (route[0].equals("GET") || route[0].equals("DELETE") || route[1].startsWith("/v1/admin/providers")) {
                continue;
            }
            String path = fill(route[1], ownIds);
            for (String body : List.of("{", "[]", "null", "\"x\"", "{\"zzz\":1}", "{\"provider\":5,\"credentials\":\"x\"}",
                    "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}", "{\"secret\":\"" + "s".repeat(300_000) + "\"}",
                    "{\"max\":1e400,\"limit\":-1}", "{\"afterMinutes\":99999999999999999999}", "{\"enabled\":\"yes\"}",
                    "{\"mappingId\":\"../../x\",\"topic\":\"walletreward_create\"}")) {
                admin("malformed body", route[0] + " " + route[1] + " " + printable(body.length() > 30 ? body.substring(0, 30) + "..." : body),
                        route[0], path, attackerKey, body, ADMIN_2XX);
            }
        }
        // Traversal and oversized ids, odd query values and cursors, wrong content types.
        for (String id : List.of("..", "../" + victim, "%2e%2e%2f" + victim, "x".repeat(3000), "a\u0000b", "\u202Eid", "*", " ")) {
            String encoded = id.replace("/", "%2F");
            admin("paths", "merchant " + printable(id.length() > 30 ? id.substring(0, 30) : id), "GET", "/v1/admin/merchants/" + encoded, attackerKey, null, Set.of());
            admin("paths", "integration " + printable(id.length() > 30 ? id.substring(0, 30) : id), "GET", merchants(attacker) + "/integrations/" + encoded,
                    attackerKey, null, Set.of());
            admin("paths", "delivery " + printable(id.length() > 30 ? id.substring(0, 30) : id), "GET", merchants(attacker) + "/deliveries/" + encoded,
                    attackerKey, null, Set.of());
        }
        admin("paths", "the victim's delivery id under the attacker", "GET", merchants(attacker) + "/deliveries/" + victimIds.get("deliveryId"),
                attackerKey, null, Set.of());
        admin("paths", "the victim's delivery id resent by the attacker", "POST", merchants(attacker) + "/deliveries/" + victimIds.get("deliveryId")
                + "/resend", attackerKey, null, Set.of());
        String victimCursor = victimCursor();
        for (Map<String, String> query : List.of(Map.of("limit", "-1"), Map.of("limit", "1e9"), Map.of("limit", "abc"), Map.of("cursor", "%%%"),
                Map.of("cursor", "eyJhIjoxfQ"), Map.of("cursor", Base64.getUrlEncoder().encodeToString(("{\"pk\":{\"S\":\"DELIVERY#"
                        + victimIds.get("deliveryId") + "\"}}").getBytes(StandardCharsets.UTF_8))), Map.of("cursor", victimCursor),
                Map.of("from", "2026-13-45"), Map.of("from", "2026-12-01", "to", "2020-01-01"), Map.of("status", "x".repeat(500)),
                Map.of("recipient", "\u0000"), Map.of("provider", "../zoko"))) {
            Answer answer = call("GET", merchants(attacker) + "/deliveries", attackerKey, null, query);
            outcomes.add(new Outcome("admin query", "deliveries " + printable(query.toString().length() > 50 ? query.toString().substring(0, 50) : query.toString()),
                    answer.status(), answer.status() == 200 && answer.get("deliveries").isEmpty() ? Set.of(200) : Set.of(), false));
        }
        for (String type : List.of("text/plain", "application/xml", "", "multipart/form-data")) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("content-type", type);
            headers.put("authorization", "Bearer " + attackerKey);
            Answer answer = AdminCalls.raw("POST", merchants(attacker) + "/integrations", headers, "{\"provider\":\"zoko\"}", Map.of());
            outcomes.add(new Outcome("admin content type", type, answer.status(), Set.of(), false));
        }
    }

    private void admin(String family, String name, String method, String path, String key, Object body, Set<Integer> documented) {
        int status;
        try {
            status = call(method, path, key, body).status();
        } catch (AssertionError notAnAnswer) {
            status = 598;
        }
        outcomes.add(new Outcome("admin " + family, name, status, documented, false));
    }

    /** A page cursor of the victim's own listing (two deliveries, one a page). */
    private String victimCursor() {
        directory.invalidateAll();
        var page = call("GET", merchants(victim) + "/deliveries", victimKey, null, Map.of("limit", "1"));
        String cursor = page.get("nextCursor").asText("");
        return cursor.isEmpty() ? "none" : cursor;
    }

    @SuppressWarnings("unchecked")
    private static List<String[]> documentedRoutes() {
        try (Reader reader = Files.newBufferedReader(Path.of("docs", "openapi.yaml"))) {
            Map<String, Object> document = new Yaml().load(reader);
            List<String[]> routes = new ArrayList<>();
            ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> {
                if (path.startsWith("/v1/admin/")) {
                    for (String method : new TreeSet<>(item.keySet())) {
                        if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
                            routes.add(new String[] {method.toUpperCase(), path});
                        }
                    }
                }
            });
            return routes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fill(String template, Map<String, String> ids) {
        String path = template;
        for (var id : ids.entrySet()) {
            path = path.replace("{" + id.getKey() + "}", id.getValue());
        }
        return path;
    }

    // ---- what must not change ------------------------------------------------------------------------------

    /** Every item of the merchant in both tables, as text (its figures, deliveries, settings, secrets, keys, integrations). */
    private static Map<String, String> snapshot(String merchantId) {
        var items = new TreeMap<String, String>();
        for (String table : List.of(LocalAws.CONFIG_TABLE, LocalAws.RECORDS_TABLE)) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                var page = LocalAws.get().dynamo.scan(r -> r.tableName(table).consistentRead(true).exclusiveStartKey(from));
                for (var item : page.items()) {
                    String text = new TreeMap<>(item).toString();
                    if (text.contains(merchantId)) {
                        items.put(table + " " + item.get("pk") + " " + item.get("sk"), text);
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        return items;
    }

    private static int queued() {
        int messages = 0;
        for (Provider provider : BuiltIn.ALL) {
            var attributes = LocalAws.get().sqs.getQueueAttributes(r -> r.queueUrl(LocalAws.get().queueUrls.get(provider)).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            messages += attributes.values().stream().mapToInt(Integer::parseInt).sum();
        }
        return messages;
    }

    private static String printable(String text) {
        var out = new StringBuilder();
        text.codePoints().limit(40).forEach(c -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.toString();
    }
}
