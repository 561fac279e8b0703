package dev.loyaltyrelay.domain;

import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import java.time.Instant;

/**
 * The places each recipient has in a merchant's {@link FrequencyCap}: one per delivery that may have reached them in
 * the window. Each place is taken by one send attempt ({@code <deliveryId>#<attempt>}), so giving an attempt's place
 * back never frees another's; an attempt of a delivery that holds a place in the window already (an earlier attempt
 * sent, or may have) goes on that place, so a delivery tried again, resent or received twice counts once per window.
 * Kept with conditional writes, so deliveries racing in many containers cannot take more places than the cap has.
 * Methods throw {@link StoreUnavailable}.
 */
public interface FrequencyCaps {

    /**
     * Takes a place for one send attempt of {@code deliveryId} in the recipient's window ending at {@code now}.
     *
     * @param place the attempt's place: {@code <deliveryId>#<attempt id>}
     * @return true when the attempt may send: its place is taken now, or the delivery holds one in the window already;
     *         false when every place is in use
     */
    boolean take(RecipientKey recipient, String deliveryId, String place, FrequencyCap cap, Instant now);

    /** Gives an attempt's place back (it did not send after all); nothing when it took none. */
    void giveBack(RecipientKey recipient, String place);

    /** How many places are in use in the window ending at {@code now}, taking none. */
    int inUse(RecipientKey recipient, FrequencyCap cap, Instant now);
}
