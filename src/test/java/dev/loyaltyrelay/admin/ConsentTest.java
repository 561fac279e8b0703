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
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.figures.FiguresHandler;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.observability.EmfMetrics;
import dev.loyaltyrelay.provider.bitespeed.BiteSpeedContract;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.FiguresStream;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Consent (issue 13) through the admin function and every provider's delivery function, on DynamoDB Local, the SQS
 * server and WireMock in each provider's wire format: an opted-out recipient gets no request at all, a provider's
 * opt-out answer (Meta 131050) opts them out by itself, opting back in sends again, a bulk opt-out of 10,000 is one call,
 * and an opt-out outlives the customer's erasure. No address appears in an answer or a log line.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ConsentTest {

    static final String MOBILE_DIGITS = "9876543210";
    static final String EMAIL = "riya@example.com";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    FiguresHandler figuresProjection;
    @Inject
    EmfMetrics metrics;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    /** Initialize + Create an Event for one provider; returns the integration id. */
    static String connect(String merchantId, String key, Provider provider) {
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", provider.key(), "credentials", AdminScenario.CREDENTIALS.get(provider)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        Answer mapped = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key, AdminScenario.walletMapping(provider));
        assertEquals(201, mapped.status(), mapped.toString());
        return integrationId;
    }

    static int deliver(Provider provider) {
        return AdminScenario.deliver(provider, DeliveryFunction.of(provider));
    }

    /** The provider requests logged since the last reset (a credentials check and test sends included). */
    static int requests(Provider provider) {
        return ProviderStubs.requests(provider).size();
    }

    static void forgetRequests() {
        BuiltIn.ALL.forEach(provider -> ProviderStubs.of(provider).resetRequests());
    }

    static Answer optOut(String merchantId, String key, String channel, String field, String address) {
        return call("POST", merchants(merchantId) + "/consent/opt-out", key, object("channel", channel, field, address));
    }

    static JsonNode channel(Answer view, String channel) {
        for (JsonNode entry : view.get("channels")) {
            if (entry.get("channel").asText().equals(channel)) {
                return entry;
            }
        }
        throw new AssertionError("no " + channel + " in " + view);
    }

    @Test
    void anOptedOutRecipient_getsNothingOnAnyProvider_noRequestAtAll_andEachDeliveryIsSuppressedOptedOut_listedAndCounted() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        BuiltIn.ALL.forEach(provider -> connect(merchantId, key, provider));
        long countedBefore = BuiltIn.ALL.stream().mapToLong(p -> metrics.total("DeliveryOutcome",
                Map.of("provider", p.key(), "status", "SUPPRESSED", "reason", "opted_out"))).sum();
        List<String> logs = new ArrayList<>();
        List<Answer> answers = new ArrayList<>();

        logs.addAll(AdminScenario.logLinesDuring(() -> {
            answers.add(optOut(merchantId, key, "whatsapp", "mobile", "+91 98765 43210"));
            answers.add(optOut(merchantId, key, "EMAIL", "email", "Riya@Example.com"));
            assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
            forgetRequests();
            BuiltIn.ALL.forEach(provider -> assertEquals(1, deliver(provider), provider.key()));
        }));

        answers.forEach(answer -> assertEquals(200, answer.status(), answer.toString()));
        assertTrue(channel(answers.get(0), "WHATSAPP").get("optedOut").asBoolean(), answers.get(0).toString());
        assertFalse(channel(answers.get(0), "SMS").get("optedOut").asBoolean(), "only the channel asked for");
        assertEquals("merchant", channel(answers.get(1), "EMAIL").get("source").asText());
        for (Provider provider : BuiltIn.ALL) {
            assertEquals(0, requests(provider), provider.key() + " got a request (Wigzo: not even its identify)");
        }
        Answer suppressed = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "suppressed"));
        assertEquals(5, suppressed.get("deliveries").size(), suppressed.toString());
        assertEquals(5, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("reason", "opted_out")).get("deliveries").size(),
                "the listing filters by reason");
        assertEquals(0, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("reason", "recipient_erased")).get("deliveries").size());
        suppressed.get("deliveries").forEach(d -> assertEquals("opted_out", d.get("reason").asText(), d.toString()));
        long countedAfter = BuiltIn.ALL.stream().mapToLong(p -> metrics.total("DeliveryOutcome",
                Map.of("provider", p.key(), "status", "SUPPRESSED", "reason", "opted_out"))).sum();
        assertEquals(5, countedAfter - countedBefore, "each suppression counted in the metrics");
        FiguresStream.project(figuresProjection);
        Answer figures = call("GET", merchants(merchantId) + "/figures", key, null, Map.of("from", "2026-11-01", "to", "2026-11-30"));
        assertEquals(5, figures.get("totals").get("suppressed").asLong(), figures.toString());
        assertEquals(5, figures.get("byReason").get("suppressed:opted_out").asLong(), figures.toString());
        noAddressIn(logs, answers);
    }

    @Test
    void aTestSend_toAnOptedOutCustomer_isNotSent_andSaysARealEventWouldBeSuppressedAndWhy() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String zoko = connect(merchantId, key, BuiltIn.ZOKO);
        String wigzo = connect(merchantId, key, BuiltIn.WIGZO);
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "lead_create"), "a lead event teaches the store's customer");
        Answer before = call("POST", merchants(merchantId) + "/integrations/" + zoko + "/mappings/wallet/test", key, object("mobile", MOBILE_DIGITS));
        assertEquals("send", before.get("realEvent").get("status").asText(), before.toString());
        optOut(merchantId, key, "EMAIL", "email", EMAIL);
        forgetRequests();

        Answer tested = call("POST", merchants(merchantId) + "/integrations/" + wigzo + "/mappings/wallet/test", key, object("email", EMAIL));

        assertEquals(200, tested.status(), tested.toString());
        assertEquals("suppressed", tested.get("realEvent").get("status").asText(), tested.toString());
        assertEquals("opted_out", tested.get("realEvent").get("reason").asText());
        assertEquals("suppressed", tested.get("outcome").get("status").asText());
        assertEquals(0, requests(BuiltIn.WIGZO), "no test message, no identify");
        assertEquals(List.of(), AdminScenario.violationsOf("TestResult", tested.body()));
        assertFalse(tested.body().toString().contains(EMAIL));
    }

    /** Meta's 131050 as each WhatsApp provider is taken to pass it on (none publishes its error bodies: ProviderResponses). */
    static Stream<Arguments> whatsAppProvidersAndTheirOptOutAnswers() {
        return Stream.of(
                Arguments.of(BuiltIn.ZOKO, "/v2/message", "{\"error\":{\"code\":131050,\"message\":\"Unable to deliver message\"}}"),
                Arguments.of(BuiltIn.DELIGHTCHAT, "/api/v1/public/message", "{\"errors\":[{\"code\":131050,\"title\":\"User stopped marketing\"}]}"),
                Arguments.of(BuiltIn.BITESPEED, BiteSpeedContract.PATH, "{\"error_code\":\"131050\"}"),
                Arguments.of(BuiltIn.LIMECHAT, "/api/v1/cvf-events", "{\"message\":\"(#131050) Unable to deliver message\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("whatsAppProvidersAndTheirOptOutAnswers")
    void a131050Answer_optsTheRecipientOutOfWhatsApp_theNextMarketingDeliveryIsSuppressed_andOptingBackInSendsAgain(Provider provider, String path,
            String optOutAnswer) {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, provider);
        // Meta's 131050 says the user stopped marketing messages: the wallet topic as marketing here (it is transactional by default).
        assertEquals(200, call("PUT", merchants(merchantId) + "/topic-categories", key,
                object("overrides", Map.of("walletreward_create", "marketing"))).status());
        ProviderStubs.of(provider).stubFor(post(urlEqualTo(path)).atPriority(1).willReturn(aResponse().withStatus(400).withBody(optOutAnswer)));
        List<String> logs = new ArrayList<>();

        logs.addAll(AdminScenario.logLinesDuring(() -> {
            assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
            forgetRequests();
            deliver(provider);
        }));
        assertEquals(1, requests(provider));
        Answer rejected = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "rejected"));
        assertEquals("recipient_opted_out", rejected.get("deliveries").get(0).get("reason").asText(), rejected.toString());
        Answer looked = call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", MOBILE_DIGITS));
        assertTrue(channel(looked, "WHATSAPP").get("optedOut").asBoolean(), looked.toString());
        assertEquals("provider", channel(looked, "WHATSAPP").get("source").asText());
        assertFalse(channel(looked, "SMS").get("optedOut").asBoolean());

        AdminScenario.providersAccept();
        logs.addAll(AdminScenario.logLinesDuring(() -> {
            assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
            deliver(provider);
        }));
        assertEquals(0, requests(provider), "the next delivery is not sent");
        Answer suppressed = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "suppressed"));
        assertEquals("opted_out", suppressed.get("deliveries").get(0).get("reason").asText(), suppressed.toString());

        Answer optedIn = call("POST", merchants(merchantId) + "/consent/opt-in", key, object("channel", "WHATSAPP", "mobile", MOBILE_DIGITS));
        assertFalse(channel(optedIn, "WHATSAPP").get("optedOut").asBoolean(), optedIn.toString());
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        deliver(provider);
        assertEquals(1, requests(provider), "opted back in: sent again");
        assertEquals(1, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "sent")).get("deliveries").size());
        noAddressIn(logs, List.of(rejected, looked, suppressed, optedIn));
    }

    @Test
    void aBulkOptOutOf10000Entries_isTakenInOneCall_andReportedWithCountsAndTheRejectedRowsByLine() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        StringBuilder csv = new StringBuilder("channel,mobile\n");
        List<Integer> badLines = new ArrayList<>();
        for (int row = 0; row < 10_000; row++) {
            int line = row + 2;
            if (row % 1000 == 999) {
                csv.append("WHATSAPP,12345\n");
                badLines.add(line);
            } else if (row == 500) {
                csv.append("EMAIL,9800000500\n");
                badLines.add(line);
            } else if (row == 501) {
                csv.append("PIGEON,9800000501\n");
                badLines.add(line);
            } else if (row == 502) {
                csv.append("WHATSAPP,9800000000\n");
            } else {
                csv.append(row % 2 == 0 ? "WHATSAPP," : "\"sms\",").append(String.format("98%08d", row)).append('\n');
            }
        }
        List<String> logs = new ArrayList<>();
        Answer[] answer = new Answer[1];

        long started = System.nanoTime();
        logs.addAll(AdminScenario.logLinesDuring(() -> answer[0] = call("POST", merchants(merchantId) + "/consent/bulk", key,
                object("action", "opt_out", "csv", csv.toString()))));
        System.out.printf("CONSENT BULK 10000 rows in %d ms%n", (System.nanoTime() - started) / 1_000_000);

        Answer bulk = answer[0];
        assertEquals(200, bulk.status(), bulk.toString());
        assertEquals(List.of(), AdminScenario.violationsOf("ConsentBulkResult", bulk.body()));
        assertEquals(10_000, bulk.get("received").asInt());
        assertEquals(badLines.size(), bulk.get("rejectedCount").asInt());
        assertEquals(1, bulk.get("duplicates").asInt(), "line 504 repeats line 2");
        assertEquals(10_000 - badLines.size() - 1, bulk.get("applied").asInt());
        List<Integer> lines = new ArrayList<>();
        bulk.get("rejected").forEach(row -> lines.add(row.get("line").asInt()));
        assertEquals(badLines, lines);
        assertEquals("channel_address_mismatch", bulk.get("rejected").get(0).get("reason").asText());
        assertEquals("channel_unknown", bulk.get("rejected").get(1).get("reason").asText());
        assertEquals("mobile_invalid", bulk.get("rejected").get(2).get("reason").asText());
        assertFalse(bulk.body().toString().matches(".*\\d{8,}.*"), "no number echoed: " + bulk);
        Answer first = call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", "9800000000"));
        assertTrue(channel(first, "WHATSAPP").get("optedOut").asBoolean(), first.toString());
        Answer last = call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", "9800009997"));
        assertTrue(channel(last, "SMS").get("optedOut").asBoolean(), last.toString());
        assertFalse(channel(last, "WHATSAPP").get("optedOut").asBoolean());
        noAddressIn(logs, List.of());

        Answer json = call("POST", merchants(merchantId) + "/consent/bulk", key, object("action", "opt_in", "entries", List.of(
                object("channel", "WHATSAPP", "mobile", "9800000000"), object("channel", "WHATSAPP"),
                object("channel", "EMAIL", "email", "not-an-email"))));
        assertEquals(200, json.status(), json.toString());
        assertEquals(1, json.get("applied").asInt());
        assertEquals(1, json.get("rejected").get(0).get("index").asInt());
        assertEquals("address_missing", json.get("rejected").get(0).get("reason").asText());
        assertEquals("email_invalid", json.get("rejected").get(1).get("reason").asText());
        assertFalse(channel(call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", "9800000000")), "WHATSAPP")
                .get("optedOut").asBoolean(), "opted back in in bulk");
    }

    @Test
    void consentCalls_areMerchantScoped_andAClientsMistakeIsA4xxProblem() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String other = AdminScenario.fresh();
        AdminScenario.newMerchant(other);

        assertEquals(403, optOut(other, key, "WHATSAPP", "mobile", MOBILE_DIGITS).status(), "another merchant's path");
        Answer mismatch = optOut(merchantId, key, "EMAIL", "mobile", MOBILE_DIGITS);
        assertEquals(400, mismatch.status(), mismatch.toString());
        assertEquals("application/problem+json", mismatch.contentType());
        assertEquals("channel", mismatch.get("errors").get(0).get("field").asText());
        assertEquals(400, optOut(merchantId, key, "FAX", "mobile", MOBILE_DIGITS).status());
        assertEquals(400, call("POST", merchants(merchantId) + "/consent/bulk", key, object("action", "opt_out")).status(), "neither list");
        assertEquals(400, call("POST", merchants(merchantId) + "/consent/bulk", key, object("action", "opt_out", "csv", "who,mobile\n")).status());
        assertEquals(400, call("POST", merchants(merchantId) + "/consent/bulk", key,
                object("action", "unsubscribe", "csv", "channel,mobile\n")).status());
        Answer unknownField = call("POST", merchants(merchantId) + "/consent/bulk", key,
                object("action", "opt_out", "entries", List.of(object("chanel", "WHATSAPP"))));
        assertEquals(400, unknownField.status(), unknownField.toString());
        assertEquals("entries[0].chanel", unknownField.get("errors").get(0).get("field").asText());
        String tooMany = "channel,mobile\n" + "WHATSAPP,9800000001\n".repeat(10_001);
        assertEquals(400, call("POST", merchants(merchantId) + "/consent/bulk", key, object("action", "opt_out", "csv", tooMany)).status());
    }

    @Test
    void anOptOut_survivesTheCustomersErasure_andTheErasuresExpiry_soTheNextDeliveryIsStillSuppressed() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        connect(merchantId, key, BuiltIn.ZOKO);
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, deliver(BuiltIn.ZOKO));
        assertEquals(200, optOut(merchantId, key, "WHATSAPP", "mobile", MOBILE_DIGITS).status());

        Answer erased = call("POST", merchants(merchantId) + "/customers/erase", key, object("mobile", MOBILE_DIGITS));
        assertEquals(200, erased.status(), erased.toString());
        assertEquals(1, erased.get("customerRecords").asInt());
        var dynamo = LocalAws.get().dynamo;
        // Every page of the scan: a filter applies to one page (1 MB) at a time, and other tests fill the table.
        var consentItems = dynamo.scanPaginator(r -> r.tableName(LocalAws.RECORDS_TABLE).filterExpression("begins_with(sk, :consent)")
                .expressionAttributeValues(Map.of(":consent", AttributeValue.fromS("CONSENT#")))).items().stream().toList();
        assertFalse(consentItems.isEmpty());
        consentItems.forEach(item -> {
            assertFalse(item.containsKey("expiresAt"), "an opt-out never expires");
            item.values().forEach(value -> assertFalse(String.valueOf(value.s()).contains(MOBILE_DIGITS), "no address kept"));
        });
        // DynamoDB's TTL removes the erasure's entry after its 30 days: as it would.
        dynamo.scanPaginator(r -> r.tableName(LocalAws.RECORDS_TABLE).filterExpression("begins_with(pk, :recipient) AND attribute_exists(expiresAt)")
                .expressionAttributeValues(Map.of(":recipient", AttributeValue.fromS("RECIPIENT#")))).items().stream().toList()
                .forEach(item -> dynamo.deleteItem(d -> d.tableName(LocalAws.RECORDS_TABLE).key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))));

        clock.advance(java.time.Duration.ofMinutes(1));
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"), "the customer comes back with a new event");
        forgetRequests();
        assertEquals(1, deliver(BuiltIn.ZOKO));

        assertEquals(0, requests(BuiltIn.ZOKO), "still opted out");
        Answer suppressed = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "suppressed"));
        assertEquals(1, suppressed.get("deliveries").size(), suppressed.toString());
        assertEquals("opted_out", suppressed.get("deliveries").get(0).get("reason").asText());
        Answer looked = call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", MOBILE_DIGITS));
        assertTrue(channel(looked, "WHATSAPP").get("optedOut").asBoolean(), looked.toString());
    }

    /**
     * Random identifiers (delivery ids, request UUIDs, hashes) can hold "98" and eight digits by chance: they are taken out
     * before looking for a number, or the check fails one run in a few hundred.
     */
    private static final java.util.regex.Pattern IDENTIFIERS =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}");

    /** Neither the recipient's number nor their email (in any form given) is in a log line or an answer. */
    static void noAddressIn(List<String> logs, List<Answer> answers) {
        assertFalse(logs.isEmpty(), "log lines were captured");
        for (String line : logs) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            assertFalse(lower.contains(MOBILE_DIGITS) || lower.contains("98765 43210") || lower.contains(EMAIL), "an address in a log line: " + line);
            assertFalse(IDENTIFIERS.matcher(line).replaceAll("").matches(".*98\\d{8}.*"), "a number in a log line: " + line);
        }
        for (Answer answer : answers) {
            String text = answer.body().toString().toLowerCase(java.util.Locale.ROOT);
            assertFalse(text.contains(MOBILE_DIGITS) || text.contains(EMAIL), "an address in an answer: " + answer);
        }
    }
}
