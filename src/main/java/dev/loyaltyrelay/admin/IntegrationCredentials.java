package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.ProviderAdapter;
import dev.loyaltyrelay.provider.ProviderAdapter.CredentialCheck;
import dev.loyaltyrelay.provider.ProviderRegistry;
import dev.loyaltyrelay.provider.TemplateList;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An integration's credentials as the admin API handles them: the fields a request gives, checked by the provider's
 * plug-in, sealed and opened (through {@link ConfigurationSecrets}), and the account's templates.
 */
@ApplicationScoped
public class IntegrationCredentials {

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    ConfigurationSecrets secrets;
    @Inject
    ProviderRegistry providers;

    /** The provider a request names, when this build carries it. */
    ProviderProfile named(String field, String value) {
        String allowed = String.join(", ", providers.all().stream().map(ProviderProfile::key).toList());
        return Fields.choice(field, value, providers::profile, allowed).orElseThrow(() -> ApiProblem.invalid(field, "required"));
    }

    /** The profile of an integration's provider; an integration of a provider this build no longer carries is gone for the admin API. */
    /** The contract the integration's plug-in follows; empty for a provider this build carries no plug-in for. */
    java.util.Optional<ProviderProfile.Contract> contractOf(Integration integration) {
        return providers.profile(integration.provider()).map(ProviderProfile::contract);
    }

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

    /** What the provider's plug-in says of its credentials' use (which token each way of sending takes); empty if nothing. */
    List<String> credentialUse(ProviderProfile provider) {
        return adapterOf(provider.provider()).credentialUse();
    }

    SealedSecret seal(String merchantId, String integrationId, ProviderCredentials credentials) {
        return secrets.sealCredentials(merchantId, integrationId, credentials);
    }

    /** The integration's credentials, or null when they do not open (shown as none). */
    ProviderCredentials open(Integration integration) {
        try {
            return secrets.openCredentials(integration);
        } catch (SecretCipher.SecretUnavailable e) {
            return null;
        }
    }

    /**
     * The credentials; a 503 when the key service cannot open them now (a retry may), a 409 when they never will
     * (tampered, or sealed under another key: only re-initializing the integration with new credentials helps).
     */
    ProviderCredentials openOrUnavailable(Integration integration) {
        try {
            return secrets.openCredentials(integration);
        } catch (SecretCipher.KeyServiceUnavailable e) {
            throw new ApiProblem(503, "credentials_unavailable", "the integration's credentials cannot be opened now; retry later");
        } catch (SecretCipher.SecretUnavailable e) {
            throw new ApiProblem(409, "credentials_unreadable",
                    "the integration's stored credentials cannot be read; initialize the integration again with its credentials");
        }
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
