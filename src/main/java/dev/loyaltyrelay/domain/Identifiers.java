package dev.loyaltyrelay.domain;

import java.util.regex.Pattern;

/**
 * The one rule for the identifiers a merchant or operator chooses (merchant, integration, mapping, secret ids): 1 to 64
 * letters, digits, {@code _} and {@code -}, so an id is safe in a key, a URL path, a log line and a queue attribute.
 */
public final class Identifiers {

    /** The rule as a pattern fragment, for patterns that embed an id (an admin key names its merchant). */
    public static final String ID = "[A-Za-z0-9_-]{1,64}";
    private static final Pattern WHOLE = Pattern.compile("^" + ID + "$");

    private Identifiers() {
    }

    public static boolean isValid(String id) {
        return id != null && WHOLE.matcher(id).matches();
    }
}
