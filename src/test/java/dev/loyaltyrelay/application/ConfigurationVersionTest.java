package dev.loyaltyrelay.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.application.delivery.IntegrationDirectory;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.OpenedSecret;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.store.StoreAccess;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Changes that must apply at once, on DynamoDB Local, across functions: the admin function's writes (a store that tells
 * no cache of this JVM, as another process could not) reach an ingest or delivery container's cache within
 * {@code relay.config-fresh-for}, through the configuration version; a change made in the same container applies at once.
 */
@QuarkusTest
class ConfigurationVersionTest {

    @Inject
    TestMerchants merchants;
    @Inject
    ConfigurationStore store;
    @Inject
    ConfigurationSecrets secrets;
    @Inject
    RelayConfig config;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    MerchantDirectory directoryOfThisContainer;

    final MutableClock clock = new MutableClock();
    ConfigurationStore adminFunction;

    @BeforeEach
    void setUp() {
        clock.set(Instant.parse("2026-12-02T10:00:00Z"));
        adminFunction = StoreAccess.configurationStore(dynamo, config.tables().config(), config.tables().records());
    }

    private String merchantWithSecrets(String... secretIds) {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.ENFORCE, RepeatPolicy.DROP);
        for (String secretId : secretIds) {
            merchants.secret(merchantId, secretId, "secret-value-of-" + secretId, null);
        }
        return merchantId;
    }

    private static Set<String> validSecrets(MerchantDirectory directory, String merchantId, Instant now) {
        return directory.find(merchantId).orElseThrow().validSecrets(now).stream().map(OpenedSecret::secretId).collect(Collectors.toSet());
    }

    @Test
    void aSecretRetiredByTheAdminFunction_stopsAuthenticatingInAnIngestContainer_withinFreshFor() {
        String merchantId = merchantWithSecrets("leaked", "kept");
        var ingestContainer = new MerchantDirectory(store, secrets, clock, config);
        assertEquals(Set.of("leaked", "kept"), validSecrets(ingestContainer, merchantId, clock.instant()));

        assertTrue(adminFunction.retireWebhookSecret(merchantId, "leaked", clock.instant(), "kept"));
        clock.advance(config.configFreshFor());

        assertEquals(Set.of("kept"), validSecrets(ingestContainer, merchantId, clock.instant()));
    }

    @Test
    void anIntegrationDisabledByTheAdminFunction_isSeenDisabledByADeliveryContainer_withinFreshFor() {
        String merchantId = merchantWithSecrets("s1");
        merchants.integration(merchantId, "int-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zoko-key"));
        var deliveryContainer = new IntegrationDirectory(store, secrets, clock, config);
        assertTrue(deliveryContainer.find(merchantId, "int-1").orElseThrow().integration().enabled());

        adminFunction.setEnabled(merchantId, "int-1", false);
        clock.advance(config.configFreshFor());

        assertEquals(false, deliveryContainer.find(merchantId, "int-1").orElseThrow().integration().enabled());
    }

    @Test
    void aChangeMadeInThisContainer_appliesHereAtOnce() {
        String merchantId = merchantWithSecrets("leaked", "kept");
        Instant now = clock.instant();
        assertEquals(Set.of("leaked", "kept"), validSecrets(directoryOfThisContainer, merchantId, now));

        assertTrue(store.retireWebhookSecret(merchantId, "leaked", now.minusSeconds(1), "kept"));

        assertEquals(Set.of("kept"), validSecrets(directoryOfThisContainer, merchantId, now), "no time has passed here");
    }

    @Test
    void everyWrite_movesTheVersion_andAWriteThatChangesNothingDoesNot() {
        String merchantId = merchantWithSecrets("s1");
        var afterSecret = store.version(merchantId);
        merchants.integration(merchantId, "int-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zoko-key"));
        var afterIntegration = store.version(merchantId);
        assertTrue(afterSecret.isPresent());
        assertNotEquals(afterSecret, afterIntegration);

        store.clearAttention(merchantId, "int-1", "provider_failing");
        assertEquals(afterIntegration, store.version(merchantId), "no flag to clear: nothing changed, no cache is made to reload");
        assertEquals(java.util.Optional.empty(), store.version(TestMerchants.freshId()), "a merchant never written has no version");
    }
}
