package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.WebhookSecret;
import org.jboss.logging.Logger;
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

    private static final Logger LOG = Logger.getLogger(MerchantDirectory.class);

    /** A webhook secret ready for comparison and for keying the body HMAC. */
    public record OpenedSecret(String secretId, byte[] sha256, byte[] secret, Instant retiredAt) {
        boolean isValidAt(Instant now) {
            return retiredAt == null || now.isBefore(retiredAt);
        }
    }

    /** A webhook secret whose sealed value does not open (tampered, or sealed under another key): it authenticates nothing. */
    public record UnreadableSecret(String secretId, Instant retiredAt) {
        boolean isValidAt(Instant now) {
            return retiredAt == null || now.isBefore(retiredAt);
        }
    }

    /** A merchant's configuration with its secrets opened, and those that would not open. */
    public record KnownMerchant(MerchantConfiguration configuration, List<OpenedSecret> secrets, List<UnreadableSecret> unreadable) {
        public List<OpenedSecret> validSecrets(Instant now) {
            return secrets.stream().filter(s -> s.isValidAt(now)).toList();
        }

        /** Whether a secret that is still valid could not be read, so a request matching no secret may have been signed with it. */
        public boolean hasUnreadableValidSecret(Instant now) {
            return unreadable.stream().anyMatch(s -> s.isValidAt(now));
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

    public MerchantDirectory(ConfigurationStore store, SecretCipher cipher, Clock clock, RelayConfig config) {
        this.store = store;
        this.cipher = cipher;
        this.clock = clock;
        this.ttl = config.configCacheTtl();
    }

    /**
     * The merchant with its webhook secrets opened, or empty when there is no such merchant.
     *
     * @throws SecretCipher.KeyServiceUnavailable when the key service cannot open the secrets now (nothing is remembered,
     *                                            so the next request tries again)
     */
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
        List<UnreadableSecret> unreadable = new ArrayList<>();
        for (WebhookSecret secret : configuration.webhookSecrets()) {
            byte[] plain;
            try {
                plain = cipher.open(secret.sealed(), EncryptionContext.forWebhookSecret(merchantId, secret.secretId()));
            } catch (SecretCipher.KeyServiceUnavailable retryable) {
                throw retryable;
            } catch (SecretCipher.SecretUnavailable doesNotOpen) {
                // One bad secret must not lock out the merchant's others; it is logged, and counted where it refuses a request.
                LOG.errorf("ingest: webhook secret %s of merchant %s does not open (%s); it authenticates nothing until replaced",
                        secret.secretId(), merchantId, doesNotOpen.getMessage());
                unreadable.add(new UnreadableSecret(secret.secretId(), secret.retiredAt()));
                continue;
            }
            opened.add(new OpenedSecret(secret.secretId(), Hashes.sha256(plain), plain, secret.retiredAt()));
        }
        return new KnownMerchant(configuration, opened, unreadable);
    }
}
