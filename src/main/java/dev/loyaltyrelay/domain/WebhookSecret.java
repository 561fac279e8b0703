package dev.loyaltyrelay.domain;

import java.time.Instant;

/**
 * One webhook secret of a merchant. The merchant types the same value into Nector; while it is rotated the
 * old and the new are both valid until the old is retired.
 *
 * @param secretId  stable id of this secret
 * @param sha256Hex lower-case hex SHA-256 of the secret, what Nector sends in {@code x-nector-webhook-secret}
 * @param sealed    the secret itself, sealed, needed as the body HMAC key
 * @param createdAt when it was set
 * @param retiredAt when it stops being valid, or null
 */
public record WebhookSecret(String secretId, String sha256Hex, SealedSecret sealed, Instant createdAt, Instant retiredAt) {

    public boolean isValidAt(Instant now) {
        return retiredAt == null || now.isBefore(retiredAt);
    }

    @Override
    public String toString() {
        return "WebhookSecret[" + secretId + "]";
    }
}
