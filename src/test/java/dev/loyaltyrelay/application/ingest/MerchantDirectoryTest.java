package dev.loyaltyrelay.application.ingest;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.WebhookSecret;
import dev.loyaltyrelay.secrets.LocalKeyCipherAccess;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The warm-container cache: reads once per TTL, and stays bounded under a flood of made-up merchant ids. */
class MerchantDirectoryTest {

    /** Counts reads; knows no merchant (the cache logic is what is under test, not the store). */
    static final class CountingStore implements ConfigurationStore {
        final AtomicInteger loads = new AtomicInteger();

        @Override
        public Optional<MerchantConfiguration> load(String merchantId) {
            loads.incrementAndGet();
            return Optional.empty();
        }

        @Override
        public void saveMerchant(Merchant merchant) {
        }

        @Override
        public void saveWebhookSecret(String merchantId, WebhookSecret secret) {
        }

        @Override
        public boolean retireWebhookSecret(String merchantId, String secretId, Instant at, String keeperSecretId) {
            return false;
        }

        @Override
        public void saveIntegration(Integration integration) {
        }

        @Override
        public void saveMapping(String merchantId, EventMapping mapping) {
        }

        @Override
        public void deleteIntegration(String merchantId, String integrationId) {
        }

        @Override
        public void deleteMapping(String merchantId, String integrationId, String mappingId) {
        }

        @Override
        public void clearAttention(String merchantId, String integrationId, String reason) {
        }

        @Override
        public boolean createMapping(String merchantId, dev.loyaltyrelay.domain.EventMapping mapping) {
            return true;
        }

        @Override
        public void setEnabled(String merchantId, String integrationId, boolean enabled) {
        }

        @Override
        public RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, dev.loyaltyrelay.domain.SealedSecret used,
                java.time.Instant since) {
            return RefusalFlag.FLAGGED;
        }

        @Override
        public void markAttention(String merchantId, String integrationId, dev.loyaltyrelay.domain.Integration.Attention attention) {
        }
    }

    static RelayConfig ttl(Duration ttl) {
        return (RelayConfig) Proxy.newProxyInstance(RelayConfig.class.getClassLoader(), new Class<?>[] {RelayConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("configCacheTtl")) {
                        return ttl;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aMerchantIsReadOnceWithinTheTtl_evenWhenUnknown() {
        var store = new CountingStore();
        var clock = Clock.fixed(Instant.parse("2026-11-18T10:00:00Z"), ZoneOffset.UTC);
        var directory = new MerchantDirectory(store, LocalKeyCipherAccess.testCipher(), clock, ttl(Duration.ofSeconds(30)));
        directory.find("m1");
        directory.find("m1");
        assertEquals(1, store.loads.get());
        var later = new MerchantDirectory(store, LocalKeyCipherAccess.testCipher(),
                Clock.offset(clock, Duration.ofSeconds(4)), ttl(Duration.ofSeconds(30)));
        later.find("m1");
        assertEquals(2, store.loads.get(), "another container reads it once too");
    }

    @Test
    void anUnknownMerchant_isLookedUpAgainAfterFiveSeconds_soANewMerchantIsNotRefusedForLong() {
        var store = new CountingStore();
        var clock = new dev.loyaltyrelay.support.MutableClock();
        clock.set(Instant.parse("2026-11-18T10:00:00Z"));
        var directory = new MerchantDirectory(store, LocalKeyCipherAccess.testCipher(), clock, ttl(Duration.ofSeconds(30)));
        directory.find("new-merchant");
        clock.advance(Duration.ofSeconds(4));
        directory.find("new-merchant");
        assertEquals(1, store.loads.get());
        clock.advance(Duration.ofSeconds(2));
        directory.find("new-merchant");
        assertEquals(2, store.loads.get());
    }

    @Test
    void aFloodOfMadeUpIds_doesNotGrowTheCacheWithoutBound() {
        var store = new CountingStore();
        var clock = Clock.fixed(Instant.parse("2026-11-18T10:00:00Z"), ZoneOffset.UTC);
        var directory = new MerchantDirectory(store, LocalKeyCipherAccess.testCipher(), clock, ttl(Duration.ofSeconds(30)));
        for (int i = 0; i < MerchantDirectory.MAX_ENTRIES + 5_000; i++) {
            directory.find("made-up-" + i);
        }
        assertTrue(directory.cachedEntries() <= MerchantDirectory.MAX_ENTRIES, "entries: " + directory.cachedEntries());
    }
}
