package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A merchant's connection to one provider ("Initialize" in the guides).
 *
 * @param merchantId     the owning merchant
 * @param integrationId  stable id
 * @param provider       which provider
 * @param commonProperty which user property addresses the customer
 * @param credentials    the provider's credentials, sealed (see {@link ProviderCredentials})
 * @param enabled        whether events are sent through it
 * @param attention      why it needs the merchant's attention (credentials refused, ...), or null
 */
public record Integration(
        String merchantId,
        String integrationId,
        Provider provider,
        CommonProperty commonProperty,
        SealedSecret credentials,
        boolean enabled,
        Attention attention) {

    public Integration {
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(integrationId, "integrationId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(commonProperty, "commonProperty");
        Objects.requireNonNull(credentials, "credentials");
    }

    /**
     * Why an integration needs the merchant's attention, and since when.
     *
     * @param reason a code such as {@code credentials_refused}
     * @param since  when it started
     */
    public record Attention(String reason, Instant since) {
        /** The integration's circuit breaker is open: the provider is failing, not the merchant's configuration. */
        public static final String PROVIDER_FAILING = "provider_failing";

        /**
         * Whether the flag keeps deliveries from being sent: every flag but a failing provider's is the provider refusing
         * the integration (credentials, or the account behind them), and a send would only be refused again.
         */
        public boolean stopsSending() {
            return !PROVIDER_FAILING.equals(reason);
        }

    }
}
