package dev.loyaltyrelay.application.receipts;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.ProviderGateway;
import dev.loyaltyrelay.domain.ReceiptEndpoints;
import dev.loyaltyrelay.domain.ReceiptEndpoints.ReceiptEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;

/**
 * Issues an integration's receipt URL (a fresh secret each time, the earlier one stops working) and registers it with
 * the provider where its API allows. The URL is returned once, to be shown to the merchant in that answer only; the
 * relay keeps the secret's digest.
 */
@ApplicationScoped
public class ReceiptUrls {

    static final String PATH = "/v1/receipts/";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReceiptEndpoints endpoints;
    private final ProviderGateway gateway;
    private final Optional<String> publicUrl;
    private final Clock clock;

    ReceiptUrls(ReceiptEndpoints endpoints, ProviderGateway gateway, RelayConfig config, Clock clock) {
        this.endpoints = endpoints;
        this.gateway = gateway;
        this.publicUrl = config.publicUrl().map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url).filter(url -> !url.isBlank());
        this.clock = clock;
    }

    /**
     * What was issued.
     *
     * @param url          the receipt URL with its secret (shown once), or null when the deployment's public URL is unset
     * @param registration {@code registered}, {@code not_offered} (the provider reports nothing back, or registers by
     *                     hand), {@code public_url_unset}, or why the provider did not take it
     */
    public record Issued(String url, String registration) {
        @Override
        public String toString() {
            return "Issued[" + registration + "]";
        }
    }

    /** Whether the integration's provider reports receipts the relay reads. */
    public boolean offered(Integration integration) {
        return gateway.reportsReceipts(integration.provider());
    }

    /** A new receipt URL for the integration, registered with its provider where it allows. */
    public Issued issue(Integration integration, ProviderCredentials credentials) {
        if (!offered(integration)) {
            return new Issued(null, "not_offered");
        }
        if (publicUrl.isEmpty()) {
            return new Issued(null, "public_url_unset");
        }
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        String url = publicUrl.get() + PATH + integration.provider().key() + "/" + integration.merchantId() + "/" + integration.integrationId() + "/"
                + secret;
        // Saved before it is registered: a receipt the provider posts at once must find it.
        endpoints.save(integration.merchantId(), integration.integrationId(),
                new ReceiptEndpoint(integration.provider(), Hashes.sha256Hex(secret), clock.instant(), "registering"));
        String registration = gateway.registerReceipts(new IntegrationKey(integration.merchantId(), integration.integrationId()),
                integration.provider(), credentials, url);
        endpoints.save(integration.merchantId(), integration.integrationId(),
                new ReceiptEndpoint(integration.provider(), Hashes.sha256Hex(secret), clock.instant(), registration));
        return new Issued(url, registration);
    }
}
