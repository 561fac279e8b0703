package dev.loyaltyrelay.domain;

import java.time.Instant;

/**
 * A merchant's key to the admin API. Only its SHA-256 is kept; the key itself is shown once, when issued.
 *
 * @param merchantId the only merchant it reaches
 * @param keyId      its id (part of the key, not secret)
 * @param sha256Hex  SHA-256 of the whole key
 * @param lastFour   the key's last four characters, to tell keys apart in a list
 * @param createdAt  when issued
 * @param revokedAt  when revoked, or null
 */
public record AdminKey(String merchantId, String keyId, String sha256Hex, String lastFour, Instant createdAt, Instant revokedAt) {

    public boolean activeAt(Instant now) {
        return revokedAt == null || now.isBefore(revokedAt);
    }

    @Override
    public String toString() {
        return "AdminKey[" + merchantId + " " + keyId + "]";
    }
}
