package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.QuietHours;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TopicCategory;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.SqsVisibilityChanges;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deferrals at their edges (issue 13, found in review): decided before the claim, so a failed record never reads as a call; credited to the age budget once; bounded, so a delivery deferred day after day still ends. */
@QuarkusTest
class DeferralEdgesTest {

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore configuration;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-msg-1\"}")));
    }

    @AfterEach
    void queueBack() {
        SqsVisibilityChanges.refuseSends(false);
        DynamoFaults.clear();
    }

    /**
     * A marketing delivery at 22:30 is claimed, then found inside quiet hours; the DEFERRED write fails (the store
     * blips) and so does carrying it on the queue. The message comes back, finds the claim lapsed, and the delivery ends
     * UNKNOWN (attempt_lapsed_mid_call): never sent, never sent after 09:00 either. No request could have left: quiet
     * hours need no write and could have been decided before the claim.
     */
    @Test
    void aDeferralWhoseRecordFailed_isStillSentAfterQuietHours_neverEndsUnknown() {
        configuration.saveMerchant(new Merchant(fixture.merchantId(), "IN", KOLKATA, SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(null, new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0))));
        clock.set(LocalDateTime.parse("2026-12-02T22:30").atZone(KOLKATA).toInstant());
        DeliveryJob job = MarketingLimitsDeliveryTest.as(fixture.zokoJob(), TopicCategory.MARKETING);

        DynamoFaults.inject(request -> DynamoFaults.updateOf("DELIVERY#").test(request) && request.toString().contains("quiet_hours"),
                When.BEFORE_SENDING, 1000);
        SqsVisibilityChanges.refuseSends(true);
        fixture.invoke(job, 1);
        SqsVisibilityChanges.refuseSends(false);
        DynamoFaults.clear();
        assertEquals(0, calls(BuiltIn.ZOKO));

        clock.advance(Duration.ofMinutes(2));
        fixture.invoke(job, 2);
        DeliveryRecord back = fixture.record(job);
        assertEquals(0, calls(BuiltIn.ZOKO));
        assertEquals(DeliveryStatus.DEFERRED, back.status(), "no request left at 22:30: " + back.status() + " " + back.reason());

        clock.set(LocalDateTime.parse("2026-12-03T09:00").atZone(KOLKATA).toInstant());
        fixture.invoke(job, 3);
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(1, calls(BuiltIn.ZOKO));
    }

    /**
     * Two copies of one job (SQS at-least-once, a resend asked twice, a redrive repeated) inside the same quiet hours each
     * move the record's budgetFrom on by their whole wait, so one night's deferral is credited twice: the delivery is
     * still attempted 20 h past the 24 h budget (plus the one real deferral).
     */
    @Test
    void twoCopiesDeferredInTheSameNight_creditTheDeferralOnce() {
        configuration.saveMerchant(new Merchant(fixture.merchantId(), "IN", KOLKATA, SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(null, new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0))));
        clock.set(LocalDateTime.parse("2026-12-02T22:30").atZone(KOLKATA).toInstant());
        DeliveryJob job = MarketingLimitsDeliveryTest.as(fixture.zokoJob(), TopicCategory.MARKETING);
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status());

        clock.set(LocalDateTime.parse("2026-12-02T22:40").atZone(KOLKATA).toInstant());
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status(), "the duplicate copy deferred too");

        // Deferred 10 h 30 (22:30 to 09:00); the 24 h budget then ends at 09:00 on the 4th. An hour after that:
        clock.set(LocalDateTime.parse("2026-12-04T10:00").atZone(KOLKATA).toInstant());
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(0, calls(BuiltIn.ZOKO), "35 h 30 after ingest, 10 h 30 of it deferred: past the 24 h budget");
        assertEquals(DeliveryStatus.EXHAUSTED, fixture.record(job).status());
    }

    /**
     * Quiet hours from 09:01 to 09:00 (the API takes them: from and until differ). The deliveries deferred overnight all
     * become visible at 09:00:00; one the function reaches at 09:01:30 (a backlog under the function's maximum
     * concurrency) is deferred another day, and so on: the deferred time is never counted and nothing else bounds it, so
     * the record says DEFERRED past the queue's 14-day retention, when SQS has dropped the message and nothing will
     * ever end the delivery.
     */
    @Test
    void aDeliveryIsNeverLeftDeferredPastTheQueuesRetention() {
        configuration.saveMerchant(new Merchant(fixture.merchantId(), "IN", KOLKATA, SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(null, new QuietHours(LocalTime.of(9, 1), LocalTime.of(9, 0))));
        clock.set(LocalDateTime.parse("2026-12-02T09:01:30").atZone(KOLKATA).toInstant());
        DeliveryJob job = MarketingLimitsDeliveryTest.as(fixture.zokoJob(), TopicCategory.MARKETING);
        for (int day = 0; day < 15; day++) {
            clock.set(LocalDateTime.parse("2026-12-02T09:01:30").plusDays(day).atZone(KOLKATA).toInstant());
            fixture.enqueue(job);
            fixture.poll(BuiltIn.ZOKO);
            clock.set(LocalDateTime.parse("2026-12-02T21:00:30").plusDays(day).atZone(KOLKATA).toInstant());
            fixture.enqueue(job);
            fixture.poll(BuiltIn.ZOKO);
        }
        assertEquals(0, calls(BuiltIn.ZOKO));
        DeliveryStatus status = fixture.record(job).status();
        org.junit.jupiter.api.Assertions.assertNotEquals(DeliveryStatus.DEFERRED, status,
                "15 days after ingest (the queue keeps a message 14): given up with its reason, not left DEFERRED");
    }
}
