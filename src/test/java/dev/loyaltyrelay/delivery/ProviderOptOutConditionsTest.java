package dev.loyaltyrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.Consent;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentChange;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.support.MutableClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A provider's opt-out against each consent already recorded (issue 13, second review): it never narrows the merchant's or the customer's own, and records over an opt-in or an earlier report. */
@QuarkusTest
class ProviderOptOutConditionsTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    RecipientPolicies policies;

    @BeforeEach
    void fresh() {
        fixture.freshMerchant();
    }

    @ParameterizedTest(name = "{0} optedOut={1}: recorded={2}, source after={3}")
    @CsvSource({
            "MERCHANT, false, true, PROVIDER",
            "CUSTOMER, false, true, PROVIDER",
            "MERCHANT, true, false, MERCHANT",
            "CUSTOMER, true, false, CUSTOMER",
            "PROVIDER, true, true, PROVIDER",
            "PROVIDER, false, true, PROVIDER"})
    void providerOptOut_againstWhatIsRecorded(ConsentSource before, boolean optedOutBefore, boolean recorded, ConsentSource after) {
        DeliveryJob job = fixture.zokoJob();
        var recipient = new RecipientKey(fixture.merchantId(), job.recipient());
        policies.recordConsent(List.of(new ConsentChange(recipient, Channel.WHATSAPP, new Consent(optedOutBefore, clock.instant(), before))));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(recorded, policies.recordProviderOptOut(recipient, Channel.WHATSAPP, clock.instant()).recorded());
        var consent = policies.find(recipient, Channel.WHATSAPP).orElseThrow().consent();
        assertTrue(consent.optedOut());
        assertEquals(after, consent.source());
    }
}
