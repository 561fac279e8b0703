package dev.loyaltyrelay.secrets;

import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher;

/** AES-GCM under one configured key: tests and the local run, where there is no KMS. */
public final class LocalKeyCipher implements SecretCipher {

    static final String KEY_REF = "local";
    private final byte[] key;

    public LocalKeyCipher(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the local key must be 32 bytes (AES-256)");
        }
        this.key = key.clone();
    }

    @Override
    public SealedSecret seal(byte[] plaintext, EncryptionContext context) {
        byte[] nonce = AesGcm.newNonce();
        return new SealedSecret(KEY_REF, new byte[0], nonce, AesGcm.encrypt(key, nonce, plaintext, context));
    }

    @Override
    public byte[] open(SealedSecret sealed, EncryptionContext context) {
        if (!KEY_REF.equals(sealed.keyRef())) {
            throw new SecretUnavailable("sealed under another key service", null);
        }
        return AesGcm.decrypt(key, sealed.nonce(), sealed.ciphertext(), context);
    }
}
