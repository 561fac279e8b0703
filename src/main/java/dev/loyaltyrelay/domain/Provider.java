package dev.loyaltyrelay.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * The messaging providers a merchant can connect. Each has its own queue and its own delivery function,
 * so one provider's outage or throttling never slows another.
 */
public enum Provider {
    LIMECHAT("limechat", CommonProperty.MOBILE, true),
    DELIGHTCHAT("delightchat", CommonProperty.MOBILE, false),
    BITESPEED("bitespeed", CommonProperty.MOBILE, false),
    ZOKO("zoko", CommonProperty.MOBILE, false),
    WIGZO("wigzo", CommonProperty.EMAIL, true);

    private final String key;
    private final CommonProperty commonProperty;
    private final boolean triggersFlows;

    Provider(String key, CommonProperty commonProperty, boolean triggersFlows) {
        this.key = key;
        this.commonProperty = commonProperty;
        this.triggersFlows = triggersFlows;
    }

    /** Lower-case name used in configuration keys, handler names, queue names and JSON. */
    public String key() {
        return key;
    }

    /** The only common property the provider's channel can address (mobile for WhatsApp, email for Wigzo). */
    public CommonProperty commonProperty() {
        return commonProperty;
    }

    /**
     * Whether the provider triggers a flow or automation with the event's own properties (LimeChat, Wigzo)
     * rather than filling a template's ordered variables. Such mappings forward all properties by default.
     */
    public boolean triggersFlows() {
        return triggersFlows;
    }

    /**
     * Whether the provider sends a WhatsApp template whose parameters are the mapping's ordered variables
     * (Zoko, DelightChat, BiteSpeed); Meta's parameter rules then apply to every rendered value.
     */
    public boolean sendsWhatsAppTemplates() {
        return !triggersFlows && commonProperty == CommonProperty.MOBILE;
    }

    /** Exactly the credential fields the provider needs ("Initialize" in its guide). */
    public java.util.List<String> credentialFields() {
        return switch (this) {
            case LIMECHAT -> java.util.List.of("accountId", "accessToken");
            case DELIGHTCHAT, ZOKO -> java.util.List.of("apiKey");
            case BITESPEED -> java.util.List.of("channelId", "userId");
            case WIGZO -> java.util.List.of("orgToken", "apiToken");
        };
    }

    public static Optional<Provider> fromKey(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key)).findFirst();
    }
}
