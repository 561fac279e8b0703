package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import java.util.Optional;

/**
 * One provider's wire format: shapes an {@link OutboundMessage} into the provider's request, makes the call
 * through the provider's REST client and reads the answer. Adding a provider is one folder with one adapter.
 */
public interface ProviderAdapter {

    Provider provider();

    /**
     * Requests that must succeed before the message request (Wigzo identifies the recipient first). They send no
     * message, so whatever becomes of them (a timeout included) is worth a retry: only the message request can
     * have an unknown outcome. The delivery is claimed only after this step succeeded.
     *
     * @return empty when the message may be sent; otherwise why not ({@link DeliveryOutcome.RetryLater} or
     *         {@link DeliveryOutcome.Rejected})
     * @throws ProviderCallFailed when there is no usable answer
     */
    default Optional<DeliveryOutcome> prepare(OutboundMessage message, ProviderCredentials credentials) {
        return Optional.empty();
    }

    /** Whether this provider has a {@link #prepare} step. */
    default boolean preparesFirst() {
        return false;
    }

    /** What {@link #prepare} does, for reason codes ({@code identify_timeout}). */
    default String preparation() {
        return "preparation";
    }

    /**
     * Sends one message: the one request that makes the provider message the customer.
     *
     * @return {@link DeliveryOutcome.Sent}, {@link DeliveryOutcome.RetryLater} or {@link DeliveryOutcome.Rejected}
     * @throws ProviderCallFailed when there is no usable answer: a 5xx, no connection, a timeout, a lost response
     */
    DeliveryOutcome send(OutboundMessage message, ProviderCredentials credentials);
}
