package dev.loyaltyrelay.domain;

import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import java.time.Instant;

/**
 * The places each recipient has in a merchant's {@link FrequencyCap}: one per delivery that may have reached them in
 * the window, kept by delivery id, so a delivery tried again or received twice holds one place however often it asks.
 * Kept with conditional writes, so deliveries racing in many containers cannot take more places than the cap has.
 * Methods throw {@link StoreUnavailable}.
 */
public interface FrequencyCaps {

    /**
     * Takes a place for {@code deliveryId} in the recipient's window ending at {@code now}.
     *
     * @return true when the delivery holds a place (taken now, or already held); false when every place is in use
     */
    boolean take(RecipientKey recipient, String deliveryId, FrequencyCap cap, Instant now);

    /** Gives the delivery's place back (it was not sent after all); nothing when it holds none. */
    void giveBack(RecipientKey recipient, String deliveryId);

    /** How many places are in use in the window ending at {@code now}, taking none. */
    int inUse(RecipientKey recipient, FrequencyCap cap, Instant now);
}
