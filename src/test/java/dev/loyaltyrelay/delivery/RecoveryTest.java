package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.application.delivery.Recovery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redrive and resend on the real queues and DynamoDB Local: a redrive never resends a delivery that may have reached
 * the customer, goes a page at a time and can be repeated; a resend is explicit, never stuck, and the figures count
 * each delivery once, in its latest outcome.
 */
@QuarkusTest
class RecoveryTest {

    static final Duration AMPLE = Duration.ofSeconds(20);

    @Inject
    DeliveryFixture fixture;
    @Inject
    Recovery recovery;
    @Inject
    DeliveryLedger ledger;
    @Inject
    MutableClock clock;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)));
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    DeliveryJob sent() {
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        return job;
    }

    /** A delivery whose attempt lapsed mid-call: it may have been sent. */
    DeliveryJob unknown() {
        DeliveryJob job = fixture.zokoJob();
        ledger.claim(job, null, new DeliveryLedger.Budget(12, clock.instant().minus(Duration.ofHours(24))), clock.instant());
        clock.advance(Duration.ofSeconds(46));
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.UNKNOWN, fixture.record(job).status());
        return job;
    }

    /** A delivery received more than a day ago: given up and dead-lettered by the pipeline. */
    DeliveryJob exhausted() {
        clock.advance(Duration.ofHours(-25));
        DeliveryJob job = fixture.zokoJob();
        clock.advance(Duration.ofHours(25));
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.EXHAUSTED, fixture.record(job).status());
        return job;
    }

    void deadLetter(DeliveryJob job) {
        LocalAws.get().sqs.sendMessage(r -> r.queueUrl(LocalAws.get().deadLetterQueueUrls.get(BuiltIn.ZOKO)).messageBody(fixture.encode(job)));
    }

    void drainQueue() {
        while (fixture.poll(BuiltIn.ZOKO) > 0) {
            // one batch at a time until nothing is visible
        }
    }

    /**
     * docs/runbook.md's warning: the SQS console's "Start DLQ redrive" moves a given-up delivery's letter back to the
     * provider's queue as it is, without reopening its record, so the pipeline drops it as already ended: nothing is
     * sent, the record stays EXHAUSTED, and the letter is gone from the dead-letter queue. The admin API's redrive is
     * the one that retries.
     */
    @Test
    void aGivenUpLetterMovedBackByTheConsolesRedrive_isDroppedUnsent_theRecordStaysExhausted() {
        DeliveryJob exhausted = exhausted();
        int callsBefore = calls(BuiltIn.ZOKO);

        // What StartMessageMoveTask does: the letter's body, unchanged, onto the source queue.
        fixture.enqueue(exhausted);
        drainQueue();

        assertEquals(callsBefore, calls(BuiltIn.ZOKO), "nothing sent: the claim finds the delivery ended");
        assertEquals(DeliveryStatus.EXHAUSTED, fixture.record(exhausted).status());
        assertTrue(fixture.record(exhausted).trail().stream().noneMatch(step -> "reopened_by_redrive".equals(step.reason())));
    }

    @Test
    void redrive_neverResendsADeliveryThatEndedSentOrUnknown_andSaysHowManyItRemoved() {
        DeliveryJob sent = sent();
        DeliveryJob unknown = unknown();
        DeliveryJob exhausted = exhausted();
        // Second copies of the finished ones reached the DLQ too (a redone fan-out that SQS dead-lettered).
        deadLetter(sent);
        deadLetter(unknown);
        int callsBefore = calls(BuiltIn.ZOKO);

        Recovery.Redriven redriven = recovery.redrive(BuiltIn.ZOKO, 100, AMPLE);
        drainQueue();

        assertEquals(1, redriven.requeued());
        assertEquals(Map.of(DeliveryStatus.SENT, 1, DeliveryStatus.UNKNOWN, 1), redriven.alreadyEnded());
        assertEquals(0, redriven.remaining());
        assertEquals("empty", redriven.stoppedBy());
        assertEquals(callsBefore + 1, calls(BuiltIn.ZOKO), "only the given-up delivery is sent");
        assertEquals(DeliveryStatus.SENT, fixture.record(exhausted).status());
        assertEquals(DeliveryStatus.UNKNOWN, fixture.record(unknown).status());
        assertTrue(fixture.record(exhausted).trail().stream().anyMatch(step -> "reopened_by_redrive".equals(step.reason())));
    }

    @Test
    void aRedriveRepeatedAfterItStoppedBetweenRequeueAndDelete_sendsTheDeliveryOnce() {
        DeliveryJob exhausted = exhausted();
        recovery.redrive(BuiltIn.ZOKO, 100, AMPLE);
        // As if the first run had timed out after the requeue and before the delete: the letter is still there.
        deadLetter(exhausted);

        Recovery.Redriven again = recovery.redrive(BuiltIn.ZOKO, 100, AMPLE);
        drainQueue();

        assertEquals(1, again.requeued(), "still waiting: requeued, not reopened again");
        assertEquals(1, calls(BuiltIn.ZOKO));
        assertEquals(DeliveryStatus.SENT, fixture.record(exhausted).status());

        deadLetter(exhausted);
        Recovery.Redriven afterSent = recovery.redrive(BuiltIn.ZOKO, 100, AMPLE);
        assertEquals(Map.of(DeliveryStatus.SENT, 1), afterSent.alreadyEnded());
        assertEquals(1, calls(BuiltIn.ZOKO));
    }

    @Test
    void redrive_takesAPageOfLettersPerCall_andSaysWhatRemains() {
        for (int i = 0; i < 25; i++) {
            deadLetter(fixture.zokoJob());
        }

        Recovery.Redriven first = recovery.redrive(BuiltIn.ZOKO, 10, AMPLE);
        Recovery.Redriven second = recovery.redrive(BuiltIn.ZOKO, 10, AMPLE);
        Recovery.Redriven third = recovery.redrive(BuiltIn.ZOKO, 10, AMPLE);

        assertEquals(10, first.requeued());
        assertEquals(15, first.remaining());
        assertEquals("max", first.stoppedBy());
        assertEquals(10, second.requeued());
        assertEquals(5, third.requeued());
        assertEquals(0, third.remaining());
        assertEquals("empty", third.stoppedBy());
        assertEquals(25, Queues.drain(BuiltIn.ZOKO).size());
    }

    @Test
    void aRedriveThatFailsPartWay_leavesItsLettersVisible_soTheRepeatedCallRequeuesThem() {
        for (int i = 0; i < 3; i++) {
            deadLetter(fixture.zokoJob());
        }
        // The store fails while the first letter's record is read: the call fails (503 to the operator).
        DynamoFaults.inject(request -> request instanceof software.amazon.awssdk.services.dynamodb.model.GetItemRequest get
                && get.key().get("pk").s().startsWith("DELIVERY#"), When.BEFORE_SENDING, 1_000_000);
        try {
            recovery.redrive(BuiltIn.ZOKO, 100, AMPLE);
            throw new AssertionError("the redrive went on without the store");
        } catch (dev.loyaltyrelay.domain.StoreUnavailable expected) {
            // The operator sees 503 and calls again.
        }
        DynamoFaults.clear();

        Recovery.Redriven again = recovery.redrive(BuiltIn.ZOKO, 100, AMPLE);

        assertEquals(3, again.requeued(), "the letters the failed call had taken are found at once, not a minute later");
        assertEquals(0, again.remaining());
    }

    @Test
    void redrive_stopsWhenItsTimeIsSpent_leavingTheLettersForTheNextCall() {
        for (int i = 0; i < 3; i++) {
            deadLetter(fixture.zokoJob());
        }

        Recovery.Redriven outOfTime = recovery.redrive(BuiltIn.ZOKO, 100, Duration.ZERO);

        assertEquals("time", outOfTime.stoppedBy());
        assertEquals(0, outOfTime.requeued());
        assertEquals(3, outOfTime.remaining());
        assertEquals(3, recovery.redrive(BuiltIn.ZOKO, 100, AMPLE).requeued());
    }

    @Test
    void aResendWhoseRequeueFails_changesNothing_andCanBeAskedAgain() {
        DeliveryJob job = sent();
        String queueUrl = LocalAws.get().queueUrls.get(BuiltIn.ZOKO);
        String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        LocalAws.get().sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        try {
            assertEquals(Recovery.Resend.QUEUE_UNAVAILABLE, recovery.resend(job.deliveryId()));
            assertEquals(DeliveryStatus.SENT, fixture.record(job).status(), "the reopening is undone");
            assertEquals(Map.of("sent", 1L), fixture.totals());
        } finally {
            LocalAws.get().sqs.createQueue(r -> r.queueName(queueName));
        }

        assertEquals(Recovery.Resend.REQUEUED, recovery.resend(job.deliveryId()));
        drainQueue();

        assertEquals(2, calls(BuiltIn.ZOKO));
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertTrue(fixture.record(job).trail().stream().anyMatch(step -> "resend_requested".equals(step.reason())));
    }

    @Test
    void aResendWhoseReopeningWasAppliedWithItsAnswerLost_isQueued_notAnsweredNotFinished() {
        // Found by the full-size storm: the SDK repeated the applied reopening, its condition failed on its own result,
        // and the resend answered "not finished", leaving the delivery reopened with no message anywhere.
        DeliveryJob job = sent();
        long faultsBefore = DynamoFaults.fired();
        DynamoFaults.inject(request -> request.toString().contains("resend_requested"), When.AFTER_APPLYING, 1);

        assertEquals(Recovery.Resend.REQUEUED, recovery.resend(job.deliveryId()));
        assertEquals(faultsBefore + 1, DynamoFaults.fired(), "the reopening's answer was lost once");
        drainQueue();

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(2, calls(BuiltIn.ZOKO));
    }

    @Test
    void aReopeningUndoneWithItsAnswerLost_isTakenAsUndone() {
        DeliveryJob job = sent();
        String queueUrl = LocalAws.get().queueUrls.get(BuiltIn.ZOKO);
        String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        long faultsBefore = DynamoFaults.fired();
        DynamoFaults.inject(request -> request.toString().contains("reopening_undone"), When.AFTER_APPLYING, 1);
        LocalAws.get().sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        try {
            assertEquals(Recovery.Resend.QUEUE_UNAVAILABLE, recovery.resend(job.deliveryId()));
        } finally {
            LocalAws.get().sqs.createQueue(r -> r.queueName(queueName));
        }
        assertEquals(faultsBefore + 1, DynamoFaults.fired());
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status(), "the reopening is undone");
        assertEquals(Map.of("sent", 1L), fixture.totals());
    }

    @Test
    void aResendLeftReopenedWithoutAMessage_isQueuedByTheNextResend_notRefused() {
        DeliveryJob job = sent();
        String queueUrl = LocalAws.get().queueUrls.get(BuiltIn.ZOKO);
        String queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
        // The queue refuses the job, and the store refuses the undo: the record stays reopened with no message anywhere.
        DynamoFaults.inject(request -> request.toString().contains("reopening_undone"), When.BEFORE_SENDING, 1_000);
        LocalAws.get().sqs.deleteQueue(r -> r.queueUrl(queueUrl));
        try {
            assertEquals(Recovery.Resend.QUEUE_UNAVAILABLE, recovery.resend(job.deliveryId()));
        } finally {
            LocalAws.get().sqs.createQueue(r -> r.queueName(queueName));
            DynamoFaults.clear();
        }
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(job).status());

        assertEquals(Recovery.Resend.ALREADY_PENDING, recovery.resend(job.deliveryId()), "queued again, not refused");
        drainQueue();

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(2, calls(BuiltIn.ZOKO));
    }

    @Test
    void theFigures_countEachDeliveryOnce_inItsLatestOutcome_acrossResendAndRedrive() {
        DeliveryJob sent = sent();
        DeliveryJob exhausted = exhausted();
        assertEquals(Map.of("sent", 1L, "failed", 1L), fixture.totals());

        recovery.resend(sent.deliveryId());
        assertEquals(Map.of("pending", 1L, "failed", 1L), fixture.totals(), "a reopened delivery is pending, not sent and pending");
        recovery.redrive(BuiltIn.ZOKO, 100, AMPLE);
        assertEquals(Map.of("pending", 2L), fixture.totals());
        drainQueue();

        assertEquals(DeliveryStatus.SENT, fixture.record(exhausted).status());
        assertEquals(Map.of("sent", 2L), fixture.totals(), "no failed left, no pending below zero");
    }
}
