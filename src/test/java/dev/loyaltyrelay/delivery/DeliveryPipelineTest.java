package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.application.delivery.IntegrationDirectory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryIds;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.SqsVisibilityChanges;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The delivery pipeline's decisions, with the Zoko function fed by a real queue the way Lambda's SQS event source
 * feeds it: leases, unknown outcomes, refused credentials, rendering failures, retry delays and the budget.
 */
@QuarkusTest
class DeliveryPipelineTest {

    static final String ZOKO_PATH = "/v2/message";

        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    @Inject
    TestMerchants merchants;
    @Inject
    dev.loyaltyrelay.observability.EmfMetrics metrics;
    @Inject
    DeliveryLedger ledger;
    @Inject
    ConfigurationStore configuration;
    @Inject
    DeliveryJobCodec codec;
    @Inject
    MutableClock clock;
    @Inject
    IntegrationDirectory integrations;

    String merchantId;
    SqsEventSource zokoQueue;

    @BeforeEach
    void freshMerchantAndQueues() {
        clock.set(Webhooks.SIGNED_AT);
        ProviderStubs.resetAll();
        Queues.purgeAll();
        integrations.forgetAll();
        merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-key-0001"));
        zokoQueue = new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(BuiltIn.ZOKO));
    }

    void zokoAnswers(ResponseDefinitionBuilder answer) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(answer));
    }

    DeliveryJob job(String integrationId, Map<String, Object> properties) {
        var mapping = new EventMapping(integrationId, "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("amount", null)), "en", ForwardedProperties.NONE);
        String nectorId = "nd-" + UUID.randomUUID();
        return new DeliveryJob(DeliveryJob.SCHEMA_VERSION, DeliveryIds.derive(merchantId, nectorId, integrationId, "wallet"), merchantId,
                nectorId, "walletreward_create", BuiltIn.ZOKO, integrationId, new Recipient(CommonProperty.MOBILE, "+919876543210"),
                mapping, properties, clock.instant());
    }

    DeliveryJob job() {
        return job("zoko-1", Map.of("user_name", "Riya", "amount", 100));
    }

    void enqueue(DeliveryJob job) {
        enqueue(codec.encode(job));
    }

    void enqueue(String body) {
        LocalAws.get().sqs.sendMessage(r -> r.queueUrl(LocalAws.get().queueUrls.get(BuiltIn.ZOKO)).messageBody(body));
    }

    int poll() {
        return zokoQueue.pollOnce(event -> zoko.handleRequest(event, null), 0);
    }

    DeliveryRecord record(DeliveryJob job) {
        return ledger.find(job.deliveryId()).orElseThrow();
    }

    /** Another function's claim on the delivery, as a Lambda that is (or was) attempting it holds it. */
    void claimElsewhere(DeliveryJob job) {
        ledger.claim(job, null, new DeliveryLedger.Budget(12, clock.instant().minus(Duration.ofHours(24))), clock.instant());
    }

    int zokoCalls() {
        return ProviderStubs.requests(BuiltIn.ZOKO).size();
    }

    @Test
    void serverErrorWithRetryAfter_comesBackAfterThatDelay_notBefore() {
        zokoAnswers(aResponse().withStatus(503).withHeader("Retry-After", "4"));
        DeliveryJob job = job();
        enqueue(job);
        SqsVisibilityChanges.clear();

        assertEquals(1, poll());

        DeliveryRecord record = record(job);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, record.status());
        assertEquals("http_503", record.reason());
        assertEquals(clock.instant().plusSeconds(4), record.nextAttemptAt());
        assertEquals(List.of(), Queues.drain(BuiltIn.ZOKO), "invisible until its delay has passed");
        String queue = LocalAws.get().queueUrls.get(BuiltIn.ZOKO);
        assertEquals("1", LocalAws.get().sqs.getQueueAttributes(r -> r.queueUrl(queue)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE), "kept on the queue, not deleted");
        // When it comes back is the visibility timeout the function set on it and the queue accepted (SQS counts it on
        // the real clock): read here, not waited out.
        List<SqsVisibilityChanges.Change> set = SqsVisibilityChanges.onQueue(queue);
        assertEquals(List.of(4), set.stream().map(SqsVisibilityChanges.Change::seconds).toList(),
                "visible again after Retry-After (4 s), not before: " + set);
    }

    @Test
    void retryAfterBeyondTwelveHours_isClampedToWhatSqsAccepts() {
        // 14 h: more than a queue holds, less than the 24 h age budget (a wait beyond the budget gives the delivery up).
        zokoAnswers(aResponse().withStatus(429).withHeader("Retry-After", "50400"));
        DeliveryJob job = job();
        enqueue(job);

        poll();

        assertEquals(clock.instant().plus(ProviderQueues.MAX_POSTPONEMENT), record(job).nextAttemptAt());
        assertEquals(Duration.ofSeconds(43_140), ProviderQueues.MAX_POSTPONEMENT);
    }

    @Test
    void withoutRetryAfter_theDelayBacksOffExponentiallyWithJitter() {
        zokoAnswers(aResponse().withStatus(500));
        DeliveryJob job = job();
        enqueue(job);

        poll();

        Duration delay = Duration.between(clock.instant(), record(job).nextAttemptAt());
        assertTrue(delay.compareTo(Duration.ofMillis(7_500)) >= 0 && delay.compareTo(Duration.ofSeconds(15)) <= 0,
                "first backoff within [base/2, base]: " + delay);
    }

    @Test
    void aClaimThatLapsedMidAttempt_isTakenOverAsUnknown_withoutCallingAgain() {
        zokoAnswers(aResponse().withStatus(202));
        DeliveryJob job = job();
        claimElsewhere(job);
        clock.advance(Duration.ofSeconds(46));
        enqueue(job);

        poll();

        DeliveryRecord record = record(job);
        assertEquals(DeliveryStatus.UNKNOWN, record.status());
        assertEquals("attempt_lapsed_mid_call", record.reason());
        assertEquals(0, zokoCalls());
    }

    @Test
    void aLiveClaimElsewhere_sendsNothing_andLeavesTheMessageForLater() {
        zokoAnswers(aResponse().withStatus(202));
        DeliveryJob job = job();
        claimElsewhere(job);
        enqueue(job);

        poll();

        assertEquals(DeliveryStatus.SENDING, record(job).status());
        assertEquals(0, zokoCalls());
        assertEquals(List.of(), Queues.drain(BuiltIn.ZOKO), "kept, invisible until the lease ends");
        assertEquals(0, Queues.drainDeadLetters(BuiltIn.ZOKO).size());
    }

    @Test
    void refusedCredentials_flagTheIntegration_andItsNextJobsAreRejectedWithoutCalls() {
        zokoAnswers(aResponse().withStatus(401));
        DeliveryJob first = job();
        DeliveryJob second = job();
        enqueue(first);
        poll();
        enqueue(second);

        poll();

        assertEquals(DeliveryStatus.REJECTED, record(first).status());
        assertEquals("credentials_refused", record(first).reason());
        Integration integration = configuration.load(merchantId).orElseThrow().integrations().getFirst();
        assertEquals("credentials_refused", integration.attention().reason());
        assertEquals(clock.instant(), integration.attention().since());
        assertEquals("integration_needs_attention", record(second).reason());
        assertEquals(1, zokoCalls());
    }

    @Test
    void anIntegrationWhoseBreakerOpens_isFlaggedForAttention_countedForItsAlarm_andNoFurtherCallIsMade() {
        long openedBefore = metrics.total("ProviderBreakerOpened", Map.of("provider", "zoko"));
        zokoAnswers(aResponse().withStatus(503));
        for (int i = 0; i < 8; i++) {
            enqueue(job());
            poll();
        }
        assertEquals(8, zokoCalls());

        Integration integration = configuration.load(merchantId).orElseThrow().integrations().getFirst();
        assertEquals("provider_failing", integration.attention().reason());
        assertEquals(openedBefore + 1, metrics.total("ProviderBreakerOpened", Map.of("provider", "zoko")),
                "the breaker-open alarm's metric counts the opening once");
        DeliveryJob whileOpen = job();
        enqueue(whileOpen);
        poll();
        assertEquals("circuit_open", record(whileOpen).reason());
        assertEquals(8, zokoCalls(), "no call while the breaker is open");
    }

    @Test
    void aVariableWithoutValueOrFallback_isRejectedNamingIt_withoutACall() {
        zokoAnswers(aResponse().withStatus(202));
        DeliveryJob job = job("zoko-1", Map.of("user_name", "Riya"));
        enqueue(job);

        poll();

        assertEquals(DeliveryStatus.REJECTED, record(job).status());
        assertEquals("variable_missing:amount", record(job).reason());
        assertEquals(0, zokoCalls());
    }

    @Test
    void variablesAreRenderedInOrder_withFallbacks_plainNumbers_andWhatsAppSafeText() {
        zokoAnswers(aResponse().withStatus(202));
        var properties = new LinkedHashMap<String, Object>();
        properties.put("amount", new java.math.BigDecimal("100.50"));
        properties.put("user_name", "   ");
        DeliveryJob job = job("zoko-1", properties);
        enqueue(job);

        poll();

        ProviderStubs.of(BuiltIn.ZOKO).verify(postRequestedFor(urlEqualTo(ZOKO_PATH))
                .withRequestBody(equalToJson("{\"templateArgs\":[\"there\",\"100.5\"]}", true, true)));
        assertEquals(DeliveryStatus.SENT, record(job).status());
    }

    @Test
    void aDisabledIntegration_rejectsItsJobs_withoutACall() {
        merchants.integration(merchantId, "zoko-off", BuiltIn.ZOKO, false, Map.of("apiKey", "zk-key-0002"));
        DeliveryJob job = job("zoko-off", Map.of("user_name", "Riya", "amount", 1));
        enqueue(job);

        poll();

        assertEquals("integration_disabled", record(job).reason());
        assertEquals(0, zokoCalls());
    }

    @Test
    void aDeliveryOutOfAttempts_isRecordedExhausted_andMovedToTheDeadLetterQueueByThePipeline() {
        zokoAnswers(aResponse().withStatus(500));
        DeliveryJob job = job();
        enqueue(job);
        poll();
        LocalAws.get().dynamo.updateItem(r -> r.tableName(LocalAws.RECORDS_TABLE)
                .key(Map.of("pk", AttributeValue.fromS("DELIVERY#" + job.deliveryId()), "sk", AttributeValue.fromS("DELIVERY")))
                .updateExpression("SET attempts = :eleven").expressionAttributeValues(Map.of(":eleven", AttributeValue.fromN("11"))));
        enqueue(job);

        poll();

        assertEquals(DeliveryStatus.EXHAUSTED, record(job).status());
        List<Message> dead = Queues.drainDeadLetters(BuiltIn.ZOKO);
        assertEquals(1, dead.size());
        assertEquals(job.deliveryId(), codec.decode(dead.getFirst().body()).deliveryId());
        assertEquals("http_500", dead.getFirst().messageAttributes().get("reason").stringValue());
        assertEquals(2, zokoCalls());
    }

    @Test
    void aJobPastItsAge_isDeadLetteredWithoutACall() {
        zokoAnswers(aResponse().withStatus(202));
        DeliveryJob job = job();
        clock.advance(Duration.ofHours(25));
        enqueue(job);

        poll();

        assertEquals(DeliveryStatus.EXHAUSTED, record(job).status());
        assertEquals("age_exceeded", record(job).reason());
        assertEquals(1, Queues.drainDeadLetters(BuiltIn.ZOKO).size());
        assertEquals(0, zokoCalls());
    }

    @Test
    void whenTheDeadLetterQueueIsUnreachable_theDeliveryWaits_andIsDeadLetteredOnTheNextReceive() {
        DeliveryJob job = job();
        clock.advance(Duration.ofHours(25));
        String deadLetterUrl = LocalAws.get().deadLetterQueueUrls.get(BuiltIn.ZOKO);
        String deadLetterName = deadLetterUrl.substring(deadLetterUrl.lastIndexOf('/') + 1);
        LocalAws.get().sqs.deleteQueue(r -> r.queueUrl(deadLetterUrl));
        try {
            enqueue(job);
            poll();
            assertEquals(DeliveryStatus.RETRY_SCHEDULED, record(job).status(), "not recorded as given up while its DLQ is away");
        } finally {
            LocalAws.get().sqs.createQueue(r -> r.queueName(deadLetterName));
        }
        enqueue(job);

        poll();

        assertEquals(DeliveryStatus.EXHAUSTED, record(job).status());
        assertEquals(1, Queues.drainDeadLetters(BuiltIn.ZOKO).size());
        assertEquals(0, zokoCalls());
    }

    @Test
    void anUnreadableMessage_isDeadLettered_andRemovedFromTheQueue() {
        enqueue("{\"schemaVersion\": 99}");
        enqueue("not json at all");

        poll();

        List<Message> dead = Queues.drainDeadLetters(BuiltIn.ZOKO);
        assertEquals(2, dead.size());
        assertEquals("job_unreadable", dead.getFirst().messageAttributes().get("reason").stringValue());
        assertEquals(List.of(), Queues.drain(BuiltIn.ZOKO));
        assertEquals(0, zokoCalls());
    }

    @Test
    void noCallStarts_whenTheLambdaHasTooLittleTimeLeft() {
        zokoAnswers(aResponse().withStatus(202));
        DeliveryJob job = job();
        enqueue(job);
        var almostOutOfTime = new com.amazonaws.services.lambda.runtime.Context() {
            public String getAwsRequestId() { return "r"; }
            public String getLogGroupName() { return "g"; }
            public String getLogStreamName() { return "s"; }
            public String getFunctionName() { return "zoko"; }
            public String getFunctionVersion() { return "1"; }
            public String getInvokedFunctionArn() { return "arn"; }
            public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() { return null; }
            public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() { return null; }
            public int getRemainingTimeInMillis() { return 2_500; }
            public int getMemoryLimitInMB() { return 512; }
            public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() { return null; }
        };

        zokoQueue.pollOnce(event -> {
            var response = zoko.handleRequest(event, almostOutOfTime);
            assertEquals(1, response.getBatchItemFailures().size(), "left for another invocation");
            return response;
        }, 0);

        assertEquals(0, zokoCalls());
        DeliveryRecord waiting = record(job);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, waiting.status(), "not claimed: a wait like any other, within the receive budget");
        assertEquals("out_of_time", waiting.reason());
        assertEquals(0, waiting.attempts());
    }

    @Test
    void steadyStateCost_ofABatchOfTenDeliveries_isPrinted() {
        zokoAnswers(aResponse().withStatus(202));
        enqueue(job());
        poll();
        for (int i = 0; i < 10; i++) {
            enqueue(job());
        }
        dev.loyaltyrelay.support.DynamoCallCounter.reset();

        assertEquals(10, poll());

        long roundTrips = dev.loyaltyrelay.support.DynamoCallCounter.roundTrips();
        System.out.printf("DELIVERY COST (steady state: credentials cached, one merchant, batch of 10): %.2f DynamoDB round trips"
                + " per delivery (%d for the batch: claim, job kept, recipient re-check and record each, one read of the recipients' policies;"
                + " the figures follow from the records' stream)%n", roundTrips / 10.0, roundTrips);
        assertEquals(41, roundTrips, "10 claims, 10 jobs kept, 10 recipient re-checks, 10 outcomes, 1 batch policy read");
    }

    @Test
    void aJobForAnotherProvider_isDeadLettered() {
        DeliveryJob job = job();
        String asWigzo = codec.encode(job).replace("\"provider\":\"zoko\"", "\"provider\":\"wigzo\"");
        enqueue(asWigzo);

        poll();

        assertEquals("job_for_another_provider",
                Queues.drainDeadLetters(BuiltIn.ZOKO).getFirst().messageAttributes().get("reason").stringValue());
    }
}
