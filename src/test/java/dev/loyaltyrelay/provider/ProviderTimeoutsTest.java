package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.ProviderGateway;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.ShortCallTimeoutProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A message request with no answer in time has an unknown outcome, for every provider (under a 2 s call timeout). */
@QuarkusTest
@TestProfile(ShortCallTimeoutProfile.class)
class ProviderTimeoutsTest {

    @Inject
    ProviderGateway gateway;

    @ParameterizedTest
    @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")
    void aMessageRequestWithoutAnAnswerInTime_hasAnUnknownOutcome(Provider provider) {
        ProviderStubs.resetAll();
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200)));
        ProviderStubs.of(provider).stubFor(post(urlPathEqualTo(ProviderAdaptersTest.sendPath(provider)))
                .willReturn(aResponse().withStatus(200).withFixedDelay(ShortCallTimeoutProfile.NEVER_IN_TIME)));

        var outcome = gateway.prepareAndSend(new IntegrationKey("merchant-1", UUID.randomUUID().toString()), ProviderAdaptersTest.message(provider),
                ProviderAdaptersTest.credentials(provider));

        assertEquals(new Unknown("timeout"), outcome);
    }
}
