package dev.loyaltyrelay.domain;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A messaging provider, known by the key its plug-in registers ({@code zoko}, {@code wigzo}...): the name in
 * configuration keys, queue names, records and JSON. What the provider is (its channel, whether it triggers
 * flows, its credential fields) is its {@link ProviderProfile}, which the {@link ProviderCatalogue} holds; a key
 * read from a record is a provider whether or not this build still carries its plug-in.
 */
public record Provider(String key) {

    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]{1,31}");

    public Provider {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a provider key is 2 to 32 lower-case letters and digits, starting with a letter");
        }
    }

    /** The provider of a key read from a record or a request, when the key is well formed. */
    public static Optional<Provider> fromKey(String key) {
        return key != null && KEY.matcher(key).matches() ? Optional.of(new Provider(key)) : Optional.empty();
    }

    @Override
    public String toString() {
        return key;
    }
}
