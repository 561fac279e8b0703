package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.ShortCallTimeoutProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider calls that time out, under a 2 s call timeout; the stubs answer only after three times that, so the
 * timeout wins however loaded the machine is. Only the request that messages the customer can have an unknown outcome.
 */
@QuarkusTest
@TestProfile(ShortCallTimeoutProfile.class)
class DeliveryTimeoutsTest {

    @Inject
    DeliveryFixture fixture;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
    }

    @Test
    void aMessageRequestThatTimesOut_isRecordedUnknown_andTheRedeliveredMessageCallsNothing() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH))
                .willReturn(aResponse().withStatus(202).withFixedDelay(ShortCallTimeoutProfile.NEVER_IN_TIME)));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord record = fixture.record(job);
        assertEquals(DeliveryStatus.UNKNOWN, record.status());
        assertEquals("timeout", record.reason());
        assertEquals(1, callsOnceJournalled(BuiltIn.ZOKO));
    }

    /**
     * The provider's calls, once the first is in WireMock's journal: on a loaded machine the client can time out
     * before WireMock has read the request, which it journals later. A wide bound, never a measure of speed.
     */
    private static int callsOnceJournalled(Provider provider) {
        long giveUpAt = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (calls(provider) == 0 && System.nanoTime() < giveUpAt) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return calls(provider);
    }

    @Test
    void aWigzoIdentifyThatTimesOut_isRetried_becauseOnlyTheEventCallCanMessageTheCustomer() {
        var wigzo = ProviderStubs.of(BuiltIn.WIGZO);
        wigzo.stubFor(post(urlPathEqualTo("/rest/v1/learn/identify"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(ShortCallTimeoutProfile.NEVER_IN_TIME)));
        wigzo.stubFor(post(urlPathEqualTo("/rest/v1/learn/event")).willReturn(aResponse().withStatus(200)));
        DeliveryJob job = fixture.wigzoJob();
        fixture.enqueue(job);

        fixture.poll(BuiltIn.WIGZO);

        DeliveryRecord waiting = fixture.record(job);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, waiting.status());
        assertEquals("identify_timeout", waiting.reason());
        wigzo.verify(0, postRequestedFor(urlPathEqualTo("/rest/v1/learn/event")));

        wigzo.stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200)));
        fixture.enqueue(job);
        fixture.poll(BuiltIn.WIGZO);

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        wigzo.verify(1, postRequestedFor(urlPathEqualTo("/rest/v1/learn/event")));
    }
}
