package dev.loyaltyrelay.secrets;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.SecretCipher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.util.Base64;
import software.amazon.awssdk.services.kms.KmsClient;

/** Chooses the cipher by {@code relay.cipher.mode}; the KMS client is only created when it is used. */
@ApplicationScoped
public class SecretCipherProducer {

    @Produces
    @ApplicationScoped
    SecretCipher secretCipher(RelayConfig config, Instance<KmsClient> kms) {
        RelayConfig.Cipher cipher = config.cipher();
        return switch (cipher.mode()) {
            case "kms" -> new KmsEnvelopeCipher(kms.get(), cipher.kmsKeyId()
                    .orElseThrow(() -> new IllegalStateException("relay.cipher.kms-key-id is required with relay.cipher.mode=kms")));
            case "local" -> new LocalKeyCipher(Base64.getDecoder().decode(cipher.localKey()
                    .orElseThrow(() -> new IllegalStateException("relay.cipher.local-key is required with relay.cipher.mode=local"))));
            default -> throw new IllegalStateException("relay.cipher.mode must be kms or local");
        };
    }
}
