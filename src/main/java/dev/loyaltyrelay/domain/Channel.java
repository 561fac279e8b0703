package dev.loyaltyrelay.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * The channel a provider sends on, and a recipient's consent is kept per. WhatsApp and SMS reach a mobile number,
 * email an email address; a provider's profile says which channel it uses.
 */
public enum Channel {
    WHATSAPP(CommonProperty.MOBILE),
    EMAIL(CommonProperty.EMAIL),
    SMS(CommonProperty.MOBILE);

    private final CommonProperty address;

    Channel(CommonProperty address) {
        this.address = address;
    }

    /** The kind of address this channel reaches. */
    public CommonProperty address() {
        return address;
    }

    /** {@code WHATSAPP}, {@code whatsapp}: the channel of that name. */
    public static Optional<Channel> of(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
