package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.EMAIL;
import static dev.loyaltyrelay.delivery.DeliveryFixture.MOBILE;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loyaltyrelay.admin.AdminFunctionProfile;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Erasure through the admin function: every record of the person goes, however many the store learned, and nothing
 * queued about them is sent afterwards: neither a retry nor a job not yet attempted.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ErasureTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    CustomerStore customers;
    @Inject
    DeliveryLedger ledger;
    @Inject
    dev.loyaltyrelay.support.MutableClock clock;

    String merchantId;

    @BeforeEach
    void freshMerchant() {
        merchantId = fixture.freshMerchant();
    }

    @Test
    void erasingByMobile_removesEveryRecordOfThePerson_andNothingQueuedAboutThemIsSent() {
        // The store learned the person twice: from an event with their customer id (with email), and from one without.
        customers.upsert(new CustomerProfile(merchantId, "id:cust-1", MOBILE, EMAIL, "Riya", null, null, null));
        customers.upsert(new CustomerProfile(merchantId, "mobile:" + MOBILE, MOBILE, null, "Riya", null, null, null));
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(500)));
        DeliveryJob retrying = fixture.zokoJob();
        fixture.enqueue(retrying);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(retrying).status());
        DeliveryJob neverAttempted = fixture.wigzoJob();
        fixture.enqueue(neverAttempted);

        var erased = AdminCalls.operator("POST", "/v1/admin/merchants/" + merchantId + "/customers/erase", Map.of("mobile", "98765 43210"));

        assertEquals(200, erased.status(), erased.toString());
        assertEquals(2, erased.get("customerRecords").asInt());
        assertEquals(2, erased.get("addresses").asInt(), "the mobile, and the email one of the records carried");
        assertEquals(1, erased.get("deliveryRecords").asInt());
        assertEquals(0, customers.withAddress(merchantId, new Recipient(CommonProperty.MOBILE, MOBILE)).size());
        assertEquals(0, customers.withAddress(merchantId, new Recipient(CommonProperty.EMAIL, EMAIL)).size());

        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200)));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/event")).willReturn(aResponse().withStatus(200)));
        int zokoCallsBefore = calls(BuiltIn.ZOKO);
        clock.advance(Duration.ofMinutes(5));
        fixture.enqueue(retrying);
        fixture.poll(BuiltIn.ZOKO);
        fixture.poll(BuiltIn.WIGZO);

        assertEquals(zokoCallsBefore, calls(BuiltIn.ZOKO), "the queued retry is not sent");
        assertEquals(0, calls(BuiltIn.WIGZO), "the job queued before the erasure is not sent");
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(retrying).status());
        assertEquals("recipient_erased", fixture.record(retrying).reason());
        var suppressed = fixture.record(neverAttempted);
        assertEquals(DeliveryStatus.SUPPRESSED, suppressed.status());
        assertEquals("erased", suppressed.recipientMasked());
        assertFalse(ledger.job(neverAttempted.deliveryId()).isPresent(), "no job (with its properties) kept for an erased person");
        assertEquals(Map.of("suppressed", 2L), fixture.totals());
    }
}
