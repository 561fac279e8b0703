package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.AdminRoutes.Route;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SealedSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * "Initialize" from the guides: integrations with their credentials (checked against the provider where its API allows,
 * stored sealed, shown masked), and the list of integrations needing attention. Mappings and the test send are
 * {@link MappingsApi} and {@link TestEventApi}.
 */
@ApplicationScoped
public class IntegrationsApi {

    static final String BASE = MerchantsApi.BASE + "/integrations";
    static final String ONE = BASE + "/{integrationId}";
    static final String MAPPINGS = ONE + "/mappings";
    static final Pattern ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MerchantsApi merchants;
    private final ConfigurationStore store;
    private final IntegrationCredentials vault;

    IntegrationsApi(MerchantsApi merchants, ConfigurationStore store, IntegrationCredentials vault) {
        this.merchants = merchants;
        this.store = store;
        this.vault = vault;
    }

    List<Route> routes() {
        return List.of(
                Route.merchant("POST", BASE, this::initialize),
                Route.merchant("GET", BASE, this::listIntegrations),
                Route.merchant("GET", ONE, this::getIntegration),
                Route.merchant("PATCH", ONE, this::updateIntegration),
                Route.merchant("DELETE", ONE, this::deleteIntegration),
                Route.merchant("GET", MerchantsApi.BASE + "/attention", this::needingAttention));
    }

    // ---- integrations ------------------------------------------------------------------------------------

    private AdminResponse initialize(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Fields fields = Fields.of(request.body()).only(Set.of("provider", "credentials", "commonProperty", "integrationId"));
        ProviderProfile provider = vault.named(fields, "provider");
        CommonProperty common = commonProperty(fields, provider);
        ProviderCredentials credentials = IntegrationCredentials.fromRequest(fields, provider);
        String integrationId = fields.optionalText("integrationId", 64).orElse(provider.key() + "-" + HexFormat.of().formatHex(randomBytes(3)));
        if (!ID.matcher(integrationId).matches()) {
            throw ApiProblem.invalid("integrationId", "letters, digits, _ and -, at most 64");
        }
        if (configuration.integrations().stream().anyMatch(i -> i.integrationId().equals(integrationId))) {
            throw new ApiProblem(409, "integration_exists", "an integration with this id exists; PATCH it to change its credentials");
        }
        String check = vault.check(provider, credentials);
        var integration = new Integration(request.merchantId(), integrationId, provider.provider(), common, vault.seal(request.merchantId(), integrationId, credentials),
                true, null);
        store.saveIntegration(integration);
        vault.forget(integration);
        var body = integrationView(integration, credentials);
        body.put("credentialsCheck", check);
        return AdminResponse.created(body);
    }

    private AdminResponse listIntegrations(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        return AdminResponse.ok(Map.of("integrations", configuration.integrations().stream()
                .map(i -> integrationView(i, vault.open(i))).toList()));
    }

    private AdminResponse getIntegration(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Integration integration = integration(configuration, request);
        var body = integrationView(integration, vault.open(integration));
        body.put("mappings", mappingsOf(configuration, integration.integrationId()).size());
        return AdminResponse.ok(body);
    }

    private AdminResponse updateIntegration(AdminRequest request) {
        Integration current = integration(merchants.existing(request.merchantId()), request);
        Fields fields = Fields.of(request.body()).only(Set.of("enabled", "credentials"));
        boolean enabled = fields.optionalBoolean("enabled").orElse(current.enabled());
        SealedSecret sealed = current.credentials();
        Integration.Attention attention = current.attention();
        String check = "unchanged";
        ProviderCredentials credentials;
        if (fields.has("credentials")) {
            ProviderProfile provider = vault.profileOf(current);
            credentials = IntegrationCredentials.fromRequest(fields, provider);
            check = vault.check(provider, credentials);
            sealed = vault.seal(current.merchantId(), current.integrationId(), credentials);
            attention = null;
        } else {
            credentials = vault.open(current);
        }
        var updated = new Integration(current.merchantId(), current.integrationId(), current.provider(), current.commonProperty(), sealed,
                enabled, attention);
        if (fields.has("credentials")) {
            store.saveIntegration(updated);
        } else {
            // Only the switch: a flag a delivery set meanwhile (refused credentials) must survive it.
            store.setEnabled(current.merchantId(), current.integrationId(), enabled);
        }
        vault.forget(updated);
        var body = integrationView(updated, credentials);
        body.put("credentialsCheck", check);
        return AdminResponse.ok(body);
    }

    private AdminResponse deleteIntegration(AdminRequest request) {
        Integration integration = integration(merchants.existing(request.merchantId()), request);
        store.deleteIntegration(integration.merchantId(), integration.integrationId());
        vault.forget(integration);
        return AdminResponse.noContent();
    }

    private AdminResponse needingAttention(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        return AdminResponse.ok(Map.of("integrations", configuration.integrations().stream().filter(i -> i.attention() != null)
                .map(i -> {
                    var view = new LinkedHashMap<String, Object>();
                    view.put("integrationId", i.integrationId());
                    view.put("provider", i.provider().key());
                    view.put("reason", i.attention().reason());
                    view.put("since", i.attention().since().toString());
                    return view;
                }).toList()));
    }

    private CommonProperty commonProperty(Fields fields, ProviderProfile provider) {
        Optional<String> given = fields.optionalText("commonProperty", 16);
        if (given.isEmpty()) {
            return provider.commonProperty();
        }
        String expected = provider.commonProperty().name().toLowerCase();
        if (!given.get().equalsIgnoreCase(expected)) {
            throw new ApiProblem(422, "common_property_unsupported",
                    provider.key() + " addresses customers by " + expected + " only",
                    List.of(new ApiProblem.FieldError("commonProperty", "must be " + expected + " for " + provider.key())));
        }
        return provider.commonProperty();
    }

    private Map<String, Object> integrationView(Integration integration, ProviderCredentials credentials) {
        var view = new LinkedHashMap<String, Object>();
        view.put("integrationId", integration.integrationId());
        view.put("provider", integration.provider().key());
        view.put("commonProperty", integration.commonProperty().name().toLowerCase());
        view.put("enabled", integration.enabled());
        view.put("credentials", credentials == null ? Map.of() : credentials.masked());
        if (integration.attention() != null) {
            view.put("attention", Map.of("reason", integration.attention().reason(), "since", integration.attention().since().toString()));
        }
        return view;
    }

    /** The path's integration, or a 404. */
    static Integration integration(MerchantConfiguration configuration, AdminRequest request) {
        return configuration.integrations().stream()
                .filter(i -> i.integrationId().equals(request.path("integrationId"))).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("integration"));
    }

    /** The path's mapping of the path's integration, or a 404. */
    static EventMapping mapping(MerchantConfiguration configuration, AdminRequest request) {
        integration(configuration, request);
        return mappingsOf(configuration, request.path("integrationId")).stream()
                .filter(m -> m.mappingId().equals(request.path("mappingId"))).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("mapping"));
    }

    static List<EventMapping> mappingsOf(MerchantConfiguration configuration, String integrationId) {
        return configuration.mappings().stream().filter(m -> m.integrationId().equals(integrationId)).toList();
    }

    static String freeMappingId(MerchantConfiguration configuration, Integration integration, String topic) {
        var taken = mappingsOf(configuration, integration.integrationId()).stream().map(EventMapping::mappingId).toList();
        String base = topic.replaceAll("[^A-Za-z0-9_-]", "_");
        String id = base;
        for (int n = 2; taken.contains(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
