package dev.loyaltyrelay.secrets;

import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher;
import java.util.Arrays;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * Envelope encryption: a fresh KMS data key per sealed value, the value encrypted locally with AES-GCM, the
 * data key stored wrapped. The encryption context goes to KMS too, so CloudTrail shows whose value was
 * opened and a key policy can require it.
 */
public final class KmsEnvelopeCipher implements SecretCipher {

    private final KmsClient kms;
    private final String keyId;

    public KmsEnvelopeCipher(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public SealedSecret seal(byte[] plaintext, EncryptionContext context) {
        try {
            var dataKey = kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256).encryptionContext(context.asMap()));
            byte[] key = dataKey.plaintext().asByteArray();
            try {
                byte[] nonce = AesGcm.newNonce();
                return new SealedSecret(dataKey.keyId(), dataKey.ciphertextBlob().asByteArray(), nonce,
                        AesGcm.encrypt(key, nonce, plaintext, context));
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        } catch (SdkException e) {
            throw new KeyServiceUnavailable("KMS GenerateDataKey failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public byte[] open(SealedSecret sealed, EncryptionContext context) {
        if (LocalKeyCipher.KEY_REF.equals(sealed.keyRef())) {
            throw new SecretUnavailable("sealed under a local key, not KMS", null);
        }
        byte[] key;
        try {
            key = kms.decrypt(r -> r.keyId(sealed.keyRef()).ciphertextBlob(SdkBytes.fromByteArray(sealed.wrappedKey()))
                    .encryptionContext(context.asMap())).plaintext().asByteArray();
        } catch (InvalidCiphertextException | IncorrectKeyException valueRefused) {
            // KMS's verdict on the wrapped key or its context (tampered, copied to another record): no retry changes it.
            throw new SecretUnavailable("KMS refused the sealed value: " + valueRefused.getClass().getSimpleName(), null);
        } catch (SdkException e) {
            throw new KeyServiceUnavailable("KMS Decrypt failed: " + errorName(e));
        }
        try {
            return AesGcm.decrypt(key, sealed.nonce(), sealed.ciphertext(), context);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** KMS's error code (e.g. {@code DisabledException}, {@code ThrottlingException}), else the SDK's exception class. */
    private static String errorName(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }
}
