package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.application.ConfigurationCache;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationChanged;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.WebhookSecret;
import org.jboss.logging.Logger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Merchant configurations with their webhook secrets opened, kept in the warm container so that an event costs no
 * configuration read (and no KMS call); how stale they can be is {@link ConfigurationCache}'s (a retired secret stops
 * authenticating everywhere within {@code relay.config-fresh-for}). Unknown merchants are remembered too, so a flood
 * of requests for a made-up merchant does not become a flood of queries.
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

    private final ConfigurationSecrets secrets;
    private final ConfigurationCache<String, KnownMerchant> cache;

    public MerchantDirectory(ConfigurationStore store, ConfigurationSecrets secrets, Clock clock, RelayConfig config) {
        this.secrets = secrets;
        this.cache = ConfigurationCache.configured(store, clock, config, merchantId -> merchantId, merchantId -> store.load(merchantId).map(this::open));
    }

    /**
     * The merchant with its webhook secrets opened, or empty when there is no such merchant.
     *
     * @throws SecretCipher.KeyServiceUnavailable when the key service cannot open the secrets now (nothing is remembered,
     *                                            so the next request tries again)
     */
    public Optional<KnownMerchant> find(String merchantId) {
        return cache.get(merchantId);
    }

    /** A change this container made applies here at once; other containers see it through the version. */
    void changed(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigurationChanged change) {
        cache.forgetMerchant(change.merchantId());
    }

    /** Drops every cached configuration (tests that empty the tables under a running application). */
    public void invalidateAll() {
        cache.forgetAll();
    }

    private KnownMerchant open(MerchantConfiguration configuration) {
        String merchantId = configuration.merchant().merchantId();
        List<OpenedSecret> opened = new ArrayList<>();
        List<UnreadableSecret> unreadable = new ArrayList<>();
        for (WebhookSecret secret : configuration.webhookSecrets()) {
            byte[] plain;
            try {
                plain = secrets.openWebhookSecret(merchantId, secret);
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
