package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.List;

/**
 * A delivery as its record shows it: what the admin API's status view reads. The recipient is kept masked here;
 * the full address stays in the store (for listing by recipient and for erasure).
 *
 * @param deliveryId        the delivery
 * @param merchantId        the store
 * @param provider          the provider
 * @param integrationId     the integration
 * @param topic             the Nector topic
 * @param recipientMasked   the recipient, masked
 * @param status            where it stands
 * @param reason            the last reason code
 * @param attempts          provider calls made
 * @param providerMessageId the provider's id, once sent
 * @param receivedAt        when ingest accepted the webhook
 * @param updatedAt         last change
 * @param nextAttemptAt     when a scheduled retry is due, else null
 * @param givenUpBy         for a delivery given up ({@code EXHAUSTED}): the budget that ended it; else null
 * @param counted           what the delivery counts as in the figures now, or null while it is first attempted
 * @param trail             provider attempts and final decisions, oldest first
 * @param receipt           what the provider reported after it accepted the message, or null (none yet, or none offered)
 */
public record DeliveryRecord(
        String deliveryId,
        String merchantId,
        Provider provider,
        String integrationId,
        String topic,
        String recipientMasked,
        DeliveryStatus status,
        String reason,
        int attempts,
        String providerMessageId,
        Instant receivedAt,
        Instant updatedAt,
        Instant nextAttemptAt,
        String givenUpBy,
        DeliveryFigures.Counted counted,
        List<TrailEntry> trail,
        DeliveryReceipt receipt) {

    public DeliveryRecord {
        trail = List.copyOf(trail);
    }

    /**
     * One step of a delivery.
     *
     * @param at             when
     * @param status         the status it led to
     * @param reason         the reason code
     * @param providerCalled whether the provider was called
     * @param httpStatus     the provider's status code, or 0
     */
    public record TrailEntry(Instant at, DeliveryStatus status, String reason, boolean providerCalled, int httpStatus) {
    }

    /**
     * The latest of the provider's reports on a sent message.
     *
     * @param state  delivered, read or failed
     * @param at     when the provider says it happened
     * @param reason for a failure, its reason code; else null
     */
    public record DeliveryReceipt(ReceiptState state, Instant at, String reason) {
    }
}
