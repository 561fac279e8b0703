package dev.loyaltyrelay.domain;

/**
 * Whom a delivery goes to: an E.164 mobile number (with {@code +}) or a lower-cased email address.
 * {@link #toString()} and {@link #masked()} hide the address, so a recipient is safe in a log line.
 */
public record Recipient(CommonProperty kind, String address) {

    /** What replaces an erased recipient's address wherever a record of them is kept. */
    public static final String ERASED = "erased";

    /** The same kind of recipient with the address gone (erasure). */
    public Recipient erased() {
        return new Recipient(kind, ERASED);
    }

    public String masked() {
        if (ERASED.equals(address)) {
            return ERASED;
        }
        return switch (kind) {
            case MOBILE -> address.length() <= 4 ? "****" : "*".repeat(address.length() - 4) + address.substring(address.length() - 4);
            case EMAIL -> {
                int at = address.indexOf('@');
                yield at <= 0 ? "***" : address.charAt(0) + "***" + address.substring(at);
            }
        };
    }

    @Override
    public String toString() {
        return "Recipient[" + kind + " " + masked() + "]";
    }
}
