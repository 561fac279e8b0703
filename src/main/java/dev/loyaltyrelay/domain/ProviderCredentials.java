package dev.loyaltyrelay.domain;

import java.util.Map;
import java.util.TreeMap;

/**
 * The plaintext credentials of an integration, by field name (for example {@code apiKey}, or
 * {@code accountId} and {@code accessToken}). Only the delivery functions and the admin API open them;
 * {@link #toString()} never shows a value.
 */
public record ProviderCredentials(Map<String, String> fields) {

    public ProviderCredentials {
        fields = Map.copyOf(fields);
    }

    /** @throws Incomplete when the field is missing or blank: nothing can be sent until the merchant fixes it */
    public String require(String field) {
        String value = fields.get(field);
        if (value == null || value.isBlank()) {
            throw new Incomplete(field);
        }
        return value;
    }

    /** A credential field the provider needs is missing. The message names the field, never a value. */
    public static final class Incomplete extends RuntimeException {
        private final String field;

        public Incomplete(String field) {
            super("credential field missing: " + field, null, false, false);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The last four characters of each field, for display. */
    public Map<String, String> masked() {
        var masked = new TreeMap<String, String>();
        fields.forEach((name, value) -> masked.put(name, mask(value)));
        return masked;
    }

    static String mask(String value) {
        return value.length() <= 4 ? "****" : "****" + value.substring(value.length() - 4);
    }

    @Override
    public String toString() {
        return "ProviderCredentials" + fields.keySet();
    }
}
