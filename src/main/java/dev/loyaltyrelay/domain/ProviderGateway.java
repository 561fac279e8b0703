package dev.loyaltyrelay.domain;

import java.util.List;
import java.util.Optional;

/**
 * Where a message leaves for its provider, guarded per integration (a circuit breaker, a timeout, one quick retry of a
 * connection that was never made). Never throws: every failure is an outcome, and {@link DeliveryOutcome.Unknown} only
 * where a request may have reached the provider.
 */
public interface ProviderGateway {

    /** Why a message for a provider this build does not carry is not sent. */
    String PROVIDER_UNKNOWN = "provider_unknown";

    /**
     * Whether a call through the integration would be made now: false while its breaker is open and its delay has not
     * passed. The delivery pipeline asks before it claims a delivery, so a wait takes no claim.
     */
    boolean accepting(IntegrationKey integration);

    /**
     * Runs the provider's preparatory request where it has one (Wigzo's identify). No message is sent by it, so every
     * failure is a {@link DeliveryOutcome.RetryLater} or a {@link DeliveryOutcome.Rejected}, never Unknown.
     *
     * @return empty when the message may be sent now
     */
    Optional<DeliveryOutcome> prepare(IntegrationKey integration, OutboundMessage message, ProviderCredentials credentials);

    /** Sends the message request only (see {@link #prepare}); the integration is the breaker's scope. */
    DeliveryOutcome send(IntegrationKey integration, OutboundMessage message, ProviderCredentials credentials);

    /** Preparation then message, as one delivery makes them (the admin API's test send). */
    default DeliveryOutcome prepareAndSend(IntegrationKey integration, OutboundMessage message, ProviderCredentials credentials) {
        return prepare(integration, message, credentials).orElseGet(() -> send(integration, message, credentials));
    }

    /** Whether the provider reports receipts and replies the relay reads (its integrations get a receipt URL). */
    default boolean reportsReceipts(Provider provider) {
        return false;
    }

    /**
     * What a provider posted to the relay's receipt URL, read as receipts and replies; empty when the provider reports
     * nothing back (then nothing it posts is read). A body that does not read yields an empty list, never an exception.
     */
    default Optional<List<InboundEvent>> readInbound(Provider provider, byte[] body) {
        return Optional.empty();
    }

    /**
     * Registers the relay's receipt URL with the provider, where its API allows: a short code of what it said
     * ({@code registered}, {@code not_offered}, {@code refused_http_<status>}, {@code unavailable}). Never throws.
     */
    default String registerReceipts(IntegrationKey integration, Provider provider, ProviderCredentials credentials, String url) {
        return "not_offered";
    }

    /**
     * What the provider's history says of one message now (reconciliation, for receipts that never came); empty when it
     * cannot say (no such call, the provider failing). Never throws.
     */
    default List<InboundEvent.Receipt> receiptHistory(IntegrationKey integration, Provider provider, ProviderCredentials credentials,
            String providerMessageId) {
        return List.of();
    }
}
