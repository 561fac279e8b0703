package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.Consent;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentChange;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.TopicCategory;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

/** A provider's opt-out answer never narrows an opt-out the merchant recorded (issue 13, found in review). */
@QuarkusTest
class ProviderOptOutTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    RecipientPolicies policies;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
    }

    /**
     * The merchant opts the recipient out (every topic) while a marketing request to them is leaving; the provider then
     * answers 131050 and the relay's provider opt-out overwrites the merchant's: the opt-out shrinks to marketing only,
     * and the next transactional message is sent to a recipient the merchant opted out.
     */
    @Test
    void aProviderOptOutAnswer_neverNarrowsTheMerchantsOptOut() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("content-type", "application/json").withBody("{\"error\":{\"code\":131050,\"message\":\"Unable to deliver message\"}}")));
        DeliveryJob nudge = MarketingLimitsDeliveryTest.as(fixture.zokoJob(), TopicCategory.MARKETING);
        var recipient = new RecipientKey(fixture.merchantId(), nudge.recipient());
        // The merchant's opt-out lands just after the delivery's last read of the recipient (under its claim), before the call.
        AtomicInteger reads = new AtomicInteger();
        DynamoFaults.justAfter(request -> request instanceof BatchGetItemRequest && reads.incrementAndGet() == 2,
                () -> policies.recordConsent(List.of(new ConsentChange(recipient, Channel.WHATSAPP, new Consent(true, clock.instant(), ConsentSource.MERCHANT)))));
        fixture.enqueue(nudge);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.REJECTED, fixture.record(nudge).status());
        assertEquals(2, reads.get(), "the merchant's opt-out was recorded during the attempt");

        ProviderStubs.of(BuiltIn.ZOKO).resetAll();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-1\"}")));
        DeliveryJob coupon = MarketingLimitsDeliveryTest.as(fixture.zokoJob(), TopicCategory.TRANSACTIONAL);
        fixture.enqueue(coupon);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(0, calls(BuiltIn.ZOKO), "the merchant opted the recipient out of WhatsApp: nothing is sent to them");
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(coupon).status());
    }
}
