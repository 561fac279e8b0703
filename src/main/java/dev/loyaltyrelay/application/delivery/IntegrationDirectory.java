package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.application.ConfigurationCache;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationChanged;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Integrations with their credentials opened, kept in the warm container so a batch costs no configuration read and
 * no KMS call per message; how stale they can be is {@link ConfigurationCache}'s (a disabled integration or replaced
 * credentials apply everywhere within {@code relay.config-fresh-for}). Credentials live only in memory here and are
 * never logged ({@link ProviderCredentials#toString()} shows field names only).
 */
@ApplicationScoped
public class IntegrationDirectory {

    /**
     * What sending through one integration needs.
     *
     * @param flaggedMappings the integration's mappings that need the merchant's attention, by mapping id: a job carries
     *                        its mapping as it was when the event arrived, so the flag is read here, where a flag set since
     *                        is seen
     */
    public record SendingContext(Merchant merchant, Integration integration, ProviderCredentials credentials,
            Map<String, EventMapping.Attention> flaggedMappings) {
        public SendingContext {
            flaggedMappings = Map.copyOf(flaggedMappings);
        }

        /** The circuit breaker's scope. */
        public IntegrationKey integrationKey() {
            return new IntegrationKey(merchant.merchantId(), integration.integrationId());
        }

        /** Whether the mapping is flagged: its template was refused, and would be again until the merchant saves it. */
        public boolean mappingNeedsAttention(String mappingId) {
            return flaggedMappings.containsKey(mappingId);
        }
    }

    private final ConfigurationSecrets secrets;
    private final ConfigurationCache<IntegrationKey, SendingContext> cache;

    public IntegrationDirectory(ConfigurationStore store, ConfigurationSecrets secrets, Clock clock, RelayConfig config) {
        this.secrets = secrets;
        this.cache = ConfigurationCache.configured(store, clock, config, IntegrationKey::merchantId,
                key -> store.load(key.merchantId()).flatMap(configuration -> open(configuration, key.integrationId())));
    }

    /**
     * The integration with its credentials, or empty when the merchant or the integration does not exist.
     *
     * @throws SecretCipher.SecretUnavailable when the credentials cannot be opened (key service down, tampering)
     */
    public Optional<SendingContext> find(String merchantId, String integrationId) {
        return cache.get(new IntegrationKey(merchantId, integrationId));
    }

    /** Forgets an integration, so the next job reads it again (after its credentials were refused). */
    public void forget(String merchantId, String integrationId) {
        cache.forget(new IntegrationKey(merchantId, integrationId));
    }

    /** Drops everything (tests that empty the tables under a running application). */
    public void forgetAll() {
        cache.forgetAll();
    }

    /** A change this container made (an attention flag, in the delivery function) applies here at once. */
    void changed(@Observes(notifyObserver = Reception.IF_EXISTS) ConfigurationChanged change) {
        cache.forgetMerchant(change.merchantId());
    }

    private Optional<SendingContext> open(MerchantConfiguration configuration, String integrationId) {
        return configuration.integrations().stream()
                .filter(integration -> integration.integrationId().equals(integrationId))
                .findFirst()
                .map(integration -> new SendingContext(configuration.merchant(), integration, secrets.openCredentials(integration),
                        configuration.mappings().stream()
                                .filter(mapping -> mapping.integrationId().equals(integrationId) && mapping.needsAttention())
                                .collect(Collectors.toMap(EventMapping::mappingId, EventMapping::attention))));
    }
}
