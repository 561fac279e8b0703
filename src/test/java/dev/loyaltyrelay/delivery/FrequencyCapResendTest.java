package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.application.delivery.Recovery;
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
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The frequency cap against resends (issue 13, found in review): a resend counts once per window, and its failed attempt frees no other attempt's place. */
@QuarkusTest
class FrequencyCapResendTest {

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore configuration;
    @Inject
    FrequencyCaps caps;
    @Inject
    Recovery recovery;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
        zokoAnswers(202);
    }

    void zokoAnswers(int status) {
        ProviderStubs.of(BuiltIn.ZOKO).resetAll();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-" + status + "\"}")));
    }

    void cap(FrequencyCap cap) {
        configuration.saveMerchant(new Merchant(fixture.merchantId(), "IN", KOLKATA, SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(cap, null));
    }

    static Instant at(String local) {
        return LocalDateTime.parse(local).atZone(KOLKATA).toInstant();
    }

    /**
     * A resend of a delivery that was SENT, whose new attempt fails (503), gives back the place of the message the
     * customer already has: the cap then lets one more marketing message through.
     */
    @Test
    void aFailedResendOfASentDelivery_keepsThePlaceOfTheMessageAlreadySent() {
        var oneADay = new FrequencyCap(1, Duration.ofDays(1));
        cap(oneADay);
        clock.set(at("2026-12-02T12:00"));
        DeliveryJob first = fixture.zokoJob();
        fixture.enqueue(first);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SENT, fixture.record(first).status());
        var recipient = new RecipientKey(fixture.merchantId(), first.recipient());
        assertEquals(1, caps.inUse(recipient, oneADay, clock.instant()));

        clock.advance(Duration.ofMinutes(10));
        assertEquals(Recovery.Resend.REQUEUED, recovery.resend(first.deliveryId()));
        zokoAnswers(503);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(first).status(), "the resend's attempt failed");

        zokoAnswers(202);
        clock.advance(Duration.ofMinutes(10));
        DeliveryJob second = fixture.zokoJob();
        fixture.enqueue(second);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(second).status(), "one marketing message a day: the second is over the cap");
    }

    /**
     * A resend after the window has passed finds the delivery's old place (outside the window) and sends on it without
     * taking a place in the current window, so another marketing message goes in the same window: two in an hour under a
     * cap of one an hour.
     */
    @Test
    void aResendAfterTheWindow_takesAPlaceInTheCurrentWindow() {
        var oneAnHour = new FrequencyCap(1, Duration.ofHours(1));
        cap(oneAnHour);
        clock.set(at("2026-12-02T12:00"));
        DeliveryJob first = fixture.zokoJob();
        fixture.enqueue(first);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SENT, fixture.record(first).status());

        clock.set(at("2026-12-02T14:00"));
        assertEquals(Recovery.Resend.REQUEUED, recovery.resend(first.deliveryId()));
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SENT, fixture.record(first).status());
        assertEquals(2, calls(BuiltIn.ZOKO), "sent again at 14:00");

        clock.set(at("2026-12-02T14:01"));
        DeliveryJob second = fixture.zokoJob();
        fixture.enqueue(second);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(second).status(),
                "the resend went at 14:00: a second marketing message at 14:01 is over a cap of one an hour");
    }
}
