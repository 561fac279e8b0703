package dev.loyaltyrelay.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.application.delivery.IntegrationAttention;
import dev.loyaltyrelay.application.delivery.IntegrationDirectory;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.OpenedSecret;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.ConfigurationStore.RefusalFlag;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 12. README "Configuration caches": "a change applies at once in the container that made it (the store
 * announces ConfigurationChanged in-process, and that container's caches drop the merchant)". A load already in flight
 * when the change is announced (another record of the same batch, on its own virtual thread) puts the configuration it
 * read before the change into the cache after the drop, under the old version: this container then uses the old
 * configuration for up to relay.config-fresh-for, although it made the change itself.
 */
@QuarkusTest
class ConfigurationCacheRaceTest {

    @Inject
    TestMerchants merchants;
    @Inject
    ConfigurationStore store;
    @Inject
    MerchantDirectory directoryOfThisContainer;
    @Inject
    IntegrationDirectory integrationsOfThisContainer;
    @Inject
    MutableClock clock;

    @BeforeEach
    void setUp() {
        clock.set(Instant.parse("2026-12-02T10:00:00Z"));
        directoryOfThisContainer.invalidateAll();
        integrationsOfThisContainer.forgetAll();
    }

    @AfterEach
    void clear() {
        DynamoFaults.clear();
    }

    @Test
    void aSecretRetiredInThisContainer_whileAnotherRequestLoadsTheMerchant_stopsAuthenticatingHereAtOnce() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.ENFORCE, RepeatPolicy.DROP);
        merchants.secret(merchantId, "leaked", "secret-value-of-leaked", null);
        merchants.secret(merchantId, "kept", "secret-value-of-kept", null);
        Instant now = clock.instant();

        // The retirement lands (and is announced here) just after the other request's load read the merchant.
        DynamoFaults.justAfter(DynamoFaults.configurationLoad(),
                () -> assertTrue(store.retireWebhookSecret(merchantId, "leaked", now.minusSeconds(1), "kept")));
        directoryOfThisContainer.find(merchantId);

        assertEquals(Set.of("kept"), directoryOfThisContainer.find(merchantId).orElseThrow().validSecrets(now).stream()
                .map(OpenedSecret::secretId).collect(Collectors.toSet()),
                "no time has passed, the retirement was made and announced in this container, and the leaked secret still authenticates here");
    }

    @Test
    void credentialsFlaggedRefusedInThisContainer_whileAnotherRecordLoadsTheIntegration_stopSendingHereAtOnce() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.ENFORCE, RepeatPolicy.DROP);
        var integration = merchants.integration(merchantId, "int-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zoko-key"));

        // Record A of a batch is refused (401) and flags the integration just after record B's load read it.
        AtomicReference<RefusalFlag> flag = new AtomicReference<>();
        DynamoFaults.justAfter(DynamoFaults.configurationLoad(),
                () -> flag.set(store.flagRefusedCredentials(merchantId, "int-1", integration.credentials(), clock.instant())));
        integrationsOfThisContainer.find(merchantId, "int-1");
        assertEquals(RefusalFlag.FLAGGED, flag.get());

        var seen = integrationsOfThisContainer.find(merchantId, "int-1").orElseThrow().integration();
        assertTrue(IntegrationAttention.stopsSending(seen),
                "the flag was written and announced in this container, yet its next job would be sent with the refused credentials: "
                        + seen.attention());
    }
}
