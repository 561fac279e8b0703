package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Merchant configurations with their webhook secrets opened, kept for a short time in the warm container so
 * that an event costs no configuration read (and no KMS call). Unknown merchants are remembered too, so a
 * flood of requests for a made-up merchant does not become a flood of queries.
 */
@ApplicationScoped
public class MerchantDirectory {

    /** A webhook secret ready for comparison and for keying the body HMAC. */
    public record OpenedSecret(String secretId, byte[] sha256, byte[] secret, Instant retiredAt) {
        boolean isValidAt(Instant now) {
            return retiredAt == null || now.isBefore(retiredAt);
        }
    }

    /** A merchant's configuration with its secrets opened. */
    public record KnownMerchant(MerchantConfiguration configuration, List<OpenedSecret> secrets) {
        public List<OpenedSecret> validSecrets(Instant now) {
            return secrets.stream().filter(s -> s.isValidAt(now)).toList();
        }
    }

    private record Entry(Optional<KnownMerchant> merchant, Instant loadedAt) {
    }

    /** Bounds the memory a flood of made-up merchant ids can take in one container. */
    static final int MAX_ENTRIES = 10_000;

    private final ConfigurationStore store;
    private final SecretCipher cipher;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    MerchantDirectory(ConfigurationStore store, SecretCipher cipher, Clock clock, RelayConfig config) {
        this.store = store;
        this.cipher = cipher;
        this.clock = clock;
        this.ttl = config.configCacheTtl();
    }

    public Optional<KnownMerchant> find(String merchantId) {
        Instant now = clock.instant();
        Entry entry = cache.get(merchantId);
        if (entry != null && now.isBefore(entry.loadedAt().plus(ttlOf(entry))) && !now.isBefore(entry.loadedAt())) {
            return entry.merchant();
        }
        Optional<KnownMerchant> loaded = store.load(merchantId).map(this::open);
        if (cache.size() >= MAX_ENTRIES) {
            cache.values().removeIf(e -> !now.isBefore(e.loadedAt().plus(ttl)));
        }
        if (cache.size() < MAX_ENTRIES || loaded.isPresent()) {
            cache.put(merchantId, new Entry(loaded, now));
        }
        return loaded;
    }

    /**
     * An unknown merchant is remembered for a shorter time than a known one: a merchant the admin API just
     * created should not wait long in containers that looked it up before it existed.
     */
    private Duration ttlOf(Entry entry) {
        return entry.merchant().isPresent() || ttl.compareTo(UNKNOWN_MERCHANT_TTL) < 0 ? ttl : UNKNOWN_MERCHANT_TTL;
    }

    static final Duration UNKNOWN_MERCHANT_TTL = Duration.ofSeconds(5);

    int cachedEntries() {
        return cache.size();
    }

    /** Drops every cached configuration (the admin API after a change; tests). */
    public void invalidateAll() {
        cache.clear();
    }

    private KnownMerchant open(MerchantConfiguration configuration) {
        String merchantId = configuration.merchant().merchantId();
        List<OpenedSecret> opened = new ArrayList<>();
        for (WebhookSecret secret : configuration.webhookSecrets()) {
            byte[] plain = cipher.open(secret.sealed(), EncryptionContext.forWebhookSecret(merchantId, secret.secretId()));
            opened.add(new OpenedSecret(secret.secretId(), NectorSignature.sha256(plain), plain, secret.retiredAt()));
        }
        return new KnownMerchant(configuration, opened);
    }
}
