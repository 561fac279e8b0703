package dev.loyaltyrelay.figures;

import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.Provider;
import java.time.LocalDate;

/**
 * One change of a delivery record as the records table's stream carries it, reduced to what the figures need.
 *
 * @param sequenceNumber the stream record's sequence number (where a retry starts)
 * @param eventId        the stream record's id
 * @param deliveryId     the delivery whose record changed
 * @param merchantId     the store
 * @param day            the UTC day the delivery's event was received (the figures' day)
 * @param provider       the provider
 * @param topic          the Nector topic
 * @param before         what the delivery counted as before the change, or null
 * @param after          what it counts as after, or null
 * @param beforeTemplate the template the record named before the change, or null
 * @param afterTemplate  the template it names after, or null (a record written before records carried it)
 */
record DeliveryChange(String sequenceNumber, String eventId, String deliveryId, String merchantId, LocalDate day, Provider provider, String topic,
        Counted before, Counted after, String beforeTemplate, String afterTemplate) {

    /** Whether the change moves the delivery from one counter to another. */
    boolean movesCounters() {
        return after != null && (!after.equals(before) || !java.util.Objects.equals(beforeTemplate, afterTemplate));
    }
}
