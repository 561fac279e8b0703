package dev.loyaltyrelay.domain;

import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import java.time.Instant;

/**
 * The places each recipient has in a merchant's {@link FrequencyCap}: one per delivery that may have reached them in
 * the window. A place has a holder (the send attempt that took it, or took it over) until it is <b>kept</b>: an attempt
 * whose message the provider accepted, or may have, keeps it, and a kept place is never given back. An attempt of a
 * delivery whose place in the window is kept goes on it (a repeat of a message already counted); one whose place is not
 * kept yet takes it over (the attempt that took it is gone or will lose its claim), so giving a place back only ever
 * frees it when its latest holder did not send. A delivery tried again, resent or received twice counts once per
 * window. Kept with conditional writes, so deliveries racing in many containers cannot take more places than the cap
 * has. Methods throw {@link StoreUnavailable}.
 */
public interface FrequencyCaps {

    /**
     * Takes (or takes over) the delivery's place in the recipient's window ending at {@code now} for one send attempt.
     *
     * @param attempt the attempt's id, fresh for each attempt
     * @return true when the attempt may send: it holds the delivery's place now, or the place is kept already; false when
     *         every place is in use
     */
    boolean take(RecipientKey recipient, String deliveryId, String attempt, FrequencyCap cap, Instant now);

    /** Gives the delivery's place back if {@code attempt} still holds it and it is not kept (the attempt did not send). */
    void giveBack(RecipientKey recipient, String deliveryId, String attempt);

    /** Keeps the delivery's place: the attempt's message was accepted, or may have been; it counts until the window passes. */
    void keep(RecipientKey recipient, String deliveryId, String attempt, Instant now);

    /** How many places are in use in the window ending at {@code now}, taking none. */
    int inUse(RecipientKey recipient, FrequencyCap cap, Instant now);
}
