package dev.loyaltyrelay.domain;

import java.util.Base64;

/**
 * A value sealed by a {@link SecretCipher}: AES-256-GCM ciphertext, its nonce, and the data key wrapped by
 * the key service (empty for a local key). Stored as one compact string; never printed.
 *
 * @param keyRef     which key wrapped the data key (a KMS key id, or {@code local})
 * @param wrappedKey the encrypted data key, empty when {@code keyRef} is a local key
 * @param nonce      the 12-byte GCM nonce
 * @param ciphertext ciphertext followed by the GCM tag
 */
public record SealedSecret(String keyRef, byte[] wrappedKey, byte[] nonce, byte[] ciphertext) {

    private static final String VERSION = "v1";

    public String encode() {
        var b64 = Base64.getUrlEncoder().withoutPadding();
        return String.join(".", VERSION, b64.encodeToString(keyRef.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                b64.encodeToString(wrappedKey), b64.encodeToString(nonce), b64.encodeToString(ciphertext));
    }

    public static SealedSecret decode(String encoded) {
        String[] parts = encoded.split("\\.", -1);
        if (parts.length != 5 || !VERSION.equals(parts[0])) {
            throw new IllegalArgumentException("not a sealed secret of version " + VERSION);
        }
        var b64 = Base64.getUrlDecoder();
        return new SealedSecret(new String(b64.decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8),
                b64.decode(parts[2]), b64.decode(parts[3]), b64.decode(parts[4]));
    }

    @Override
    public String toString() {
        return "SealedSecret[keyRef=" + keyRef + "]";
    }
}
