package dev.loyaltyrelay.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fact the merchant's own systems hear of (on EventBridge, source {@code loyalty-relay}): each is published once, when
 * it becomes true, by the writer whose write made it true. Its detail holds identifiers, reason codes, the provider and
 * the topic only: never an address, a secret or a message body ({@link #detail()} is built from these fields alone).
 */
public sealed interface OperationalEvent {

    String SOURCE = "loyalty-relay";

    String merchantId();

    /** EventBridge's {@code detail-type}: what a merchant's rule matches on. */
    String detailType();

    /** EventBridge's {@code detail}: identifiers and codes, in a stable order. */
    Map<String, Object> detail();

    /**
     * An integration was flagged as needing the merchant (its credentials or account refused, or its provider failing).
     */
    record IntegrationNeedsAttention(String merchantId, String integrationId, String provider, String reason) implements OperationalEvent {
        @Override
        public String detailType() {
            return "Integration Needs Attention";
        }

        @Override
        public Map<String, Object> detail() {
            return ordered("merchantId", merchantId, "integrationId", integrationId, "provider", provider, "reason", reason);
        }
    }

    /** A mapping was flagged as needing the merchant (the provider refused its template): nothing is sent through it. */
    record MappingNeedsAttention(String merchantId, String integrationId, String mappingId, String provider, String topic,
            String templateId, String reason) implements OperationalEvent {
        @Override
        public String detailType() {
            return "Mapping Needs Attention";
        }

        @Override
        public Map<String, Object> detail() {
            return ordered("merchantId", merchantId, "integrationId", integrationId, "mappingId", mappingId, "provider", provider,
                    "topic", topic, "templateId", templateId, "reason", reason);
        }
    }

    /** A delivery was given up ({@code EXHAUSTED}): out of attempts, age or receives; its letter is on the dead-letter queue. */
    record DeliveryExhausted(String merchantId, String deliveryId, String nectorDeliveryId, String integrationId, String provider,
            String topic, String reason, String givenUpBy) implements OperationalEvent {
        @Override
        public String detailType() {
            return "Delivery Exhausted";
        }

        @Override
        public Map<String, Object> detail() {
            return ordered("merchantId", merchantId, "deliveryId", deliveryId, "nectorDeliveryId", nectorDeliveryId,
                    "integrationId", integrationId, "provider", provider, "topic", topic, "reason", reason, "givenUpBy", givenUpBy);
        }
    }

    /**
     * A recipient's opt-out of a channel was recorded. {@code recipientHash} lets the merchant match it to a customer of
     * theirs ({@link #recipientHash(String, Recipient)}); {@code source} says who said so ({@code provider}: Meta 131050 on a
     * send or a receipt; {@code customer}: a STOP reply; {@code merchant}: the consent API). {@code provider} is the one
     * that reported it or that the STOP reached; {@code deliveryId} and {@code topic} are the delivery's that learned it,
     * for a provider's report only; each is null otherwise.
     */
    record RecipientOptedOut(String merchantId, String channel, String recipientHash, String source, String provider,
            String deliveryId, String topic) implements OperationalEvent {
        @Override
        public String detailType() {
            return "Recipient Opted Out";
        }

        @Override
        public Map<String, Object> detail() {
            return ordered("merchantId", merchantId, "channel", channel, "recipientHash", recipientHash, "source", source,
                    "provider", provider, "deliveryId", deliveryId, "topic", topic);
        }
    }

    /**
     * The recipient as the event names them: SHA-256 (hex) of {@code merchantId + "\n" + address}, the address as the
     * relay normalises it (E.164 {@code +91...}, or the lower-cased email). The merchant computes the same from the
     * addresses they hold to find the customer. It is a pseudonym, not anonymity (a phone number's hash can be searched
     * for): it goes to the merchant's own bus only, and never to a log.
     */
    static String recipientHash(String merchantId, Recipient recipient) {
        return Hashes.sha256Hex(merchantId + "\n" + recipient.address());
    }

    /** The fields in the order given, leaving out those that are null (EventBridge rules match on presence). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> detail = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                detail.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return detail;
    }
}
