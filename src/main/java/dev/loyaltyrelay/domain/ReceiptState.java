package dev.loyaltyrelay.domain;

import java.util.Locale;

/**
 * What a provider reported of a message after it accepted it. Reports can arrive more than once and out of order
 * (read before delivered): a state replaces the one a delivery has only when it ranks higher, so a late "delivered"
 * never undoes "read". A failure counts only as the first report: a message reported delivered or read did reach the
 * customer, and a failure reported after that is not taken; once failed, nothing moves it.
 */
public enum ReceiptState {
    DELIVERED(1), READ(2), FAILED(3);

    private final int rank;

    ReceiptState(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** The lower-case name the admin API, the figures and the records use. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
