package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.application.delivery.IntegrationDirectory;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.provider.zoko.ZokoTemplates;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one place the admin side seals, opens and checks an integration's credentials, and the one place it tells the
 * caches that an integration changed.
 */
@ApplicationScoped
public class IntegrationCredentials {

    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private final SecretCipher cipher;
    private final ZokoTemplates zokoTemplates;
    private final IntegrationDirectory integrations;
    private final MerchantDirectory directory;
    private final ObjectMapper json;

    IntegrationCredentials(SecretCipher cipher, ZokoTemplates zokoTemplates, IntegrationDirectory integrations, MerchantDirectory directory,
            ObjectMapper json) {
        this.cipher = cipher;
        this.zokoTemplates = zokoTemplates;
        this.integrations = integrations;
        this.directory = directory;
        this.json = json;
    }

    /** The credentials the request gives, exactly the provider's fields. */
    static ProviderCredentials fromRequest(JsonNode credentials, Provider provider) {
        Map<String, String> given = Fields.stringMap("credentials", credentials);
        var expected = new TreeSet<>(provider.credentialFields());
        for (String name : given.keySet()) {
            if (!expected.contains(name)) {
                throw ApiProblem.invalid("credentials." + name, "not a " + provider.key() + " credential; expected " + String.join(", ", expected));
            }
        }
        for (String name : expected) {
            if (!given.containsKey(name)) {
                throw ApiProblem.invalid("credentials." + name, "required for " + provider.key());
            }
        }
        return new ProviderCredentials(given);
    }

    /** What the provider says of the credentials, where its API has a read-only call to ask (Zoko only). */
    String check(Provider provider, ProviderCredentials credentials) {
        if (provider != Provider.ZOKO) {
            return "not_available";
        }
        return switch (zokoTemplates.list(credentials.require("apiKey"))) {
            case ZokoTemplates.Templates templates -> "verified";
            case ZokoTemplates.CredentialsRefused refused -> throw new ApiProblem(422, "credentials_refused",
                    "zoko refused the API key (HTTP " + refused.httpStatus() + ")", List.of(new ApiProblem.FieldError("credentials.apiKey", "refused by zoko")));
            case ZokoTemplates.Unavailable unavailable -> throw new ApiProblem(503, "provider_unavailable",
                    "zoko could not be asked to check the key (" + unavailable.reason() + "); retry later");
        };
    }

    SealedSecret seal(String merchantId, String integrationId, ProviderCredentials credentials) {
        try {
            return cipher.seal(json.writeValueAsBytes(credentials.fields()), EncryptionContext.forIntegration(merchantId, integrationId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("credentials not serialisable", e);
        }
    }

    /** The integration's credentials, or null when they do not open (shown as none). */
    ProviderCredentials open(Integration integration) {
        try {
            byte[] plaintext = cipher.open(integration.credentials(), EncryptionContext.forIntegration(integration.merchantId(), integration.integrationId()));
            return new ProviderCredentials(json.readValue(plaintext, FIELDS));
        } catch (SecretCipher.SecretUnavailable | java.io.IOException e) {
            return null;
        }
    }

    void forget(Integration integration) {
        integrations.forget(integration.merchantId(), integration.integrationId());
        directory.invalidateAll();
    }

    /** The credentials, or a 503 when they cannot be opened now (the key service, say). */
    ProviderCredentials openOrUnavailable(Integration integration) {
        ProviderCredentials credentials = open(integration);
        if (credentials == null) {
            throw new ApiProblem(503, "credentials_unavailable", "the integration's credentials cannot be opened now; retry later");
        }
        return credentials;
    }

    /** The Zoko account's templates, for checking a mapping at save time. */
    ZokoTemplates.Lookup zokoTemplates(Integration integration) {
        return zokoTemplates.list(openOrUnavailable(integration).require("apiKey"));
    }
}
