package dev.loyaltyrelay.provider;

/**
 * One credential value, as a provider's credentials record holds it: its {@code toString} shows nothing of it, so a
 * record, a log line or an exception message that names the credentials never carries the value. Read it with
 * {@link #value()} only where the request is built.
 */
public record Secret(String value) {

    @Override
    public String toString() {
        return "****";
    }
}
