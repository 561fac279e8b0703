package dev.loyaltyrelay.secrets;

import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SecretCipher.SecretUnavailable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with the encryption context as additional authenticated data. */
final class AesGcm {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private AesGcm() {
    }

    static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    static byte[] encrypt(byte[] key, byte[] nonce, byte[] plaintext, EncryptionContext context) {
        try {
            return run(Cipher.ENCRYPT_MODE, key, nonce, plaintext, context);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    static byte[] decrypt(byte[] key, byte[] nonce, byte[] ciphertext, EncryptionContext context) {
        try {
            return run(Cipher.DECRYPT_MODE, key, nonce, ciphertext, context);
        } catch (GeneralSecurityException e) {
            throw new SecretUnavailable("sealed value does not open under this key and context", null);
        }
    }

    /** One pass either way; a failure means a defect when sealing, and a wrong key, context or tampering when opening. */
    private static byte[] run(int mode, byte[] key, byte[] nonce, byte[] input, EncryptionContext context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(aad(context));
        return cipher.doFinal(input);
    }

    private static byte[] aad(EncryptionContext context) {
        return ("merchant=" + context.merchantId() + "\nsubject=" + context.subject()).getBytes(StandardCharsets.UTF_8);
    }
}
