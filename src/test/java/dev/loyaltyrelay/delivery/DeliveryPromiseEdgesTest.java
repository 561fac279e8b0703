package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.SqsVisibilityChanges;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The delivery promise at its harder edges (found by an independent review of issue 10): hostile text renders in time,
 * a request that never left is never UNKNOWN, a repeated wait is counted once, waits back off while the store is down,
 * a delivery given up keeps its last reason. Real queue, DynamoDB Local, WireMock; store faults injected in the SDK.
 */
@QuarkusTest
class DeliveryPromiseEdgesTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    TestMerchants merchants;
        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    @Inject
    dev.loyaltyrelay.domain.DeliveryLedger ledger;
    @Inject
    RelayConfig config;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    void zokoAnswers(int status) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-msg-1\"}")));
    }

    /** A context as Lambda gives one: {@code remainingMillis} left. */
    static Context remaining(long remainingMillis) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> switch (
                method.getName()) {
            case "getRemainingTimeInMillis" -> (int) remainingMillis;
            case "getAwsRequestId" -> "review-request";
            case "getMemoryLimitInMB" -> 1024;
            case "toString" -> "ReviewContext";
            case "hashCode" -> 0;
            case "equals" -> proxy == args[0];
            default -> null;
        });
    }

    /** The job's message as SQS hands it out: its receipt handle, with the given receive count. */
    static SQSEvent received(Message message, int receiveCount) {
        var record = new SQSEvent.SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        record.setAttributes(Map.of("ApproximateReceiveCount", Integer.toString(receiveCount)));
        var event = new SQSEvent();
        event.setRecords(List.of(record));
        return event;
    }

    static Message receiveOne(Provider provider) {
        String url = LocalAws.get().queueUrls.get(provider);
        return LocalAws.get().sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(1).waitTimeSeconds(2)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages().getFirst();
    }

    /**
     * A wait (no call) whose UpdateItem DynamoDB applied but whose answer was lost: the SDK repeats it, and the repeat
     * is applied again (a waiting record still meets the settle condition), so its ALL_OLD already shows "pending"
     * and the delivery is never counted pending. When it is later sent, pending is decremented: -1.
     */
    @Test
    void aWaitWhoseAnswerWasLost_isCountedPendingOnce_andPendingNeverGoesNegative() {
        zokoAnswers(202);
        DeliveryJob job = fixture.zokoJob();
        DynamoFaults.inject(DynamoFaults.configurationLoad(), When.BEFORE_SENDING, 1_000);
        DynamoFaults.inject(DynamoFaults.updateOf("DELIVERY#", "waits"), When.AFTER_APPLYING, 1);
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(job).status());
        Map<String, Long> whileWaiting = fixture.totals();

        DynamoFaults.clear();
        clock.advance(Duration.ofMinutes(1));
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(Map.of("sent", 1L), fixture.totals(), "a delivery counts once, in its latest outcome; pending never negative"
                + " (while it waited the figures were " + whileWaiting + ")");
        assertEquals(Map.of("pending", 1L), whileWaiting, "the waiting delivery is counted pending once");
    }

    /**
     * A customer name of 64K spaces (ingest accepts strings up to 64K characters) takes the WhatsApp-safe rewrite
     * about 25 s: its pattern {@code [ ]*[\r\n\t]+...} backtracks quadratically. The render outlasts the time left for
     * a call, the pipeline answers "again" without writing anything, and the job comes back at once, for ever: no
     * record, no figure, until SQS's own receive limit dead-letters it without a reason.
     */
    @Test
    void aVariableOfManySpaces_isRenderedInTime_andTheDeliveryIsRecorded() {
        zokoAnswers(202);
        DeliveryJob job = fixture.zokoJob("zoko-1", Map.of("user_name", " ".repeat(65_536), "amount", 100));
        fixture.enqueue(job);
        Message message = receiveOne(BuiltIn.ZOKO);

        long started = System.nanoTime();
        zoko.handleRequest(received(message, 1), remaining(15_000));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        Optional<DeliveryRecord> record = ledger.find(job.deliveryId());
        assertTrue(record.isPresent(), "the delivery is recorded (invocation took " + tookMillis + " ms, no record written)");
        assertEquals(DeliveryStatus.SENT, record.get().status(), "blank after the WhatsApp rewrite: the fallback is sent");
        assertEquals(1, calls(BuiltIn.ZOKO));
    }

    /**
     * While DynamoDB is down, a wait cannot be written; the exception leaves the task and the pipeline retries the
     * record after the fixed {@code backoff-base} (15 s) whatever its receive count. 90 receives are then about 22
     * minutes, not 24 h: a store outage of that length ends every delivery on the DLQ (and a new one with no record).
     * The delay is read where the function sets it, on the message (the visibility timeout the queue accepted), not by
     * waiting to see the message stay away.
     */
    @Test
    void aWaitTheStoreCannotRecord_stillBacksOffWithTheReceiveCount() {
        zokoAnswers(202);
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        Message message = receiveOne(BuiltIn.ZOKO);
        DynamoFaults.inject(request -> true, When.BEFORE_SENDING, 1_000_000);

        var answer = zoko.handleRequest(received(message, 20), null);

        DynamoFaults.clear();
        assertEquals(List.of(message.messageId()), answer.getBatchItemFailures().stream()
                .map(failure -> failure.getItemIdentifier()).toList(), "the message is received again");
        // After 20 receives the backoff is at its cap (1 h; equal jitter: at least half of it), not the 15 s base.
        Duration cap = config.delivery().backoffCap();
        List<SqsVisibilityChanges.Change> set = SqsVisibilityChanges.of(message.receiptHandle());
        assertEquals(1, set.size(), "the function set the message's visibility once: " + set);
        assertEquals(LocalAws.get().queueUrls.get(BuiltIn.ZOKO), set.getFirst().queueUrl());
        long hiddenSeconds = set.getFirst().seconds();
        assertTrue(hiddenSeconds >= cap.toSeconds() / 2 && hiddenSeconds <= cap.toSeconds(),
                "a wait at the 20th receive is backed off by the receive count (between " + cap.dividedBy(2) + " and " + cap
                        + "), not retried after " + config.delivery().backoffBase() + ": hidden for " + hiddenSeconds + " s");
        assertEquals(List.of(), Queues.drain(BuiltIn.ZOKO), "and the queue keeps it hidden");
    }

    /**
     * Credentials the admin API accepts for LimeChat, DelightChat and BiteSpeed (any non-blank string up to 512
     * characters, trimmed only at the ends) may hold a line break. The HTTP client refuses such a header before
     * anything is sent; ProviderHttp classifies every client exception that is not a connect failure or a timeout as
     * "response lost", so the delivery ends UNKNOWN though no request left.
     */
    @Test
    void aCredentialTheHttpClientRefusesToSend_isNeverUnknown_forNoRequestWasMade() {
        zokoAnswers(202);
        merchants.integration(fixture.merchantId(), "zoko-bad-key", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-key\\n0001"));
        // (TestMerchants writes the JSON by hand: the escape above is a real line break once the credentials are read.)
        DeliveryJob job = fixture.zokoJob("zoko-bad-key", Map.of("user_name", "Riya", "amount", 5));
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord record = fixture.record(job);
        assertEquals(0, calls(BuiltIn.ZOKO), "no request reached the provider");
        assertNotEquals(DeliveryStatus.UNKNOWN, record.status(), "UNKNOWN only where a request may have reached the provider; reason "
                + record.reason());
    }

    /**
     * README, Budget: "The pipeline then records the delivery EXHAUSTED with the last reason". After a provider 503,
     * a delivery whose age budget ends at its next claim is recorded (and dead-lettered) as {@code age_exceeded}.
     */
    @Test
    void aDeliveryGivenUpForAge_keepsTheLastReason() {
        zokoAnswers(503);
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals("http_503", fixture.record(job).reason());

        clock.advance(Duration.ofHours(25));
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.EXHAUSTED, fixture.record(job).status());
        assertEquals("http_503", fixture.record(job).reason(), "given up with the last reason");
        assertEquals("age_exceeded", fixture.record(job).givenUpBy(), "and the budget that ended it");
    }
}
