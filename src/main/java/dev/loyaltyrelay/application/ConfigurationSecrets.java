package dev.loyaltyrelay.application;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one place a merchant's secrets are sealed and opened: an integration's credentials (written as a JSON object of
 * strings) and a webhook secret, each bound to its owner by its encryption context. The admin API seals, ingest opens
 * webhook secrets, delivery opens credentials, the local run seeds its demo merchant; none of them calls the cipher.
 */
@ApplicationScoped
public class ConfigurationSecrets {

    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private final SecretCipher cipher;
    private final ObjectMapper json;

    public ConfigurationSecrets(SecretCipher cipher, ObjectMapper json) {
        this.cipher = cipher;
        this.json = json;
    }

    public SealedSecret sealCredentials(String merchantId, String integrationId, ProviderCredentials credentials) {
        try {
            return cipher.seal(json.writeValueAsBytes(credentials.fields()), EncryptionContext.forIntegration(merchantId, integrationId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("credentials not serialisable", e);
        }
    }

    /**
     * @throws SecretCipher.KeyServiceUnavailable when the key service cannot open them now (a retry may succeed)
     * @throws SecretCipher.SecretUnavailable     when they never will: tampered, sealed for another owner or key, or not
     *                                            a JSON object of strings
     */
    public ProviderCredentials openCredentials(Integration integration) {
        byte[] plaintext = cipher.open(integration.credentials(), EncryptionContext.forIntegration(integration.merchantId(), integration.integrationId()));
        try {
            return new ProviderCredentials(json.readValue(plaintext, FIELDS));
        } catch (IOException e) {
            throw new SecretCipher.SecretUnavailable("credentials are not a JSON object of strings", null);
        }
    }

    public SealedSecret sealWebhookSecret(String merchantId, String secretId, String secret) {
        return cipher.seal(secret.getBytes(StandardCharsets.UTF_8), EncryptionContext.forWebhookSecret(merchantId, secretId));
    }

    /** @throws SecretCipher.SecretUnavailable as {@link #openCredentials} does */
    public byte[] openWebhookSecret(String merchantId, WebhookSecret secret) {
        return cipher.open(secret.sealed(), EncryptionContext.forWebhookSecret(merchantId, secret.secretId()));
    }
}
