package dev.loyaltyrelay.domain;

import java.util.List;

/**
 * What a provider is, as its plug-in declares it.
 *
 * @param provider         its key
 * @param displayName      as merchants know it ({@code LimeChat}); also the stem of its template resources ({@code LimeChatQueue})
 * @param channel          the channel it sends on (WhatsApp for the four WhatsApp providers, email for Wigzo): the only
 *                         common property it can address follows from it, and so does the consent a delivery is checked against
 * @param triggersFlows    whether it triggers a flow or automation with the event's own properties (LimeChat, Wigzo)
 *                         rather than filling a template's ordered variables; such mappings forward all properties by default
 * @param credentialFields exactly the credential fields it needs ("Initialize" in its guide)
 */
public record ProviderProfile(Provider provider, String displayName, Channel channel, boolean triggersFlows,
        List<String> credentialFields) {

    public ProviderProfile {
        credentialFields = List.copyOf(credentialFields);
    }

    /** The only common property its channel can address (mobile for WhatsApp and SMS, email for email). */
    public CommonProperty commonProperty() {
        return channel.address();
    }

    public String key() {
        return provider.key();
    }

    /**
     * Whether it sends a WhatsApp template whose parameters are the mapping's ordered variables (Zoko, DelightChat,
     * BiteSpeed); Meta's parameter rules then apply to every rendered value.
     */
    public boolean sendsWhatsAppTemplates() {
        return !triggersFlows && channel == Channel.WHATSAPP;
    }
}
