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
 * @param alsoSendsTemplates for a flow provider: whether a mapping may instead send a template by id with ordered
 *                         variables (LimeChat's direct template send), so a merchant needs no flow built for it
 * @param contract         whether its plug-in is written to an API the provider publishes, or to one assumed
 */
public record ProviderProfile(Provider provider, String displayName, Channel channel, boolean triggersFlows,
        List<String> credentialFields, boolean alsoSendsTemplates, Contract contract) {

    /** Where the plug-in's requests come from; merchants are told (Initialize, GET integration). */
    public enum Contract {
        /** The provider publishes the API the plug-in calls. */
        PUBLISHED,
        /**
         * The provider publishes none: the plug-in's URL, path, headers and body are assumptions, unverified against the
         * real service, so a merchant must not rely on it in production before a test send shows it works.
         */
        ASSUMED
    }

    public ProviderProfile {
        credentialFields = List.copyOf(credentialFields);
        java.util.Objects.requireNonNull(contract, "contract");
    }

    /** A provider whose plug-in follows a published API. */
    public ProviderProfile(Provider provider, String displayName, Channel channel, boolean triggersFlows,
            List<String> credentialFields, boolean alsoSendsTemplates) {
        this(provider, displayName, channel, triggersFlows, credentialFields, alsoSendsTemplates, Contract.PUBLISHED);
    }

    /** A provider with one way to send: a flow or a template. */
    public ProviderProfile(Provider provider, String displayName, Channel channel, boolean triggersFlows, List<String> credentialFields) {
        this(provider, displayName, channel, triggersFlows, credentialFields, false);
    }

    /** The same provider, its plug-in written to an assumed contract. */
    public ProviderProfile withAssumedContract() {
        return new ProviderProfile(provider, displayName, channel, triggersFlows, credentialFields, alsoSendsTemplates, Contract.ASSUMED);
    }

    /** Whether a mapping may name a template id: every template provider, and a flow provider that also sends templates. */
    public boolean takesTemplateId() {
        return !triggersFlows || alsoSendsTemplates;
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
     * BiteSpeed): every mapping needs a template id, and Meta's parameter rules apply to every rendered value. (A
     * LimeChat mapping that sends a template is one too, by its mapping: see {@link #rendersWhatsAppTemplate}.)
     */
    public boolean sendsWhatsAppTemplates() {
        return !triggersFlows && channel == Channel.WHATSAPP;
    }

    /** Whether a mapping's variables fill a WhatsApp template, so Meta's parameter rules apply to their values. */
    public boolean rendersWhatsAppTemplate(EventMapping mapping) {
        return sendsWhatsAppTemplates() || (channel == Channel.WHATSAPP && alsoSendsTemplates && mapping.sendsTemplate());
    }
}
