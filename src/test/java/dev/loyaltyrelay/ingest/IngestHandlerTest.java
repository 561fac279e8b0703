package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.domain.Hashes;
import java.util.LinkedHashMap;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.NectorSignature;

import static dev.loyaltyrelay.support.Webhooks.base64Encoded;
import static dev.loyaltyrelay.support.Webhooks.body;
import static dev.loyaltyrelay.support.Webhooks.forMerchant;
import static dev.loyaltyrelay.support.Webhooks.load;
import static dev.loyaltyrelay.support.Webhooks.text;
import static dev.loyaltyrelay.support.Webhooks.withDeliveryId;
import static dev.loyaltyrelay.support.Webhooks.withHeader;
import static dev.loyaltyrelay.support.Webhooks.withSignedBody;
import static dev.loyaltyrelay.support.Webhooks.withoutHeader;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.local.TemplateResources;
import dev.loyaltyrelay.observability.EmfMetrics;
import dev.loyaltyrelay.support.DynamoCallCounter;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The ingest function end to end through the Lambda mock event server, on DynamoDB Local and ElasticMQ:
 * the API Gateway v2 events of {@code events/} in, messages on the provider queues out.
 */
@QuarkusTest
class IngestHandlerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper EXACT_JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final String WALLET = "ingest-walletreward_create.json";

    @Inject
    TestMerchants merchants;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    IngestLedger ledger;
    @Inject
    HeldEventStore held;
    @Inject
    CustomerStore customers;
    @Inject
    EmfMetrics metrics;

    @BeforeEach
    void freshWorld() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
    }

    record Reply(int status, JsonNode body) {
        String field(String name) {
            return body.path(name).asText();
        }
    }

    static Reply post(ObjectNode event) {
        String response = given().contentType("application/json").body(text(event)).when().post().then().statusCode(200)
                .extract().asString();
        try {
            JsonNode gatewayResponse = JSON.readTree(response);
            return new Reply(gatewayResponse.get("statusCode").asInt(), JSON.readTree(gatewayResponse.get("body").asText()));
        } catch (Exception e) {
            throw new AssertionError("not an API Gateway response: " + response, e);
        }
    }

    static ObjectNode wallet(String merchantId) {
        return forMerchant(load(WALLET), merchantId);
    }

    static Map<Provider, List<JsonNode>> drainJobs() {
        Map<Provider, List<JsonNode>> jobs = new HashMap<>();
        for (Provider provider : BuiltIn.ALL) {
            for (Message message : Queues.drain(provider)) {
                try {
                    jobs.computeIfAbsent(provider, p -> new ArrayList<>()).add(JSON.readTree(message.body()));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        return jobs;
    }

    @Test
    void signedWalletReward_endsAsOneJobPerMapping_onEachProvidersQueue() throws Exception {
        String merchantId = merchants.demoLike();

        Reply reply = post(wallet(merchantId));

        assertEquals(202, reply.status(), reply.body().toString());
        assertEquals("accepted", reply.field("status"));
        assertEquals("verified", reply.field("bodySignature"));
        assertEquals(3, reply.body().get("queued").size());
        Map<Provider, List<JsonNode>> jobs = drainJobs();
        assertEquals(Map.of(BuiltIn.ZOKO, 1, BuiltIn.LIMECHAT, 1, BuiltIn.WIGZO, 1),
                Map.of(BuiltIn.ZOKO, jobs.get(BuiltIn.ZOKO).size(), BuiltIn.LIMECHAT, jobs.get(BuiltIn.LIMECHAT).size(),
                        BuiltIn.WIGZO, jobs.get(BuiltIn.WIGZO).size()));

        var jobSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(getClass().getClassLoader().getResourceAsStream("schemas/delivery-job.v1.schema.json"));
        for (List<JsonNode> providerJobs : jobs.values()) {
            for (JsonNode job : providerJobs) {
                assertEquals(Collections.emptySet(), jobSchema.validate(job), job.toString());
            }
        }
        JsonNode zoko = jobs.get(BuiltIn.ZOKO).get(0);
        assertEquals("+919876543210", zoko.at("/recipient/address").asText());
        assertEquals("wallet_reward_v1", zoko.at("/mapping/templateId").asText());
        assertEquals(List.of("user_name", "amount"), fieldNames(zoko.get("properties")));
        assertEquals(100, zoko.at("/properties/amount").asInt());
        JsonNode wigzo = jobs.get(BuiltIn.WIGZO).get(0);
        assertEquals("riya@example.com", wigzo.at("/recipient/address").asText());
        assertEquals("wallet_coins_rewarded", wigzo.at("/mapping/eventName").asText());
        assertTrue(wigzo.get("properties").has("user_wallet_balance"), "Wigzo forwards every property by default");
        JsonNode limechat = jobs.get(BuiltIn.LIMECHAT).get(0);
        assertTrue(limechat.get("properties").has("business_name"), "LimeChat forwards every property by default");
        assertEquals(reply.body().get("queued").get(0).get("deliveryId").asText().length(), zoko.get("deliveryId").asText().length());
    }

    @Test
    void sameWebhook20TimesSequentially_enqueuesOnce() {
        String merchantId = merchants.demoLike();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Reply reply = post(wallet(merchantId));
            statuses.add(reply.status());
            if (i > 0) {
                assertEquals("duplicate", reply.field("status"));
            }
        }
        assertEquals(202, statuses.get(0));
        assertEquals(19, statuses.stream().filter(s -> s == 200).count());
        assertEquals(3, Queues.drainAllCount());
        assertTrue(metrics.total("DuplicateWebhooks") >= 19);
    }

    @Test
    void sameWebhook20TimesConcurrently_enqueuesOnce() throws Exception {
        String merchantId = merchants.demoLike();
        String event = text(wallet(merchantId));
        var statuses = new ConcurrentHashMap<Integer, Integer>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(20)) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    Reply reply = post((ObjectNode) JSON.readTree(event));
                    statuses.merge(reply.status(), 1, Integer::sum);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        }
        assertEquals(1, statuses.get(202), statuses.toString());
        assertEquals(20, statuses.getOrDefault(202, 0) + statuses.getOrDefault(200, 0) + statuses.getOrDefault(409, 0), statuses.toString());
        // Nector retries the 409s later; by then the fan-out has completed.
        assertEquals(200, post(wallet(merchantId)).status());
        assertEquals(3, Queues.drainAllCount());
    }

    @Test
    void webhookAndItsBase64Twin_areTheSameDelivery() {
        String merchantId = merchants.demoLike();
        Reply encoded = post(base64Encoded(wallet(merchantId)));
        assertEquals(202, encoded.status(), encoded.body().toString());
        assertEquals("verified", encoded.field("bodySignature"), "the HMAC is checked over the decoded bytes");
        assertEquals(200, post(wallet(merchantId)).status());
        assertEquals(3, Queues.drainAllCount());
    }

    @Test
    void repeatedHeaders_commaJoined_areReadAsOneWhenTheyAgree_andRefusedWhenTheyDiffer() {
        String merchantId = merchants.demoLike();
        ObjectNode repeated = wallet(merchantId);
        withHeader(repeated, "x-nector-topic", "walletreward_create,walletreward_create");
        assertEquals(202, post(repeated).status());

        ObjectNode conflicting = withDeliveryId(wallet(merchantId), "conflicting-1");
        withHeader(conflicting, "x-nector-topic", "walletreward_create,coupon_create");
        Reply reply = post(conflicting);
        assertEquals(400, reply.status());
        assertEquals("ambiguous_header", reply.field("error"));
        assertEquals(3, Queues.drainAllCount());
    }

    @Test
    void aHeaderOfOnlyCommas_isReadAsMissing_notAServerError() {
        // Found by IngestFuzzTest: split(",") of ",,," is no copies at all, and reading the first copy threw.
        String merchantId = merchants.demoLike();
        for (String header : List.of("x-nector-topic", "x-nector-delivery-id", "x-nector-timestamp", "x-nector-webhook-secret")) {
            ObjectNode commas = withDeliveryId(wallet(merchantId), "commas-" + header);
            withHeader(commas, header, ",,,");
            Reply reply = post(commas);
            assertEquals(header.equals("x-nector-topic") || header.equals("x-nector-delivery-id") ? 400 : 401, reply.status(), header);
        }
        assertEquals(0, Queues.drainAllCount());
    }

    @Test
    void hostileAndMalformedRequests_getTheirClearAnswer_andEnqueueNothing() {
        String merchantId = merchants.demoLike();
        String enforcing = merchants.demoLike(SignaturePolicy.ENFORCE, RepeatPolicy.COUNT);
        Map<String, ObjectNode> cases = new java.util.LinkedHashMap<>();
        Map<String, Integer> expectedStatus = new HashMap<>();
        Map<String, String> expectedCode = new HashMap<>();

        cases.put("malformed JSON", withSignedBody(wallet(merchantId), "{\"user_name\": \"Riya\","));
        expectedStatus.put("malformed JSON", 400);
        expectedCode.put("malformed JSON", "invalid_json");

        cases.put("duplicate JSON keys", withSignedBody(wallet(merchantId), "{\"user_mobile\":\"9876543210\",\"user_mobile\":\"9123456789\"}"));
        expectedStatus.put("duplicate JSON keys", 400);
        expectedCode.put("duplicate JSON keys", "invalid_json");

        cases.put("array body", withSignedBody(wallet(merchantId), "[1,2,3]"));
        expectedStatus.put("array body", 400);
        expectedCode.put("array body", "body_not_object");

        cases.put("string body", withSignedBody(wallet(merchantId), "\"hello\""));
        expectedStatus.put("string body", 400);
        expectedCode.put("string body", "body_not_object");

        cases.put("empty body", withSignedBody(wallet(merchantId), ""));
        expectedStatus.put("empty body", 400);

        cases.put("oversize body", withSignedBody(wallet(merchantId), "{\"pad\":\"" + "x".repeat(300 * 1024) + "\"}"));
        expectedStatus.put("oversize body", 413);
        expectedCode.put("oversize body", "body_too_large");

        cases.put("oversize base64 body", base64Encoded(withSignedBody(wallet(merchantId), "{\"pad\":\"" + "x".repeat(300 * 1024) + "\"}")));
        expectedStatus.put("oversize base64 body", 413);

        cases.put("huge string value", withSignedBody(wallet(merchantId), "{\"user_name\":\"" + "x".repeat(200 * 1024) + "\"}"));
        expectedStatus.put("huge string value", 400);
        expectedCode.put("huge string value", "body_too_complex");

        cases.put("deep nesting", withSignedBody(wallet(merchantId), "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"));
        expectedStatus.put("deep nesting", 400);
        expectedCode.put("deep nesting", "body_too_complex");

        ObjectNode notBase64 = wallet(merchantId);
        notBase64.put("isBase64Encoded", true);
        notBase64.put("body", "%%% not base64 %%%");
        cases.put("invalid base64", notBase64);
        expectedStatus.put("invalid base64", 400);
        expectedCode.put("invalid base64", "body_not_base64");

        cases.put("missing secret hash", withoutHeader(wallet(merchantId), "x-nector-webhook-secret"));
        expectedStatus.put("missing secret hash", 401);
        expectedCode.put("missing secret hash", "secret_hash");

        cases.put("wrong secret hash", forMerchant(load("ingest-bad-signature.json"), merchantId));
        expectedStatus.put("wrong secret hash", 401);
        expectedCode.put("wrong secret hash", "secret_hash");

        cases.put("secret hash not hex", withHeader(wallet(merchantId), "x-nector-webhook-secret", "zz' OR 1=1 --"));
        expectedStatus.put("secret hash not hex", 401);
        expectedCode.put("secret hash not hex", "secret_hash");

        cases.put("wrong HMAC, enforced", withHeader(wallet(enforcing), "x-nector-webhook-hmac", "00".repeat(32)));
        expectedStatus.put("wrong HMAC, enforced", 401);
        expectedCode.put("wrong HMAC, enforced", "body_hmac");

        cases.put("stale timestamp", withHeader(wallet(merchantId), "x-nector-timestamp",
                Long.toString(Webhooks.SIGNED_AT.minus(Duration.ofHours(7)).getEpochSecond())));
        expectedStatus.put("stale timestamp", 401);
        expectedCode.put("stale timestamp", "timestamp");

        cases.put("future timestamp", withHeader(wallet(merchantId), "x-nector-timestamp",
                Long.toString(Webhooks.SIGNED_AT.plus(Duration.ofHours(7)).getEpochSecond())));
        expectedStatus.put("future timestamp", 401);
        expectedCode.put("future timestamp", "timestamp");

        cases.put("timestamp not a number", withHeader(wallet(merchantId), "x-nector-timestamp", "yesterday"));
        expectedStatus.put("timestamp not a number", 401);
        expectedCode.put("timestamp not a number", "timestamp");

        cases.put("unknown merchant", wallet("no-such-merchant"));
        expectedStatus.put("unknown merchant", 401);
        expectedCode.put("unknown merchant", "merchant");

        cases.put("hostile merchant id", wallet("../../etc/passwd"));
        expectedStatus.put("hostile merchant id", 401);
        expectedCode.put("hostile merchant id", "merchant");

        cases.put("missing topic", withoutHeader(wallet(merchantId), "x-nector-topic"));
        expectedStatus.put("missing topic", 400);
        expectedCode.put("missing topic", "topic_missing");

        cases.put("missing delivery id", withoutHeader(wallet(merchantId), "x-nector-delivery-id"));
        expectedStatus.put("missing delivery id", 400);
        expectedCode.put("missing delivery id", "delivery_id_invalid");

        cases.put("GET instead of POST", method(wallet(merchantId), "GET"));
        expectedStatus.put("GET instead of POST", 405);

        for (var entry : cases.entrySet()) {
            Reply reply = post(entry.getValue());
            assertEquals(expectedStatus.get(entry.getKey()), reply.status(), entry.getKey() + ": " + reply.body());
            String code = expectedCode.get(entry.getKey());
            if (code != null) {
                assertEquals(code, reply.status() == 401 ? reply.field("check") : reply.field("error"), entry.getKey());
            }
            assertFalse(reply.body().toString().contains(Webhooks.DEMO_SECRET), "no secret in an answer");
            assertFalse(reply.body().toString().contains("9876543210"), "no phone number in an answer");
        }
        assertEquals(0, Queues.drainAllCount(), "nothing is enqueued for a refused request");
    }

    @Test
    void wrongHmac_isRecordedAndCounted_butDelivered_whileTheSchemeIsUnconfirmed() {
        String merchantId = merchants.demoLike();
        long before = metrics.total("BodySignatureMismatch");
        Reply reply = post(withHeader(wallet(merchantId), "x-nector-webhook-hmac", "00".repeat(32)));
        assertEquals(202, reply.status());
        assertEquals("mismatch_recorded", reply.field("bodySignature"));
        assertEquals(before + 1, metrics.total("BodySignatureMismatch"));
        assertEquals(3, Queues.drainAllCount());
    }

    @Test
    void documentedPropertyOfTheWrongType_isHeldForReplay_notRefused() {
        String merchantId = merchants.demoLike();
        ObjectNode body = body(wallet(merchantId));
        body.put("amount", "one hundred");
        body.putObject("user_name").put("first", "Riya");
        Reply reply = post(withDeliveryId(withSignedBody(wallet(merchantId), body), "held-1"));

        assertEquals(202, reply.status(), reply.body().toString());
        assertEquals("held", reply.field("status"));
        assertTrue(reply.body().get("detail").toString().contains("amount"), reply.body().toString());
        assertTrue(reply.body().get("detail").toString().contains("user_name"), reply.body().toString());
        assertFalse(reply.body().toString().contains("one hundred"), "no property value in the reason");
        var kept = held.page(merchantId, null, 100).events();
        assertEquals(1, kept.size());
        assertEquals("held-1", kept.get(0).nectorDeliveryId());
        assertTrue(kept.get(0).body().contains("one hundred"), "the original body is kept for replay");
        assertEquals(0, Queues.drainAllCount());
    }

    @Test
    void assumedPropertyOfAnUnexpectedType_neverCostsTheEvent() {
        String merchantId = merchants.demoLike();
        ObjectNode body = body(wallet(merchantId));
        body.put("user_wallet_balance", "four hundred and fifty");
        body.putArray("reason").add("not a string either");
        body.put("something_nector_added", true);
        Reply reply = post(withSignedBody(wallet(merchantId), body));
        assertEquals(202, reply.status(), reply.body().toString());
        assertEquals("accepted", reply.field("status"));
        assertEquals(3, Queues.drainAllCount());
    }

    @Test
    void missingMobile_skipsTheWhatsAppDeliveries_withTheReason_andStillEmails() {
        String merchantId = merchants.demoLike();
        ObjectNode body = body(wallet(merchantId));
        body.remove("user_mobile");
        Reply reply = post(withSignedBody(wallet(merchantId), body));
        assertEquals(202, reply.status());
        assertEquals(1, reply.body().get("queued").size());
        assertEquals("wigzo", reply.body().at("/queued/0/provider").asText());
        assertEquals(2, reply.body().get("skipped").size());
        reply.body().get("skipped").forEach(s -> assertEquals("recipient_missing", s.get("reason").asText()));
        assertEquals(1, Queues.drainAllCount());
    }

    @Test
    void invalidMobile_isSkippedAsInvalid() {
        String merchantId = merchants.demoLike();
        ObjectNode body = body(wallet(merchantId));
        body.put("user_mobile", "12");
        Reply reply = post(withSignedBody(wallet(merchantId), body));
        assertEquals(202, reply.status());
        reply.body().get("skipped").forEach(s -> assertEquals("recipient_invalid", s.get("reason").asText()));
        assertEquals(2, reply.body().get("skipped").size());
    }

    @Test
    void unknownTopic_andUnmappedTopic_areIgnoredWithTheirReason_andCounted() {
        String merchantId = merchants.demoLike();
        long before = metrics.total("IgnoredEvents");
        Reply unknown = post(forMerchant(load("ingest-unknown-topic.json"), merchantId));
        assertEquals(202, unknown.status());
        assertEquals("ignored", unknown.field("status"));
        assertEquals("unknown_topic", unknown.field("reason"));

        Reply unmapped = post(withHeader(wallet(merchantId), "x-nector-topic", "review_create"));
        assertEquals(202, unmapped.status());
        assertEquals("topic_not_mapped", unmapped.field("reason"));
        assertEquals(before + 2, metrics.total("IgnoredEvents"));
        assertEquals(0, Queues.drainAllCount());
    }

    @Test
    void sameDeliveryIdWithAnotherBody_isRefusedWithThatReason() {
        String merchantId = merchants.demoLike();
        assertEquals(202, post(wallet(merchantId)).status());
        ObjectNode body = body(wallet(merchantId));
        body.put("amount", 5000);
        Reply reply = post(withSignedBody(wallet(merchantId), body));
        assertEquals(422, reply.status());
        assertEquals("delivery_id_reused", reply.field("error"));
        assertEquals(3, Queues.drainAllCount());
    }

    @Test
    void crashBetweenClaimAndEnqueue_losesNothing_nectorsRetryAfterTheLeaseDelivers() {
        String merchantId = merchants.demoLike();
        ObjectNode event = wallet(merchantId);
        byte[] body = event.get("body").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String bodyHash = Hashes.sha256Hex(body);
        // A process claimed the delivery id and died before enqueueing anything.
        var crashed = ledger.claim(merchantId, "nector-dlv-0001", bodyHash, clock.instant());
        assertTrue(crashed instanceof IngestLedger.Claim);

        Reply whileLeased = post(wallet(merchantId));
        assertEquals(409, whileLeased.status(), "a retry during the lease is told to come back");
        assertEquals(0, Queues.drainAllCount());

        clock.advance(Duration.ofSeconds(31));
        Reply afterLease = post(wallet(merchantId));
        assertEquals(202, afterLease.status(), afterLease.body().toString());
        assertEquals(3, Queues.drainAllCount());
        assertEquals(200, post(wallet(merchantId)).status());
    }

    @Test
    void queueUnreachable_answers503_andLeavesNothingThatBlocksTheRetry() {
        String merchantId = merchants.demoLike();
        LocalAws aws = LocalAws.get();
        aws.sqs.deleteQueue(r -> r.queueUrl(aws.queueUrls.get(BuiltIn.WIGZO)));
        Reply failed;
        try {
            failed = post(wallet(merchantId));
        } finally {
            TemplateResources.read(Path.of("template.yaml")).createQueue(aws.sqs, TemplateResources.queueLogicalId(BuiltIn.profile(BuiltIn.WIGZO)),
                    aws.queueName(BuiltIn.WIGZO), aws.deadLetterQueueName(BuiltIn.WIGZO));
        }
        assertEquals(503, failed.status(), failed.body().toString());
        assertEquals("queue_unavailable", failed.field("error"));

        Reply retried = post(wallet(merchantId));
        assertEquals(202, retried.status(), "the retry need not wait for the lease: " + retried.body());
        Map<Provider, List<JsonNode>> jobs = drainJobs();
        // The failed attempt had already put LimeChat's and Zoko's jobs on their queues; the retry puts them
        // there again under the same delivery ids, which is what lets the delivery functions send each once.
        assertEquals(2, jobs.get(BuiltIn.ZOKO).size());
        assertEquals(jobs.get(BuiltIn.ZOKO).get(0).get("deliveryId"), jobs.get(BuiltIn.ZOKO).get(1).get("deliveryId"));
        assertEquals(1, jobs.get(BuiltIn.WIGZO).size());
    }

    @Test
    void sameBodyUnderANewDeliveryId_isCounted_andDeliveredOrDroppedByTheMerchantsSetting() {
        String counting = merchants.demoLike(SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        long before = metrics.total("RepeatedBodies");
        assertEquals(202, post(wallet(counting)).status());
        assertEquals(202, post(withDeliveryId(wallet(counting), "nector-dlv-0001-retry")).status());
        assertEquals(before + 1, metrics.total("RepeatedBodies"));
        assertEquals(6, Queues.drainAllCount());

        String dropping = merchants.demoLike(SignaturePolicy.RECORD, RepeatPolicy.DROP);
        assertEquals(202, post(wallet(dropping)).status());
        Reply repeat = post(withDeliveryId(wallet(dropping), "nector-dlv-0001-retry"));
        assertEquals(200, repeat.status());
        assertEquals("same_body_under_new_delivery_id", repeat.field("reason"));
        assertEquals(3, Queues.drainAllCount());

        // After the fingerprint window the same body is a new event again.
        clock.advance(Duration.ofMinutes(11));
        assertEquals(202, post(withDeliveryId(wallet(dropping), "nector-dlv-0001-later")).status());
    }

    @Test
    void underDrop_anEventWhoseFanOutFailed_isQueuedWhenNectorRetriesItUnderANewDeliveryId_andOnlyOnce() {
        String dropping = merchants.demoLike(SignaturePolicy.RECORD, RepeatPolicy.DROP);
        LocalAws aws = LocalAws.get();
        aws.sqs.deleteQueue(r -> r.queueUrl(aws.queueUrls.get(BuiltIn.WIGZO)));
        Reply failed;
        try {
            failed = post(wallet(dropping));
        } finally {
            TemplateResources.read(Path.of("template.yaml")).createQueue(aws.sqs, TemplateResources.queueLogicalId(BuiltIn.profile(BuiltIn.WIGZO)),
                    aws.queueName(BuiltIn.WIGZO), aws.deadLetterQueueName(BuiltIn.WIGZO));
        }
        assertEquals(503, failed.status(), failed.body().toString());

        Reply retriedUnderNewId = post(withDeliveryId(wallet(dropping), "nector-dlv-0001-retry"));
        assertEquals(202, retriedUnderNewId.status(), "nothing was queued for the first attempt: " + retriedUnderNewId.body());
        assertEquals(200, post(wallet(dropping)).status(), "Nector's retry under the first id is now a duplicate");
        Reply repeat = post(withDeliveryId(wallet(dropping), "nector-dlv-0001-again"));
        assertEquals(200, repeat.status(), repeat.body().toString());
        assertEquals("same_body_under_new_delivery_id", repeat.field("reason"));

        Map<Provider, List<JsonNode>> jobs = drainJobs();
        // The failed attempt had already queued Zoko's and LimeChat's jobs; the retry queues them again under the
        // same delivery ids (those of the event's first delivery id), so each provider sends each delivery once.
        for (Provider provider : List.of(BuiltIn.ZOKO, BuiltIn.LIMECHAT, BuiltIn.WIGZO)) {
            assertEquals(1, jobs.get(provider).stream().map(job -> job.get("deliveryId").asText()).distinct().count(), provider.key());
        }
        assertEquals(1, jobs.get(BuiltIn.WIGZO).size());
    }

    @Test
    void underDrop_aRetryUnderANewDeliveryId_whileTheFirstAttemptMayStillBeRunning_isToldToComeBack_thenQueued() {
        String dropping = merchants.demoLike(SignaturePolicy.RECORD, RepeatPolicy.DROP);
        ObjectNode event = wallet(dropping);
        byte[] body = event.get("body").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String bodyHash = Hashes.sha256Hex(body);
        // A process claimed the delivery id, recorded the body's fingerprint and died before enqueueing anything.
        assertTrue(ledger.claim(dropping, "nector-dlv-0001", bodyHash, clock.instant()) instanceof IngestLedger.Claim);
        assertTrue(ledger.recordFingerprint(dropping, Hashes.sha256HexOfParts("walletreward_create", bodyHash),
                "nector-dlv-0001", clock.instant()) instanceof IngestLedger.FirstSeen);

        Reply duringTheLease = post(withDeliveryId(wallet(dropping), "nector-dlv-0001-retry"));
        assertEquals(409, duringTheLease.status(), duringTheLease.body().toString());
        assertEquals("in_progress", duringTheLease.field("error"));
        assertEquals(0, Queues.drainAllCount());

        clock.advance(Duration.ofSeconds(31));
        Reply afterTheLease = post(withDeliveryId(wallet(dropping), "nector-dlv-0001-retry"));
        assertEquals(202, afterTheLease.status(), afterTheLease.body().toString());
        assertEquals(200, post(wallet(dropping)).status(), "the first id's retry finds the event queued");
        assertEquals(3, Queues.drainAllCount());
    }

    @Test
    void underDrop_aFailedEventRetriedUnderBothIdsAtOnce_isQueuedOnce() throws Exception {
        String dropping = merchants.demoLike(SignaturePolicy.RECORD, RepeatPolicy.DROP);
        LocalAws aws = LocalAws.get();
        aws.sqs.deleteQueue(r -> r.queueUrl(aws.queueUrls.get(BuiltIn.WIGZO)));
        try {
            assertEquals(503, post(wallet(dropping)).status());
        } finally {
            TemplateResources.read(Path.of("template.yaml")).createQueue(aws.sqs, TemplateResources.queueLogicalId(BuiltIn.profile(BuiltIn.WIGZO)),
                    aws.queueName(BuiltIn.WIGZO), aws.deadLetterQueueName(BuiltIn.WIGZO));
        }
        Queues.purgeAll();
        List<String> events = List.of(text(wallet(dropping)), text(withDeliveryId(wallet(dropping), "nector-dlv-0001-retry")));
        var start = new CountDownLatch(1);
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        try (var pool = Executors.newFixedThreadPool(2)) {
            List<Future<?>> calls = new ArrayList<>();
            for (String event : events) {
                calls.add(pool.submit(() -> {
                    start.await();
                    statuses.add(post((ObjectNode) JSON.readTree(event)).status());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> call : calls) {
                call.get();
            }
        }
        assertEquals(1, statuses.stream().filter(s -> s == 202).count(), statuses.toString());
        for (String event : events) {
            assertEquals(200, post((ObjectNode) JSON.readTree(event)).status(), "once queued, both ids are duplicates");
        }
        Map<Provider, List<JsonNode>> jobs = drainJobs();
        assertEquals(1, jobs.get(BuiltIn.ZOKO).size());
        assertEquals(1, jobs.get(BuiltIn.WIGZO).size());
    }

    @Test
    void aNumberWithAHugeExponent_isRefused400_andTheFunctionKeepsAnswering() {
        String merchantId = merchants.demoLike();
        String sample = wallet(merchantId).get("body").asText();
        Map<String, String> hostile = new java.util.LinkedHashMap<>();
        hostile.put("a mobile of 1E2147483647", sample.replace("\"user_mobile\":\"98765 43210\"", "\"user_mobile\":1E2147483647"));
        hostile.put("an amount of 1E2147483647", sample.replace("\"amount\":100", "\"amount\":1E2147483647"));
        hostile.put("an amount of -1E+2147483647", sample.replace("\"amount\":100", "\"amount\":-1E+2147483647"));
        hostile.put("an amount of 1E-2147483647", sample.replace("\"amount\":100", "\"amount\":1E-2147483647"));
        hostile.put("an exponent beyond BigDecimal's", sample.replace("\"amount\":100", "\"amount\":1E-2147483648"));
        hostile.put("an exponent of eleven digits", sample.replace("\"amount\":100", "\"amount\":1e99999999999"));
        hostile.put("a nested balance of 1E1000", sample.replace("\"amount\":100", "\"amount\":100,\"extra\":{\"balance\":[1E1000]}"));
        int sequence = 0;
        for (var entry : hostile.entrySet()) {
            assertFalse(entry.getValue().equals(sample), "the sample was changed: " + entry.getKey());
            Reply reply = post(withDeliveryId(withSignedBody(wallet(merchantId), entry.getValue()), "huge-" + sequence++));
            assertEquals(400, reply.status(), entry.getKey() + ": " + reply.body());
            assertEquals("number_out_of_range", reply.field("error"), entry.getKey());
        }
        assertEquals(0, Queues.drainAllCount(), "nothing is queued for a refused body");
        assertEquals(202, post(wallet(merchantId)).status(), "the function still answers the next event");
    }

    @Test
    void bigButSaneNumbers_areAccepted_andQueuedAsSent() throws Exception {
        String merchantId = merchants.demoLike();
        String sample = wallet(merchantId).get("body").asText();
        List<String> amounts = List.of("1E+3", "100.50", "12345678901234567890", "1.7976931348623157E308", "4.9E-324", "1E999");
        int sequence = 0;
        for (String amount : amounts) {
            String body = sample.replace("\"amount\":100", "\"amount\":" + amount)
                    .replace("\"user_customer_id\":\"7301468061924\"", "\"user_customer_id\":73014680619241234567")
                    .replace("\"user_mobile\":\"98765 43210\"", "\"user_mobile\":919876543210");
            Reply reply = post(withDeliveryId(withSignedBody(wallet(merchantId), body), "sane-" + sequence++));
            assertEquals(202, reply.status(), amount + ": " + reply.body());
            List<Message> queued = Queues.drain(BuiltIn.ZOKO);
            assertEquals(1, queued.size(), amount);
            JsonNode zoko = EXACT_JSON.readTree(queued.get(0).body());
            assertEquals(0, new java.math.BigDecimal(amount).compareTo(zoko.at("/properties/amount").decimalValue()), amount);
            assertEquals("+919876543210", zoko.at("/recipient/address").asText());
        }
    }

    @Test
    void rotatedSecrets_bothValidUntilTheOldIsRetired() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.secret(merchantId, "old", Webhooks.DEMO_SECRET, Webhooks.SIGNED_AT.plus(Duration.ofHours(1)));
        merchants.secret(merchantId, "new", "the-new-secret", null);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "k"));
        merchants.mapping(merchantId, new dev.loyaltyrelay.domain.EventMapping("zoko-1", "wallet", "walletreward_create", "t", null,
                List.of(), "en", null));

        assertEquals(202, post(wallet(merchantId)).status(), "the old secret is still valid");
        ObjectNode signedWithNew = withDeliveryId(wallet(merchantId), "rotated-2");
        withHeader(signedWithNew, "x-nector-webhook-secret", Hashes.sha256Hex("the-new-secret"));
        withHeader(signedWithNew, "x-nector-webhook-hmac", NectorSignature.hexHmac("the-new-secret",
                signedWithNew.get("body").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Reply newSecret = post(signedWithNew);
        assertEquals(202, newSecret.status());
        assertEquals("verified", newSecret.field("bodySignature"));

        clock.advance(Duration.ofHours(2));
        directory.invalidateAll();
        ObjectNode late = withHeader(withDeliveryId(wallet(merchantId), "rotated-3"), "x-nector-timestamp",
                Long.toString(clock.instant().getEpochSecond()));
        Reply retired = post(late);
        assertEquals(401, retired.status(), "the retired secret no longer authenticates");
        assertEquals("secret_hash", retired.field("check"));
    }

    @Test
    void customersAreLearnedFromEvents_normalised_andAnUnchangedCustomerCostsNoWrite() {
        String merchantId = merchants.demoLike();
        post(wallet(merchantId));
        var byMobile = customers.findByMobile(merchantId, "+919876543210");
        assertTrue(byMobile.isPresent(), "found by the E.164 number");
        assertEquals("Riya", byMobile.get().name());
        assertTrue(customers.findByEmail(merchantId, "riya@example.com").isPresent(), "found by the lower-cased email");

        ObjectNode lead = withHeader(withDeliveryId(wallet(merchantId), "lead-1"), "x-nector-topic", "lead_create");
        ObjectNode leadBody = body(lead);
        leadBody.put("user_name", "Riya Sharma");
        post(withSignedBody(lead, leadBody));
        assertEquals("Riya Sharma", customers.findByMobile(merchantId, "+919876543210").orElseThrow().name(),
                "a lead_update/lead_create that no integration maps still teaches the customer");
    }

    @Test
    void steadyStateCost_ofOneIngestedEvent_isPrinted() {
        String merchantId = merchants.demoLike();
        post(wallet(merchantId));
        Queues.purgeAll();
        int events = 20;
        DynamoCallCounter.reset();
        for (int i = 0; i < events; i++) {
            ObjectNode event = withDeliveryId(wallet(merchantId), "steady-" + i);
            ObjectNode body = body(event);
            body.put("amount", 100 + i);
            assertEquals(202, post(withSignedBody(event, body)).status());
        }
        double roundTrips = DynamoCallCounter.roundTrips() / (double) events;
        double writeUnits = DynamoCallCounter.writeUnits() / (double) events;
        System.out.printf("INGEST COST (steady state: configuration cached, customer unchanged, 3 mappings): "
                + "%.2f DynamoDB round trips and %.2f write units per event (%d writes over %d events)%n",
                roundTrips, writeUnits, DynamoCallCounter.writes(), events);
        assertEquals(5.0, roundTrips, 0.01,
                "claim, fingerprint, completion, the customer's read, and beside them the topic's traffic observation");
        assertEquals(4 * events, DynamoCallCounter.writes(),
                "claim, fingerprint, completion and the observation: an unchanged customer is read, not written (issue 16)");
        assertEquals(3 * events, Queues.drainAllCount());
    }

    private static ObjectNode method(ObjectNode event, String method) {
        ((ObjectNode) event.get("requestContext").get("http")).put("method", method);
        return event;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
