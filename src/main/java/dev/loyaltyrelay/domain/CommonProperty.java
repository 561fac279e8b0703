package dev.loyaltyrelay.domain;

/**
 * The Nector user property that identifies the customer to a provider ("Choose Common Property" in the guides).
 */
public enum CommonProperty {
    MOBILE("user_mobile"),
    EMAIL("user_email");

    private final String eventProperty;

    CommonProperty(String eventProperty) {
        this.eventProperty = eventProperty;
    }

    /** The event property that carries this identifier. */
    public String eventProperty() {
        return eventProperty;
    }
}
