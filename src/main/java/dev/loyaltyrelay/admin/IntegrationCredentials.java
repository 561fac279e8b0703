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
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.ProviderAdapter;
import dev.loyaltyrelay.provider.ProviderAdapter.CredentialCheck;
import dev.loyaltyrelay.provider.ProviderRegistry;
import dev.loyaltyrelay.provider.TemplateList;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The one place the admin side seals, opens and checks an integration's credentials (through the provider's plug-in),
 * and the one place it tells the caches that an integration changed.
 */
@ApplicationScoped
public class IntegrationCredentials {

    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private final SecretCipher cipher;
    private final ProviderRegistry providers;
    private final IntegrationDirectory integrations;
    private final MerchantDirectory directory;
    private final ObjectMapper json;

    IntegrationCredentials(SecretCipher cipher, ProviderRegistry providers, IntegrationDirectory integrations, MerchantDirectory directory,
            ObjectMapper json) {
        this.cipher = cipher;
        this.providers = providers;
        this.integrations = integrations;
        this.directory = directory;
        this.json = json;
    }

    /** The provider a request names, when this build carries it. */
    ProviderProfile named(String field, String value) {
        String allowed = String.join(", ", providers.all().stream().map(ProviderProfile::key).toList());
        return Fields.choice(field, value, providers::profile, allowed).orElseThrow(() -> ApiProblem.invalid(field, "required"));
    }

    /** The profile of an integration's provider; an integration of a provider this build no longer carries is gone for the admin API. */
    ProviderProfile profileOf(Integration integration) {
        return providers.profile(integration.provider()).orElseThrow(() -> new ApiProblem(409, "provider_unknown",
                "this build carries no plug-in for provider " + integration.provider().key()));
    }

    /** The credentials the request gives, exactly the provider's fields. */
    static ProviderCredentials fromRequest(JsonNode credentials, ProviderProfile provider) {
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

    /** What the provider says of the credentials, where its API has a read-only call to ask. */
    String check(ProviderProfile provider, ProviderCredentials credentials) {
        return switch (adapterOf(provider.provider()).checkOpened(credentials)) {
            case CredentialCheck.Verified verified -> "verified";
            case CredentialCheck.NotAvailable notAvailable -> "not_available";
            case CredentialCheck.Refused refused -> throw new ApiProblem(422, "credentials_refused",
                    provider.key() + " refused the credentials (HTTP " + refused.httpStatus() + ")",
                    provider.credentialFields().stream().map(field -> new ApiProblem.FieldError("credentials." + field, "refused by " + provider.key())).toList());
            case CredentialCheck.Unavailable unavailable -> throw new ApiProblem(503, "provider_unavailable",
                    provider.key() + " could not be asked to check the credentials (" + unavailable.reason() + "); retry later");
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

    /** The account's templates, for checking a mapping at save time; {@link TemplateList.NotOffered} without opening anything. */
    TemplateList templates(Integration integration) {
        ProviderAdapter<?> adapter = adapterOf(integration.provider());
        return adapter.listsTemplates() ? adapter.templatesOpened(openOrUnavailable(integration)) : new TemplateList.NotOffered();
    }

    private ProviderAdapter<?> adapterOf(Provider provider) {
        return providers.adapter(provider).orElseThrow(() -> new ApiProblem(409, "provider_unknown",
                "this build carries no plug-in for provider " + provider.key()));
    }
}
