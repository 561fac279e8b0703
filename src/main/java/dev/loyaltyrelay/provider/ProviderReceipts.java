package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.InboundEvent;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import java.util.List;

/**
 * A provider's receipts and replies, for a provider that publishes them: how what it posts reads, how the relay's URL
 * is registered with it, and its history of one message. A CDI bean implementing this interface is found by
 * {@link ProviderRegistry} for its provider; a provider without one reports nothing back.
 */
public interface ProviderReceipts {

    Provider provider();

    /** What the provider posted: receipts and replies; what is not one of those (other events, an unreadable body) is left out. */
    List<InboundEvent> read(byte[] body);

    /**
     * Registers {@code url} for receipts and replies with the account of {@code credentials}.
     *
     * @return {@code registered}, or why not ({@code refused_http_<status>}, {@code unavailable})
     */
    String register(ProviderCredentials credentials, String url);

    /** The message's states as the provider's history gives them now; empty when it cannot say. */
    List<InboundEvent.Receipt> history(ProviderCredentials credentials, String providerMessageId);
}
