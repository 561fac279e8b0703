package dev.loyaltyrelay.domain;

import java.util.List;

/** Events held for replay. Methods throw {@link StoreUnavailable} when the store cannot be reached. */
public interface HeldEventStore {

    /** Keeps the event; a repeat of the same delivery id keeps the first. */
    void hold(HeldEvent event);

    List<HeldEvent> list(String merchantId);

    /** Forgets a held event (replayed, or erased). */
    void release(String merchantId, String nectorDeliveryId);
}
