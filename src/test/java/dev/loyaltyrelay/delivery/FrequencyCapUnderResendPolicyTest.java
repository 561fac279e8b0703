package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TopicCategory;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.ShortCallTimeoutProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** {@code unknown-outcome=resend} (issue 13, found in review): the retry of an unknown outcome goes on the place that outcome kept, and its failure gives nothing back. */
@QuarkusTest
@TestProfile(ResendUnknownOutcomesTest.ResendProfile.class)
class FrequencyCapUnderResendPolicyTest {

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore configuration;

    void zoko(int status, boolean late) {
        ProviderStubs.of(BuiltIn.ZOKO).resetAll();
        var answer = aResponse().withStatus(status).withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-1\"}");
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(late ? answer.withFixedDelay(ShortCallTimeoutProfile.NEVER_IN_TIME) : answer));
    }

    /**
     * A timed-out call may have reached the customer, so its place is kept; its automatic resend is then answered 503 and
     * gives the place back: the cap then lets another marketing message through in the same window.
     */
    @Test
    void aPlaceKeptForAnUnknownOutcome_isNotGivenBackByTheResendThatFails() {
        fixture.freshMerchant();
        configuration.saveMerchant(new Merchant(fixture.merchantId(), "IN", KOLKATA, SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        configuration.saveMarketingLimits(fixture.merchantId(), new MarketingLimits(new FrequencyCap(1, Duration.ofDays(1)), null));
        clock.set(LocalDateTime.parse("2026-12-02T12:00").atZone(KOLKATA).toInstant());
        DeliveryJob first = MarketingLimitsDeliveryTest.as(fixture.zokoJob(), TopicCategory.MARKETING);
        zoko(202, true);
        fixture.invoke(first, 1);
        assertEquals("outcome_unknown_resend", fixture.record(first).reason(), "timed out: it may have reached the customer");

        zoko(503, false);
        clock.advance(Duration.ofMinutes(5));
        fixture.invoke(first, 2);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(first).status());

        zoko(202, false);
        clock.advance(Duration.ofMinutes(5));
        DeliveryJob second = MarketingLimitsDeliveryTest.as(fixture.zokoJob(), TopicCategory.MARKETING);
        fixture.invoke(second, 1);
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(second).status(),
                "the first may have reached the customer at 12:00: one a day, the second is over the cap");
    }
}
