package dev.loyaltyrelay.domain;

import java.util.Map;

/**
 * Seals credentials and webhook secrets at rest. The encryption context binds a sealed value to its owner
 * (merchant and integration), so a value copied to another record does not open.
 */
public interface SecretCipher {

    SealedSecret seal(byte[] plaintext, EncryptionContext context);

    /**
     * @throws KeyServiceUnavailable when the key service cannot open it now (unreachable, failing, throttling, key disabled
     *                               or access denied): a retry may succeed
     * @throws SecretUnavailable     when the value itself does not open (wrong context, tampered, sealed under another key):
     *                               no retry will
     */
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
    sealed class SecretUnavailable extends RuntimeException permits KeyServiceUnavailable {
        public SecretUnavailable(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    /** The key service could not open (or seal) a value now; the value itself may be fine, and a retry may succeed. */
    final class KeyServiceUnavailable extends SecretUnavailable {
        public KeyServiceUnavailable(String reason) {
            super(reason, null);
        }
    }
}
