package dev.loyaltyrelay.application.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * An authentic webhook read under the JSON limits: what the steps after reading go on with.
 *
 * @param topic            the topic header (not yet checked against the catalogue)
 * @param nectorDeliveryId Nector's delivery id, 1 to 128 visible ASCII characters
 * @param body             the body, a JSON object, for the catalogue's schema check
 * @param properties       the same object as plain values, for recipients, customers and jobs
 */
record WebhookEvent(String topic, String nectorDeliveryId, JsonNode body, Map<String, Object> properties) {
}
