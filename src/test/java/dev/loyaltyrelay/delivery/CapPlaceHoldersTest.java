package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.FrequencyCaps;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;
import java.time.LocalTime;
import java.util.Map;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.QuietHours;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cap's places under racing copies, dead functions and claimed deferrals (issue 13, found in the second review): a copy that loses its claim frees nothing another sent on; a place left by a function that died is taken over and freed when the delivery fails; a deferral under a claim earns its credit. */
@QuarkusTest
class CapPlaceHoldersTest {

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    static final FrequencyCap ONE_A_DAY = new FrequencyCap(1, Duration.ofDays(1));

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore configuration;
    @Inject
    FrequencyCaps caps;
    @Inject
    ProviderQueues queues;
    @Inject
    dev.loyaltyrelay.domain.DeliveryLedger ledger;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
        zokoAnswers(202);
        configuration.saveMerchant(new Merchant(fixture.merchantId(), "IN", KOLKATA, SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(ONE_A_DAY, null));
        clock.set(LocalDateTime.parse("2026-12-02T12:00").atZone(KOLKATA).toInstant());
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    void zokoAnswers(int status) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-msg-1\"}")));
    }

    /**
     * Two copies of one delivery (SQS at-least-once, or a copy received again after its visibility ended) in two
     * containers. Copy A takes its place; before A claims, copy B finds A's place, "goes on it" without a place of its own,
     * claims and sends. A's claim then finds the delivery finished (or held elsewhere) and gives back ITS place: the one
     * B's sent message stands on. The recipient has had one marketing message, the cap (1 a day) shows none used, and a
     * second delivery is sent: two marketing messages under a cap of one.
     */
    @Test
    void aCopyThatLosesTheClaim_givesBackThePlaceTheWinningCopySentOn_andTheCapIsExceeded() {
        DeliveryJob first = fixture.zokoJob();
        DeliveryJob second = fixture.zokoJob();
        AtomicReference<Object> copyB = new AtomicReference<>();
        // Copy B runs in full in another container between copy A's take of a place and copy A's claim.
        DynamoFaults.justBefore(DynamoFaults.updateOf("DELIVERY#", "claimedAt"), () -> copyB.set(fixture.invoke(first, 2)));

        fixture.invoke(first, 1);

        assertEquals(DeliveryStatus.SENT, fixture.record(first).status());
        assertEquals(1, calls(BuiltIn.ZOKO), "one copy sent (copy B ran: " + copyB.get() + ")");
        var recipient = new RecipientKey(fixture.merchantId(), first.recipient());
        int inUse = caps.inUse(recipient, ONE_A_DAY, clock.instant());

        clock.advance(Duration.ofMinutes(5));
        fixture.invoke(second, 1);

        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(second).status(),
                "one marketing message sent already today, cap 1 a day (places in use after the first: " + inUse + "); calls: " + calls(BuiltIn.ZOKO));
        assertEquals(1, calls(BuiltIn.ZOKO), "two marketing messages under a cap of one");
    }

    /**
     * A function dies between taking its place and claiming (README: "a function that dies taking a place has sent
     * nothing"). The copy received again goes on that place instead of taking its own; its call is refused for good
     * (400), and it gives back its own place id, which was never written. The dead attempt's place stays: a REJECTED
     * delivery uses the recipient's only place of the day, and the next marketing message is suppressed frequency_cap.
     * "A suppressed or failed one does not use the cap."
     */
    @Test
    void aPlaceLeftByAFunctionThatDied_isNotGivenBackWhenTheDeliveryFails_soAFailedDeliveryUsesTheCap() {
        DeliveryJob first = fixture.zokoJob();
        DeliveryJob second = fixture.zokoJob();
        var recipient = new RecipientKey(fixture.merchantId(), first.recipient());
        // What the function that died did: marketingLimits took the attempt's place (the same call the pipeline makes).
        caps.take(recipient, first.deliveryId(), "died-before-claiming", ONE_A_DAY, clock.instant());

        clock.advance(Duration.ofMinutes(1));
        zokoAnswers(400);
        fixture.invoke(first, 2);
        assertEquals(DeliveryStatus.REJECTED, fixture.record(first).status());

        zokoAnswers(202);
        clock.advance(Duration.ofMinutes(5));
        fixture.invoke(second, 1);

        assertEquals(0, caps.inUse(recipient, ONE_A_DAY, clock.instant()) - (fixture.record(second).status() == DeliveryStatus.SENT ? 1 : 0),
                "a rejected delivery holds no place");
        assertEquals(DeliveryStatus.SENT, fixture.record(second).status(), "the day's first message that reached the customer; reason "
                + fixture.record(second).reason());
    }

    /**
     * The takeover path (README Delivery 5): a copy carrying an outcome whose claim is not the record's any more is "an
     * ordinary attempt under the new claim" (withinMarketingLimitsUnder). Inside quiet hours it is recorded DEFERRED under
     * the claim, through ledger.record, which writes no credit: DeliveryLedger.record's contract ("A DEFERRED outcome moves
     * the start of the delivery's age budget on by the wait") is not kept. The 11 h night wait is charged to the 24 h age
     * budget: a delivery 16 h old at 22:00 is given up age_exceeded at 09:00 instead of being sent.
     */
    @Test
    void aDeferralRecordedUnderAClaim_creditsNoWait_andTheNightSpendsTheAgeBudget() {
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(null, new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0))));
        clock.set(LocalDateTime.parse("2026-12-02T06:00").atZone(KOLKATA).toInstant());
        DeliveryJob job = fixture.zokoJob();
        fixture.invoke(job, 1);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status(), "06:00 is quiet: deferred (unclaimed, 3 h credited)");
        clock.set(LocalDateTime.parse("2026-12-02T09:00:05").atZone(KOLKATA).toInstant());
        zokoAnswers(503);
        fixture.invoke(job, 2);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(job).status());

        // 23:00, 14 h of the age budget spent: a copy carrying an outcome of a claim that is not the record's arrives.
        zokoAnswers(202);
        clock.set(LocalDateTime.parse("2026-12-02T23:00").atZone(KOLKATA).toInstant());
        queues.requeue(job.provider(), fixture.encode(job), Map.of("carriedToken", "a-claim-long-gone", "carriedStatus", "SENT",
                "carriedReason", "sent", "carriedCalled", "true", "carriedHttpStatus", "202"));
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status(), "reason " + fixture.record(job).reason());
        assertEquals(1, calls(BuiltIn.ZOKO), "only the 503; nothing sent in quiet hours");

        // 09:00 next day: the quiet hours are over; 14 h of budget spent outside them, 10 h deferred under the claim.
        clock.set(LocalDateTime.parse("2026-12-03T09:00:05").atZone(KOLKATA).toInstant());
        fixture.invoke(job, 4);

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status(), "14 h of the budget spent outside quiet hours; the record says "
                + fixture.record(job).status() + " (" + fixture.record(job).reason() + ")");
    }
    /** Control (passes): the same timeline, the 23:00 attempt an ordinary copy: deferred unclaimed, credited, sent. */
    @Test
    void control_theSameNightDeferredWithoutAClaim_isCredited_andSent() {
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(null, new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0))));
        clock.set(LocalDateTime.parse("2026-12-02T06:00").atZone(KOLKATA).toInstant());
        DeliveryJob job = fixture.zokoJob();
        fixture.invoke(job, 1);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status(), "06:00 is quiet: deferred (unclaimed, 3 h credited)");
        clock.set(LocalDateTime.parse("2026-12-02T09:00:05").atZone(KOLKATA).toInstant());
        zokoAnswers(503);
        fixture.invoke(job, 2);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(job).status());

        // 23:00, 14 h of the age budget spent: a copy carrying an outcome of a claim that is not the record's arrives.
        zokoAnswers(202);
        clock.set(LocalDateTime.parse("2026-12-02T23:00").atZone(KOLKATA).toInstant());
        fixture.invoke(job, 3);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status(), "reason " + fixture.record(job).reason());
        assertEquals(1, calls(BuiltIn.ZOKO), "only the 503; nothing sent in quiet hours");

        // 09:00 next day: the quiet hours are over; 14 h of budget spent outside them, 10 h deferred under the claim.
        clock.set(LocalDateTime.parse("2026-12-03T09:00:05").atZone(KOLKATA).toInstant());
        fixture.invoke(job, 4);

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status(), "14 h of the budget spent outside quiet hours; the record says "
                + fixture.record(job).status() + " (" + fixture.record(job).reason() + ")");
    }

    /** Checked sound (passes): an unclaimed deferral whose write races a claim and a finished send does not overwrite them. */
    @Test
    void anUnclaimedDeferral_racingAClaimThatSends_doesNotOverwriteTheFinishedRecord() {
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(null, new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0))));
        clock.set(LocalDateTime.parse("2026-12-02T22:00").atZone(KOLKATA).toInstant());
        DeliveryJob job = fixture.zokoJob();
        DynamoFaults.justBefore(DynamoFaults.updateOf("DELIVERY#", "deferredMillis"), () -> {
            var claim = (dev.loyaltyrelay.domain.DeliveryLedger.Claimed) ledger.claim(job, fixture.encode(job),
                    dev.loyaltyrelay.domain.DeliveryLedger.Budget.UNLIMITED, clock.instant());
            ledger.record(claim, DeliveryStatus.SENT, new dev.loyaltyrelay.domain.DeliveryOutcome.Sent("zk-other", 202), null, clock.instant());
        });
        fixture.invoke(job, 1);
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
    }

    /** Checked sound (passes): ... and one racing a claim still held does not take it from under the caller. */
    @Test
    void anUnclaimedDeferral_racingALiveClaim_leavesItSending() {
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(null, new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0))));
        clock.set(LocalDateTime.parse("2026-12-02T22:00").atZone(KOLKATA).toInstant());
        DeliveryJob job = fixture.zokoJob();
        DynamoFaults.justBefore(DynamoFaults.updateOf("DELIVERY#", "deferredMillis"), () -> ledger.claim(job, fixture.encode(job),
                dev.loyaltyrelay.domain.DeliveryLedger.Budget.UNLIMITED, clock.instant()));
        fixture.invoke(job, 1);
        assertEquals(DeliveryStatus.SENDING, fixture.record(job).status());
    }
}
