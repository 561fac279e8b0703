package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A TLS handshake that fails happens before any byte of the request is written: such a delivery waits and is retried,
 * and is never recorded UNKNOWN (under the default {@code record} policy that would end it for good, with nothing sent).
 */
@QuarkusTest
@TestProfile(TlsHandshakeFailureProfile.class)
class TlsHandshakeFailureTest {

    @Inject
    DeliveryFixture fixture;

    @Test
    void aTlsHandshakeThatFails_isNeverUnknown_forNoRequestWasWritten() {
        fixture.freshMerchant();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord record = fixture.record(job);
        assertEquals(0, DeliveryFixture.calls(BuiltIn.ZOKO), "no HTTP request reached the provider");
        assertNotEquals(DeliveryStatus.UNKNOWN, record.status(), "UNKNOWN only where a request may have reached the provider; reason "
                + record.reason());
    }
}
