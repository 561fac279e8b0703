package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Map;

/**
 * An authentic event that failed validation, kept so it can be replayed once the catalogue or the mapping is
 * fixed (answering 4xx would only make Nector retry it and then drop it).
 *
 * @param merchantId       the store
 * @param nectorDeliveryId Nector's delivery id
 * @param topic            the topic header
 * @param reason           a code, e.g. {@code schema_violation}
 * @param detail           which properties failed and how (names and rules only, no values)
 * @param headers          the Nector headers needed to replay it (never the secret hash)
 * @param body             the raw body (personal data: kept only for the held-event retention)
 * @param receivedAt       when it arrived
 */
public record HeldEvent(
        String merchantId,
        String nectorDeliveryId,
        String topic,
        String reason,
        String detail,
        Map<String, String> headers,
        String body,
        Instant receivedAt) {

    @Override
    public String toString() {
        return "HeldEvent[" + merchantId + " " + nectorDeliveryId + " " + topic + " " + reason + "]";
    }
}
