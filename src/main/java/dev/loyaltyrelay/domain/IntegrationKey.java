package dev.loyaltyrelay.domain;

import java.util.Objects;

/**
 * Names one integration of one merchant: an integration id is unique only within its merchant. The scope of an
 * integration's circuit breaker and the key of its cached credentials.
 */
public record IntegrationKey(String merchantId, String integrationId) {

    public IntegrationKey {
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(integrationId, "integrationId");
    }

    public static IntegrationKey of(Integration integration) {
        return new IntegrationKey(integration.merchantId(), integration.integrationId());
    }

    /** {@code merchant/integration}, as log lines name an integration (both are ids: nothing personal). */
    @Override
    public String toString() {
        return merchantId + "/" + integrationId;
    }
}
