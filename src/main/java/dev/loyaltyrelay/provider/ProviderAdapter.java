package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;

/**
 * One provider's wire format: shapes an {@link OutboundMessage} into the provider's request, makes the call
 * through the provider's REST client and reads the answer. Adding a provider is one folder with one adapter.
 */
public interface ProviderAdapter {

    Provider provider();

    /**
     * Sends one message.
     *
     * @return {@link DeliveryOutcome.Sent}, {@link DeliveryOutcome.RetryLater} or {@link DeliveryOutcome.Rejected}
     * @throws ProviderCallFailed when there is no usable answer: a 5xx, no connection, a timeout, a lost response
     */
    DeliveryOutcome send(OutboundMessage message, ProviderCredentials credentials);
}
