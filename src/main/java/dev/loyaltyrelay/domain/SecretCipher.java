package dev.loyaltyrelay.domain;

import java.util.Map;

/**
 * Seals credentials and webhook secrets at rest. The encryption context binds a sealed value to its owner
 * (merchant and integration), so a value copied to another record does not open.
 */
public interface SecretCipher {

    SealedSecret seal(byte[] plaintext, EncryptionContext context);

    /** @throws SecretUnavailable when the value cannot be opened (wrong context, tampered, key service down) */
    byte[] open(SealedSecret sealed, EncryptionContext context);

    /**
     * Whom a sealed value belongs to.
     *
     * @param merchantId the owning merchant
     * @param subject    what it is, e.g. {@code integration:int-1} or {@code webhook-secret:s-1}
     */
    record EncryptionContext(String merchantId, String subject) {
        public Map<String, String> asMap() {
            return Map.of("merchant", merchantId, "subject", subject);
        }

        public static EncryptionContext forIntegration(String merchantId, String integrationId) {
            return new EncryptionContext(merchantId, "integration:" + integrationId);
        }

        public static EncryptionContext forWebhookSecret(String merchantId, String secretId) {
            return new EncryptionContext(merchantId, "webhook-secret:" + secretId);
        }
    }

    /** A sealed value could not be opened. The message never carries the value. */
    final class SecretUnavailable extends RuntimeException {
        public SecretUnavailable(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
