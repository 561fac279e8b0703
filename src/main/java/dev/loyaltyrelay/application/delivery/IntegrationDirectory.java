package dev.loyaltyrelay.application.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Integrations with their credentials opened, kept briefly in the warm container so a batch costs one
 * configuration read and one KMS call per integration, not per message. Credentials live only in memory here
 * and are never logged ({@link ProviderCredentials#toString()} shows field names only).
 */
@ApplicationScoped
public class IntegrationDirectory {

    /** What sending through one integration needs. */
    public record SendingContext(Merchant merchant, Integration integration, ProviderCredentials credentials) {
        /** The circuit breaker's scope. */
        public IntegrationKey integrationKey() {
            return new IntegrationKey(merchant.merchantId(), integration.integrationId());
        }
    }

    private record Entry(Optional<SendingContext> context, Instant loadedAt) {
    }

    static final int MAX_ENTRIES = 10_000;
    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private final ConfigurationStore store;
    private final SecretCipher cipher;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration ttl;
    private final Map<IntegrationKey, Entry> cache = new ConcurrentHashMap<>();

    IntegrationDirectory(ConfigurationStore store, SecretCipher cipher, ObjectMapper json, Clock clock, RelayConfig config) {
        this.store = store;
        this.cipher = cipher;
        this.json = json;
        this.clock = clock;
        this.ttl = config.delivery().credentialsCacheTtl();
    }

    /**
     * The integration with its credentials, or empty when the merchant or the integration does not exist.
     *
     * @throws SecretCipher.SecretUnavailable when the credentials cannot be opened (key service down, tampering)
     */
    public Optional<SendingContext> find(String merchantId, String integrationId) {
        var key = new IntegrationKey(merchantId, integrationId);
        Instant now = clock.instant();
        Entry entry = cache.get(key);
        if (entry != null && entry.loadedAt().plus(ttl).isAfter(now)) {
            return entry.context();
        }
        Optional<SendingContext> context = store.load(merchantId).flatMap(configuration -> open(configuration, integrationId));
        if (context.isEmpty()) {
            // Not remembered: jobs of a missing integration are rare, and one re-created under the same id works at once.
            return context;
        }
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        cache.put(key, new Entry(context, now));
        return context;
    }

    /** Forgets an integration, so the next job reads it again (after its credentials were refused). */
    public void forget(String merchantId, String integrationId) {
        cache.remove(new IntegrationKey(merchantId, integrationId));
    }

    public void forgetAll() {
        cache.clear();
    }

    private Optional<SendingContext> open(MerchantConfiguration configuration, String integrationId) {
        return configuration.integrations().stream()
                .filter(integration -> integration.integrationId().equals(integrationId))
                .findFirst()
                .map(integration -> new SendingContext(configuration.merchant(), integration, credentials(integration)));
    }

    private ProviderCredentials credentials(Integration integration) {
        byte[] plaintext = cipher.open(integration.credentials(),
                EncryptionContext.forIntegration(integration.merchantId(), integration.integrationId()));
        try {
            return new ProviderCredentials(json.readValue(plaintext, FIELDS));
        } catch (IOException e) {
            throw new SecretCipher.SecretUnavailable("credentials are not a JSON object of strings", null);
        }
    }
}
