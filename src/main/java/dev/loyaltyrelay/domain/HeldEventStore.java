package dev.loyaltyrelay.domain;

import java.util.List;

/** Events held for replay. Methods throw {@link StoreUnavailable} when the store cannot be reached. */
public interface HeldEventStore {

    /** Keeps the event; a repeat of the same delivery id keeps the first. */
    void hold(HeldEvent event);

    /**
     * One page of a merchant's held events in delivery-id order, after {@code afterDeliveryId} (null: from the first).
     * At most {@code limit} events, fewer when the store's own page (1 MB of items) fills first; one read.
     */
    HeldPage page(String merchantId, String afterDeliveryId, int limit);

    /** Forgets a held event (replayed, or erased). */
    void release(String merchantId, String nectorDeliveryId);

    /** The merchant's event held under this delivery id, if it still is. */
    java.util.Optional<HeldEvent> find(String merchantId, String nectorDeliveryId);

    /**
     * @param events        the page
     * @param continueAfter what to pass as {@code afterDeliveryId} for the next page; null when there is none
     */
    record HeldPage(List<HeldEvent> events, String continueAfter) {
    }
}
