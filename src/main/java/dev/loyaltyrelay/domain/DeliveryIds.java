package dev.loyaltyrelay.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives delivery ids from what identifies a delivery, so a fan-out that is redone (an expired ingest claim,
 * a message delivered twice) produces the same ids and the delivery functions send each once.
 */
public final class DeliveryIds {

    private DeliveryIds() {
    }

    public static String derive(String merchantId, String nectorDeliveryId, String integrationId, String mappingId) {
        return "dlv_" + sha256Hex(merchantId, nectorDeliveryId, integrationId, mappingId).substring(0, 32);
    }

    /** SHA-256 over length-prefixed parts, so ("ab","c") and ("a","bc") differ. */
    public static String sha256Hex(String... parts) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ':');
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
