package dev.loyaltyrelay.application.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.ConfigurationStore.RefusalFlag;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The precedence between the two reasons, through the one writer every caller uses (deliveries, test sends, the breaker,
 * new credentials), on DynamoDB Local (stored times are milliseconds).
 */
@QuarkusTest
class IntegrationAttentionRulesTest {

    @Inject
    IntegrationAttention attention;
    @Inject
    ConfigurationStore store;
    @Inject
    TestMerchants merchants;
    @Inject
    MutableClock clock;
    @Inject
    SecretCipher cipher;

    Integration stored(String merchantId) {
        return store.load(merchantId).orElseThrow().integrations().getFirst();
    }

    Integration zoko(String merchantId, String apiKey) {
        return merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", apiKey));
    }

    @Test
    void refusedCredentials_replaceAFailingProvider_keepTheirFirstTime_stopSending_andOnlyNewCredentialsClearThem() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        Integration integration = zoko(merchantId, "k1");
        var key = IntegrationKey.of(integration);

        attention.providerFailing(key, BuiltIn.ZOKO);
        assertEquals(IntegrationAttention.PROVIDER_FAILING, stored(merchantId).attention().reason());
        assertFalse(IntegrationAttention.stopsSending(stored(merchantId)), "a failing provider only waits for its breaker");

        Instant refusedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        assertEquals(RefusalFlag.FLAGGED, attention.credentialsRefused(integration));
        assertEquals(new Integration.Attention(IntegrationAttention.CREDENTIALS_REFUSED, refusedAt), stored(merchantId).attention());
        assertTrue(IntegrationAttention.stopsSending(stored(merchantId)));

        clock.advance(Duration.ofMinutes(5));
        attention.providerFailing(key, BuiltIn.ZOKO);
        attention.providerRecovered(key);
        assertEquals(RefusalFlag.ALREADY_FLAGGED, attention.credentialsRefused(integration));
        assertEquals(new Integration.Attention(IntegrationAttention.CREDENTIALS_REFUSED, refusedAt), stored(merchantId).attention(),
                "neither the breaker nor a later refusal moves refused credentials or their time");

        store.setEnabled(merchantId, "zoko-1", false);
        store.setEnabled(merchantId, "zoko-1", true);
        assertTrue(IntegrationAttention.stopsSending(stored(merchantId)), "switching off and on is not a fix");

        Integration current = stored(merchantId);
        var newCredentials = cipher.seal("{\"apiKey\":\"k2\"}".getBytes(StandardCharsets.UTF_8),
                EncryptionContext.forIntegration(merchantId, "zoko-1"));
        store.saveIntegration(new Integration(merchantId, "zoko-1", current.provider(), current.commonProperty(), newCredentials,
                true, IntegrationAttention.afterNewCredentials()));
        assertNull(stored(merchantId).attention(), "new credentials clear the flag");
        assertEquals(RefusalFlag.CREDENTIALS_REPLACED, attention.credentialsRefused(current),
                "a refusal of the old credentials, seen after they were replaced, flags nothing");
        assertNull(stored(merchantId).attention());
    }

    @Test
    void aFailingProvider_isFlaggedWhileItsBreakerIsOpen_andClearedWhenItCloses() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        var key = IntegrationKey.of(zoko(merchantId, "k1"));

        Instant openedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        attention.providerFailing(key, BuiltIn.ZOKO);
        clock.advance(Duration.ofMinutes(1));
        attention.providerFailing(key, BuiltIn.ZOKO);
        assertEquals(new Integration.Attention(IntegrationAttention.PROVIDER_FAILING, openedAt), stored(merchantId).attention(),
                "the first opening's time is kept");

        attention.providerRecovered(key);
        assertNull(stored(merchantId).attention());
    }

    @Test
    void aRefusalForAnIntegrationDeletedMeanwhile_createsNothing() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        Integration integration = zoko(merchantId, "k1");
        store.deleteIntegration(merchantId, "zoko-1");

        assertEquals(RefusalFlag.INTEGRATION_GONE, attention.credentialsRefused(integration));
        attention.providerFailing(IntegrationKey.of(integration), integration.provider());
        assertTrue(store.load(merchantId).orElseThrow().integrations().isEmpty());
    }
}
