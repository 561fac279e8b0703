package dev.loyaltyrelay.domain;

/**
 * Derives delivery ids from what identifies a delivery, so a fan-out that is redone (an expired ingest claim,
 * a message delivered twice) produces the same ids and the delivery functions send each once.
 */
public final class DeliveryIds {

    private DeliveryIds() {
    }

    public static String derive(String merchantId, String nectorDeliveryId, String integrationId, String mappingId) {
        return "dlv_" + Hashes.sha256HexOfParts(merchantId, nectorDeliveryId, integrationId, mappingId).substring(0, 32);
    }
}
