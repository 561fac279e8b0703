package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One message to send: the unit on a provider's queue. Its JSON form is versioned
 * ({@code src/main/resources/schemas/delivery-job.v1.schema.json}); a consumer refuses a version it does not know.
 *
 * @param schemaVersion    the JSON schema version of this job
 * @param deliveryId       deterministic: the same webhook and mapping always give the same id
 * @param merchantId       the store
 * @param nectorDeliveryId Nector's {@code x-nector-delivery-id}
 * @param topic            the Nector topic
 * @param provider         the provider whose queue carries it
 * @param integrationId    the integration to send through
 * @param recipient        the resolved address
 * @param mapping          the mapping as it was when the event arrived
 * @param properties       the event properties the mapping uses and forwards
 * @param receivedAt       when ingest accepted the webhook
 * @param category         the topic's category for this merchant, decided at fan-out (a job written without one reads as
 *                         {@code MARKETING}: the category under which every opt-out holds)
 */
public record DeliveryJob(
        int schemaVersion,
        String deliveryId,
        String merchantId,
        String nectorDeliveryId,
        String topic,
        Provider provider,
        String integrationId,
        Recipient recipient,
        EventMapping mapping,
        Map<String, Object> properties,
        Instant receivedAt,
        TopicCategory category) {

    public static final int SCHEMA_VERSION = 1;

    /** The category a job carries when it was written without one: marketing, so every opt-out suppresses it. */
    public static final TopicCategory ABSENT_CATEGORY = TopicCategory.MARKETING;

    public DeliveryJob {
        if (category == null) {
            category = ABSENT_CATEGORY;
        }
    }

    /** A job of no stated category ({@link #ABSENT_CATEGORY}). */
    public DeliveryJob(int schemaVersion, String deliveryId, String merchantId, String nectorDeliveryId, String topic, Provider provider,
            String integrationId, Recipient recipient, EventMapping mapping, Map<String, Object> properties, Instant receivedAt) {
        this(schemaVersion, deliveryId, merchantId, nectorDeliveryId, topic, provider, integrationId, recipient, mapping, properties, receivedAt,
                ABSENT_CATEGORY);
    }

    /** This job with nothing left of an erased recipient: no address and no event properties. */
    public DeliveryJob withRecipientErased() {
        return new DeliveryJob(schemaVersion, deliveryId, merchantId, nectorDeliveryId, topic, provider, integrationId, recipient.erased(),
                mapping, Map.of(), receivedAt, category);
    }

    @Override
    public String toString() {
        return "DeliveryJob[" + deliveryId + " " + provider.key() + " " + topic + "]";
    }
}
