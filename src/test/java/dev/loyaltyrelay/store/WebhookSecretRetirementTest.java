package dev.loyaltyrelay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Retiring a webhook secret on DynamoDB Local: one conditional write, so racing retirements keep a secret valid. */
@QuarkusTest
class WebhookSecretRetirementTest {

    static final Instant NOW = Instant.parse("2026-11-18T10:00:00Z");

    @Inject
    TestMerchants merchants;
    @Inject
    ConfigurationStore store;

    String merchantWithSecrets(String... secretIds) {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        for (String secretId : secretIds) {
            merchants.secret(merchantId, secretId, "secret-value-of-" + secretId, null);
        }
        return merchantId;
    }

    Instant retiredAt(String merchantId, String secretId) {
        return store.load(merchantId).orElseThrow().webhookSecrets().stream().filter(s -> s.secretId().equals(secretId))
                .findFirst().orElseThrow().retiredAt();
    }

    @Test
    void twoRetirementsDecidedOnTheSameRead_cannotBothWrite_soOneSecretKeepsNoRetirement() {
        String merchantId = merchantWithSecrets("a", "b");

        assertTrue(store.retireWebhookSecret(merchantId, "a", NOW.plusSeconds(1800), "b"));
        assertFalse(store.retireWebhookSecret(merchantId, "b", NOW, "a"), "its keeper is scheduled to retire by now");

        assertNull(retiredAt(merchantId, "b"), "nothing written");
    }

    @Test
    void aRetirementWrittenTwice_onlyEverMovesEarlier() {
        String merchantId = merchantWithSecrets("a", "b");

        assertTrue(store.retireWebhookSecret(merchantId, "a", NOW.plusSeconds(1800), "b"));
        assertFalse(store.retireWebhookSecret(merchantId, "a", NOW.plusSeconds(3600), "b"));
        assertEquals(NOW.plusSeconds(1800), retiredAt(merchantId, "a"));
        assertTrue(store.retireWebhookSecret(merchantId, "a", NOW, "b"));
        assertEquals(NOW, retiredAt(merchantId, "a"));
        assertFalse(store.retireWebhookSecret(merchantId, "missing", NOW, "b"), "an unknown secret is not created");
    }
}
