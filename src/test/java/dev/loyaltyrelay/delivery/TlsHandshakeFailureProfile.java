package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Zoko reached over HTTPS at a port that does not speak TLS (Zoko's stub, plain HTTP): every handshake fails. */
public class TlsHandshakeFailureProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.rest-client.zoko.url", "https://127.0.0.1:" + ProviderStubs.of(BuiltIn.ZOKO).port());
    }
}
