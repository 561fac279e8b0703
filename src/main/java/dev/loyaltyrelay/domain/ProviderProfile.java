package dev.loyaltyrelay.domain;

import java.util.List;

/**
 * What a provider is, as its plug-in declares it.
 *
 * @param provider         its key
 * @param displayName      as merchants know it ({@code LimeChat}); also the stem of its template resources ({@code LimeChatQueue})
 * @param commonProperty   the only common property its channel can address (mobile for WhatsApp, email for Wigzo)
 * @param triggersFlows    whether it triggers a flow or automation with the event's own properties (LimeChat, Wigzo)
 *                         rather than filling a template's ordered variables; such mappings forward all properties by default
 * @param credentialFields exactly the credential fields it needs ("Initialize" in its guide)
 */
public record ProviderProfile(Provider provider, String displayName, CommonProperty commonProperty, boolean triggersFlows,
        List<String> credentialFields) {

    public ProviderProfile {
        credentialFields = List.copyOf(credentialFields);
    }

    public String key() {
        return provider.key();
    }

    /**
     * Whether it sends a WhatsApp template whose parameters are the mapping's ordered variables (Zoko, DelightChat,
     * BiteSpeed); Meta's parameter rules then apply to every rendered value.
     */
    public boolean sendsWhatsAppTemplates() {
        return !triggersFlows && commonProperty == CommonProperty.MOBILE;
    }
}
