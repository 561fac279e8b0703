package dev.loyaltyrelay;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.DeliveryIds;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.local.DemoMerchantAccess;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.SqsEvents;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The samples of {@code events/} work on any day once {@code scripts/sign-samples.sh} has stamped them: the script runs
 * stamped at a time more than a year ahead, the clock is set to that time, and each stamped sample gets its documented
 * answer from its handler (the ingest function through the Lambda mock event server; each provider's delivery
 * function). The committed samples, at that same time, are refused for their age: that is what the script fixes.
 */
@QuarkusTest
class SignedSamplesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Far enough ahead that no committed sample is inside any window, whenever the test runs. */
    static final Instant LATER = Instant.now().plus(Duration.ofDays(400)).truncatedTo(ChronoUnit.SECONDS);
    static Path stamped;

    @Inject
    MutableClock clock;
    @Inject
    TestMerchants merchants;
    @Inject
    MerchantDirectory directory;
    @Inject
    DeliveryLedger ledger;

    @BeforeAll
    static void stampTheSamplesLater() throws IOException, InterruptedException {
        stamped = Files.createTempDirectory(Path.of("target"), "signed-samples-");
        Process script = new ProcessBuilder("bash", "scripts/sign-samples.sh", "--at", Long.toString(LATER.getEpochSecond()),
                "--out", stamped.toString()).redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "sign-samples.sh did not finish");
        assertEquals(0, script.exitValue(), "sign-samples.sh failed: " + output);
    }

    @BeforeEach
    void atTheStampedTime() {
        clock.set(LATER);
        directory.invalidateAll();
        Queues.purgeAll();
    }

    /** The tests after this one in the same application find the clock at now and no job of these samples queued. */
    @AfterEach
    void backToNow() {
        clock.set(Instant.now());
        Queues.purgeAll();
    }

    record Reply(int status, JsonNode body) {
        String field(String name) {
            return body.path(name).asText();
        }
    }

    static ObjectNode read(Path file) {
        try {
            return (ObjectNode) JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ObjectNode stampedSample(String name) {
        return read(stamped.resolve(name));
    }

    static Reply ingest(ObjectNode event) {
        String response = given().contentType("application/json").body(Webhooks.text(event)).when().post().then().statusCode(200)
                .extract().asString();
        try {
            JsonNode gatewayResponse = JSON.readTree(response);
            return new Reply(gatewayResponse.get("statusCode").asInt(), JSON.readTree(gatewayResponse.get("body").asText()));
        } catch (IOException e) {
            throw new AssertionError("not an API Gateway response: " + response, e);
        }
    }

    @Test
    void eachStampedWebhookSample_getsItsDocumentedAnswer_aYearLater() {
        String merchantId = merchants.demoLike();

        Reply wallet = ingest(Webhooks.forMerchant(stampedSample("ingest-walletreward_create.json"), merchantId));
        assertEquals(202, wallet.status(), wallet.body().toString());
        assertEquals("accepted", wallet.field("status"));
        assertEquals("verified", wallet.field("bodySignature"), "the stamped body HMAC is the demo secret's");

        Reply duplicate = ingest(Webhooks.forMerchant(stampedSample("ingest-duplicate.json"), merchantId));
        assertEquals(200, duplicate.status(), duplicate.body().toString());
        assertEquals("duplicate", duplicate.field("status"));

        Reply coupon = ingest(Webhooks.forMerchant(stampedSample("ingest-coupon_create.json"), merchantId));
        assertEquals(202, coupon.status(), coupon.body().toString());
        assertEquals("accepted", coupon.field("status"));

        Reply unknown = ingest(Webhooks.forMerchant(stampedSample("ingest-unknown-topic.json"), merchantId));
        assertEquals(202, unknown.status(), unknown.body().toString());
        assertEquals("unknown_topic", unknown.field("reason"));

        Reply forged = ingest(Webhooks.forMerchant(stampedSample("ingest-bad-signature.json"), merchantId));
        assertEquals(401, forged.status(), forged.body().toString());
        assertEquals("secret_hash", forged.field("check"), "refused for its signature, not for its age");
    }

    @Test
    void theCommittedWebhookSample_aYearLater_isRefusedForItsTimestamp() {
        String merchantId = merchants.demoLike();

        Reply stale = ingest(Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId));

        assertEquals(401, stale.status(), stale.body().toString());
        assertEquals("timestamp", stale.field("check"));
    }

    /** A merchant with the demo merchant's integrations ({@code <provider>-demo}, the batches' ids) and credentials. */
    String merchantOfTheBatches() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        for (JsonNode integration : DemoMerchantAccess.seed().get("integrations")) {
            Map<String, String> credentials = new HashMap<>();
            integration.get("credentials").fields().forEachRemaining(f -> credentials.put(f.getKey(), f.getValue().asText()));
            Provider provider = BuiltIn.ALL.stream().filter(p -> p.key().equals(integration.get("provider").asText())).findFirst().orElseThrow();
            merchants.integration(merchantId, integration.get("integrationId").asText(), provider, true, credentials);
        }
        return merchantId;
    }

    /** The batch's jobs moved to {@code merchantId}, their receivedAt left as the file has it. */
    static ObjectNode movedTo(ObjectNode batch, String merchantId) {
        for (JsonNode record : batch.get("Records")) {
            ObjectNode job = SqsEvents.job(record);
            job.put("merchantId", merchantId);
            job.put("deliveryId", DeliveryIds.derive(merchantId, job.get("nectorDeliveryId").asText(), job.get("integrationId").asText(),
                    job.get("mapping").get("mappingId").asText()));
            SqsEvents.setJob((ObjectNode) record, job);
        }
        return batch;
    }

    static SQSEvent sqsEvent(JsonNode batch) {
        List<SQSEvent.SQSMessage> messages = new ArrayList<>();
        for (JsonNode record : batch.get("Records")) {
            var message = new SQSEvent.SQSMessage();
            message.setMessageId(record.get("messageId").asText());
            message.setReceiptHandle(record.get("receiptHandle").asText());
            message.setBody(record.get("body").asText());
            message.setMd5OfBody(record.get("md5OfBody").asText());
            Map<String, String> attributes = new HashMap<>();
            record.get("attributes").fields().forEachRemaining(f -> attributes.put(f.getKey(), f.getValue().asText()));
            message.setAttributes(attributes);
            message.setEventSource(record.get("eventSource").asText());
            message.setEventSourceArn(record.get("eventSourceARN").asText());
            message.setAwsRegion(record.get("awsRegion").asText());
            messages.add(message);
        }
        var event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    /** As the batches document: a record answered 500 (transient) and one answered 400 (permanent); the others accepted. */
    static void providerAnswersByRecipient(Provider provider) {
        ProviderStubs.resetAll();
        var stub = ProviderStubs.of(provider);
        stub.stubFor(post(anyUrl()).atPriority(5).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"sample-accepted\"}")));
        for (String transientRecipient : List.of("9800000500", "transient-500@")) {
            stub.stubFor(post(anyUrl()).atPriority(1).withRequestBody(containing(transientRecipient)).willReturn(aResponse().withStatus(500)));
        }
        for (String refusedRecipient : List.of("9800000400", "permanent-400@")) {
            stub.stubFor(post(anyUrl()).atPriority(1).withRequestBody(containing(refusedRecipient))
                    .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("{\"message\":\"refused\"}")));
        }
    }

    /** The provider calls that carry a message: all of them but Wigzo's contact identify. */
    static List<String> messageCalls(Provider provider) {
        return ProviderStubs.requests(provider).stream().map(r -> r.getUrl().split("\\?")[0]).filter(path -> !path.endsWith("/identify")).toList();
    }

    /** What of a recipient every provider's request carries: an email's local part, a mobile's last ten digits. */
    static String recipientAsSent(String address) {
        return address.contains("@") ? address.substring(0, address.indexOf('@')) : address.substring(address.length() - 10);
    }

    static List<String> failures(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")
    void eachStampedDeliveryBatch_isDelivered_aYearLater_failingOnlyTheRecordAnswered500(Provider provider) {
        providerAnswersByRecipient(provider);
        ObjectNode batch = movedTo(stampedSample(provider.key() + "-batch.json"), merchantOfTheBatches());

        SQSBatchResponse answer = DeliveryFunction.of(provider).handleRequest(sqsEvent(batch), null);

        assertEquals(List.of(SqsEvents.messageId(batch, 2)), failures(answer), provider + ": only the transient record is retried");
        for (JsonNode record : batch.get("Records")) {
            String recipient = recipientAsSent(SqsEvents.job(record).at("/recipient/address").asText());
            assertTrue(ProviderStubs.requests(provider).stream().anyMatch(r -> r.getBodyAsString().contains(recipient)),
                    provider + " was called for the record of " + record.get("messageId").asText());
        }
        assertEquals(DeliveryStatus.SENT, ledger.find(SqsEvents.deliveryId(batch, 0)).orElseThrow().status());
        assertEquals(DeliveryStatus.REJECTED, ledger.find(SqsEvents.deliveryId(batch, 3)).orElseThrow().status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")
    void theCommittedDeliveryBatch_aYearLater_isGivenUpForItsAge_withoutACall(Provider provider) {
        providerAnswersByRecipient(provider);
        ObjectNode batch = movedTo(SqsEvents.load(provider.key() + "-batch.json"), merchantOfTheBatches());

        DeliveryFunction.of(provider).handleRequest(sqsEvent(batch), null);

        // Wigzo's contact identify call is still made before the budget is checked (see the report of this change);
        // no message is sent.
        assertEquals(List.of(), messageCalls(provider), provider + " was sent a message for a job past its budget");
        var record = ledger.find(SqsEvents.deliveryId(batch, 0)).orElseThrow();
        assertEquals(DeliveryStatus.EXHAUSTED, record.status());
        assertEquals("age_exceeded", record.givenUpBy());
    }
}
