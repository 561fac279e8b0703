package dev.loyaltyrelay.store;

import dev.loyaltyrelay.support.BuiltIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The attention flag on DynamoDB Local: refused credentials win over a failing provider, and keep their time. */
@QuarkusTest
class IntegrationAttentionTest {

    static final Instant T1 = Instant.parse("2026-11-18T10:00:00Z");
    static final Instant T2 = Instant.parse("2026-11-18T11:00:00Z");

    @Inject
    TestMerchants merchants;
    @Inject
    ConfigurationStore store;

    Integration.Attention attention(String merchantId) {
        return store.load(merchantId).orElseThrow().integrations().getFirst().attention();
    }

    @Test
    void refusedCredentials_replaceAFailingProviderFlag_butNotTheOtherWayRound_andClearingIsPerReason() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "k"));

        store.markAttention(merchantId, "zoko-1", new Integration.Attention("provider_failing", T1));
        assertEquals(new Integration.Attention("provider_failing", T1), attention(merchantId));
        store.markAttention(merchantId, "zoko-1", new Integration.Attention("credentials_refused", T2));
        assertEquals(new Integration.Attention("credentials_refused", T2), attention(merchantId));
        store.markAttention(merchantId, "zoko-1", new Integration.Attention("provider_failing", T2.plusSeconds(60)));
        store.markAttention(merchantId, "zoko-1", new Integration.Attention("credentials_refused", T2.plusSeconds(60)));
        assertEquals(new Integration.Attention("credentials_refused", T2), attention(merchantId), "first refusal's time kept");

        store.clearAttention(merchantId, "zoko-1", "provider_failing");
        assertEquals("credentials_refused", attention(merchantId).reason(), "another cause is not cleared");
        store.markAttention(merchantId, "no-such-integration", new Integration.Attention("credentials_refused", T2));
        assertEquals(1, store.load(merchantId).orElseThrow().integrations().size(), "a deleted integration is not re-created");
    }

    @Test
    void aFailingProviderFlag_isClearedWhenTheBreakerCloses() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "k"));
        store.markAttention(merchantId, "zoko-1", new Integration.Attention("provider_failing", T1));

        store.clearAttention(merchantId, "zoko-1", "provider_failing");

        assertNull(attention(merchantId));
    }
}
