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
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.FrequencyCaps;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.QuietHours;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TopicCategory;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.SqsVisibilityChanges;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quiet hours and the frequency cap through Zoko's delivery function, on the SQS server, DynamoDB Local and WireMock, with the held clock: a
 * marketing delivery inside them is deferred, not failed, back on its queue with a visibility that ends when they do (on
 * the merchant's wall clock, across DST changes), re-deferred where the wait is longer than SQS allows, and sent after
 * them; the wait spends none of the age budget. A transactional topic passes through quiet hours and the cap. A
 * delivery that fails gives its place in the cap back; one received again holds its place once. The
 * queue's own clock is not held, so "visible again" is the function's visibility change, read from the SQS client, and
 * the copy a test enqueues again.
 */
@QuarkusTest
class MarketingLimitsDeliveryTest {

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    static final QuietHours NINE_TO_NINE = new QuietHours(LocalTime.of(21, 0), LocalTime.of(9, 0));

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore configuration;
    @Inject
    FrequencyCaps caps;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-msg-1\"}")));
        SqsVisibilityChanges.clear();
    }

    void limits(ZoneId zone, MarketingLimits limits) {
        configuration.saveMerchant(new Merchant(fixture.merchantId(), "IN", zone, SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        configuration.saveMarketingLimits(fixture.merchantId(), limits);
    }

    static Instant at(String local, ZoneId zone) {
        return LocalDateTime.parse(local).atZone(zone).toInstant();
    }

    /** The visibility timeouts the Zoko function set on its queue since the last clear, in seconds. */
    static List<Integer> visibilitiesSet() {
        return SqsVisibilityChanges.onQueue(LocalAws.get().queueUrls.get(BuiltIn.ZOKO)).stream().map(SqsVisibilityChanges.Change::seconds).toList();
    }

    /** The job's message once more, as SQS hands it out again when its visibility ends; one batch through the function. */
    void receivedAgain(DeliveryJob job) {
        SqsVisibilityChanges.clear();
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
    }

    static DeliveryJob as(DeliveryJob job, TopicCategory category) {
        return new DeliveryJob(job.schemaVersion(), job.deliveryId(), job.merchantId(), job.nectorDeliveryId(), job.topic(), job.provider(),
                job.integrationId(), job.recipient(), job.mapping(), job.properties(), job.receivedAt(), category);
    }

    @ParameterizedTest(name = "{0} at {1}: visible again after {2} s, when it is {3} there")
    @CsvSource({
            "Asia/Kolkata, 2026-12-02T22:30, 37800, 2026-12-03T09:00",
            // The night the clocks go forward (01:00 GMT becomes 02:00 BST): 10 h 30 on the wall clock, 9 h 30 lived.
            "Europe/London, 2026-03-28T22:30, 34200, 2026-03-29T09:00",
            // The night they go back (02:00 BST becomes 01:00 GMT): 11 h 30 lived.
            "Europe/London, 2026-10-24T22:30, 41400, 2026-10-25T09:00"})
    void aMarketingDeliveryAt2230_isDeferredUntilNineOnTheMerchantsWallClock_thenSent(String zoneId, String evening, int seconds, String nine) {
        ZoneId zone = ZoneId.of(zoneId);
        limits(zone, new MarketingLimits(null, NINE_TO_NINE));
        clock.set(at(evening, zone));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord deferred = fixture.record(job);
        assertEquals(DeliveryStatus.DEFERRED, deferred.status());
        assertEquals("quiet_hours", deferred.reason());
        assertEquals(at(nine, zone), deferred.nextAttemptAt());
        assertEquals(0, calls(BuiltIn.ZOKO), "nothing sent in quiet hours");
        assertEquals(List.of(seconds), visibilitiesSet(), "back on the queue until the quiet hours end");

        clock.set(at(nine, zone).minusSeconds(1));
        receivedAgain(job);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status(), "a second early is still quiet");
        assertEquals(List.of(1), visibilitiesSet());
        assertEquals(0, calls(BuiltIn.ZOKO));

        clock.set(at(nine, zone).plusSeconds(5));
        receivedAgain(job);
        DeliveryRecord sent = fixture.record(job);
        assertEquals(DeliveryStatus.SENT, sent.status());
        assertEquals(1, calls(BuiltIn.ZOKO));
        assertEquals(List.of(DeliveryStatus.DEFERRED, DeliveryStatus.DEFERRED, DeliveryStatus.SENT),
                sent.trail().stream().map(DeliveryRecord.TrailEntry::status).toList(), "the record shows the deferrals and their reason");
        assertEquals("quiet_hours", sent.trail().getFirst().reason());
    }

    @Test
    void aWaitLongerThanSqsAllows_isDeferredAgain_untilTheHoursEnd() {
        limits(KOLKATA, new MarketingLimits(null, new QuietHours(LocalTime.of(20, 0), LocalTime.of(9, 0))));
        clock.set(at("2026-12-02T20:30", KOLKATA));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        int mostSqsAllows = (int) Duration.ofHours(12).minusMinutes(1).toSeconds();
        assertEquals(List.of(mostSqsAllows), visibilitiesSet(), "12 h 30 to wait: as long as SQS allows");
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status());

        clock.advance(Duration.ofSeconds(mostSqsAllows));
        receivedAgain(job);
        assertEquals(List.of(31 * 60), visibilitiesSet(), "08:29: deferred again for the rest");
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status());
        assertEquals(0, calls(BuiltIn.ZOKO));

        clock.set(at("2026-12-03T09:00", KOLKATA));
        receivedAgain(job);
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(1, calls(BuiltIn.ZOKO));
    }

    @Test
    void aDeferral_spendsNoneOfTheAgeBudget() {
        limits(KOLKATA, new MarketingLimits(null, new QuietHours(LocalTime.of(1, 0), LocalTime.of(9, 0))));
        clock.set(at("2026-12-02T01:30", KOLKATA));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(job).status(), "deferred 7 h 30");
        // The merchant then drops its quiet hours; the copy comes back 25 h after ingest, 17 h 30 of which were not a deferral.
        configuration.saveMarketingLimits(fixture.merchantId(), MarketingLimits.NONE);
        clock.set(job.receivedAt().plus(Duration.ofHours(25)));

        receivedAgain(job);

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status(), "within the 24 h budget once the deferral is not counted");
        assertEquals(1, calls(BuiltIn.ZOKO));
    }

    @Test
    void aTransactionalTopic_passesThroughQuietHoursAndTheCap_andUsesNoPlace() {
        var oneADay = new FrequencyCap(1, Duration.ofDays(1));
        limits(KOLKATA, new MarketingLimits(oneADay, NINE_TO_NINE));
        clock.set(at("2026-12-02T12:00", KOLKATA));
        DeliveryJob noonNudge = fixture.zokoJob();
        fixture.enqueue(noonNudge);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SENT, fixture.record(noonNudge).status(), "the day's one marketing message");

        clock.set(at("2026-12-02T22:30", KOLKATA));
        DeliveryJob coupon = as(fixture.zokoJob(), TopicCategory.TRANSACTIONAL);
        DeliveryJob eveningNudge = fixture.zokoJob();
        fixture.enqueue(coupon);
        fixture.enqueue(eveningNudge);
        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.SENT, fixture.record(coupon).status(), "a coupon just created goes at 22:30, over the cap");
        assertEquals(DeliveryStatus.DEFERRED, fixture.record(eveningNudge).status());
        assertEquals(2, calls(BuiltIn.ZOKO));
        var recipient = new RecipientKey(fixture.merchantId(), noonNudge.recipient());
        assertEquals(1, caps.inUse(recipient, oneADay, clock.instant()), "the transactional message took no place");

        clock.set(at("2026-12-03T09:00", KOLKATA));
        receivedAgain(eveningNudge);
        DeliveryRecord capped = fixture.record(eveningNudge);
        assertEquals(DeliveryStatus.SUPPRESSED, capped.status(), "the deferred nudge meets the cap when it is sent, not before");
        assertEquals("frequency_cap", capped.reason());
        assertEquals(2, calls(BuiltIn.ZOKO));
    }

    void zokoAnswers(int status) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-msg-2\"}")));
    }

    @Test
    void aDeliveryThatFails_givesItsPlaceBack_andMeetsTheCapWhenItIsTriedAgain() {
        var oneADay = new FrequencyCap(1, Duration.ofDays(1));
        limits(KOLKATA, new MarketingLimits(oneADay, null));
        clock.set(at("2026-12-02T12:00", KOLKATA));
        DeliveryJob first = fixture.zokoJob();
        DeliveryJob second = fixture.zokoJob();
        zokoAnswers(503);
        fixture.enqueue(first);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(first).status());
        var recipient = new RecipientKey(fixture.merchantId(), first.recipient());
        assertEquals(0, caps.inUse(recipient, oneADay, clock.instant()), "a failed call uses no place");

        zokoAnswers(202);
        clock.advance(Duration.ofMinutes(1));
        fixture.enqueue(second);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SENT, fixture.record(second).status(), "the place the failed one gave back");

        clock.advance(Duration.ofMinutes(1));
        receivedAgain(first);
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(first).status());
        assertEquals("frequency_cap", fixture.record(first).reason());
        assertEquals(2, calls(BuiltIn.ZOKO), "the 503 and the second; nothing over the cap");
    }

    @Test
    void aDeliveryReceivedAgain_countsOnce() {
        var twoADay = new FrequencyCap(2, Duration.ofDays(1));
        limits(KOLKATA, new MarketingLimits(twoADay, null));
        clock.set(at("2026-12-02T12:00", KOLKATA));
        DeliveryJob first = fixture.zokoJob();
        fixture.enqueue(first);
        fixture.poll(BuiltIn.ZOKO);
        clock.advance(Duration.ofMinutes(1));
        receivedAgain(first);
        receivedAgain(first);
        assertEquals(1, calls(BuiltIn.ZOKO));

        DeliveryJob second = fixture.zokoJob();
        DeliveryJob third = fixture.zokoJob();
        fixture.enqueue(second);
        fixture.poll(BuiltIn.ZOKO);
        fixture.enqueue(third);
        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.SENT, fixture.record(second).status(), "the copies of the first did not take the second place");
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(third).status());
        assertEquals(2, calls(BuiltIn.ZOKO));
        assertEquals(2, caps.inUse(new RecipientKey(fixture.merchantId(), first.recipient()), twoADay, clock.instant()));
    }
}
