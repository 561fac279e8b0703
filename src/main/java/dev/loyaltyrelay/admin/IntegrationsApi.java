package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.IntegrationBodies.AttentionList;
import dev.loyaltyrelay.domain.Identifiers;
import dev.loyaltyrelay.admin.IntegrationBodies.IntegrationChange;
import dev.loyaltyrelay.admin.IntegrationBodies.IntegrationList;
import dev.loyaltyrelay.admin.IntegrationBodies.IntegrationView;
import dev.loyaltyrelay.admin.IntegrationBodies.MappingNeedingAttention;
import dev.loyaltyrelay.admin.IntegrationBodies.NeedingAttention;
import dev.loyaltyrelay.admin.IntegrationBodies.NewIntegration;
import dev.loyaltyrelay.application.delivery.IntegrationAttention;
import dev.loyaltyrelay.application.receipts.ReceiptUrls;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.SealedSecret;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Initialize" from the guides: integrations with their credentials (checked against the provider where its API allows,
 * stored sealed, shown masked), and the list of integrations needing attention. Mappings and the test send are
 * {@link MappingsApi} and {@link TestEventApi}.
 */
@ApplicationScoped
public class IntegrationsApi {

    private static final SecureRandom RANDOM = new SecureRandom();

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    ConfigurationStore store;
    @Inject
    IntegrationCredentials vault;
    @Inject
    ReceiptUrls receiptUrls;

    AdminResponse<IntegrationView> initialize(AdminRequest<NewIntegration> request) {
        MerchantConfiguration configuration = request.merchant();
        NewIntegration given = request.body();
        ProviderProfile provider = vault.named("provider", given.provider());
        CommonProperty common = commonProperty(given.commonProperty(), provider);
        ProviderCredentials credentials = IntegrationCredentials.fromRequest(given.credentials(), provider);
        String integrationId = Fields.text("integrationId", given.integrationId(), 64)
                .orElse(provider.key() + "-" + HexFormat.of().formatHex(randomBytes(3)));
        if (!Identifiers.isValid(integrationId)) {
            throw ApiProblem.invalid("integrationId", "letters, digits, _ and -, at most 64");
        }
        if (configuration.integrations().stream().anyMatch(i -> i.integrationId().equals(integrationId))) {
            throw new ApiProblem(409, "integration_exists", "an integration with this id exists; PATCH it to change its credentials");
        }
        String check = vault.check(provider, credentials);
        var integration = new Integration(request.merchantId(), integrationId, provider.provider(), common, vault.seal(request.merchantId(), integrationId, credentials),
                true, null);
        store.saveIntegration(integration);
        // The integration stands whatever becomes of its receipt URL: the answer says, and it can be issued again.
        ReceiptUrls.Issued receipts = receiptUrls.issue(integration, credentials);
        return AdminResponse.created(IntegrationView.of(integration, credentials, Optional.of(provider.contract())).withCheck(check, vault.credentialUse(provider))
                .withReceipts(new ReceiptBodies.ReceiptUrl(receipts.url(), receipts.registration())));
    }

    AdminResponse<IntegrationList> listIntegrations(AdminRequest<Void> request) {
        MerchantConfiguration configuration = request.merchant();
        return AdminResponse.ok(new IntegrationList(configuration.integrations().stream().map(i -> IntegrationView.of(i, vault.open(i), vault.contractOf(i))).toList()));
    }

    AdminResponse<IntegrationView> getIntegration(AdminRequest<Void> request) {
        MerchantConfiguration configuration = request.merchant();
        Integration integration = integration(configuration, request);
        return AdminResponse.ok(IntegrationView.of(integration, vault.open(integration), vault.contractOf(integration))
                .withMappings(mappingsOf(configuration, integration.integrationId()).size()));
    }

    AdminResponse<IntegrationView> updateIntegration(AdminRequest<IntegrationChange> request) {
        Integration current = integration(request.merchant(), request);
        IntegrationChange change = request.body();
        boolean enabled = change.enabled() == null ? current.enabled() : change.enabled();
        SealedSecret sealed = current.credentials();
        Integration.Attention attention = current.attention();
        String check = "unchanged";
        List<String> credentialUse = null;
        ProviderCredentials credentials;
        if (change.changesCredentials()) {
            ProviderProfile provider = vault.profileOf(current);
            credentialUse = vault.credentialUse(provider);
            credentials = IntegrationCredentials.fromRequest(change.credentials(), provider);
            check = vault.check(provider, credentials);
            sealed = vault.seal(current.merchantId(), current.integrationId(), credentials);
            attention = IntegrationAttention.afterNewCredentials();
        } else {
            credentials = vault.open(current);
        }
        var updated = new Integration(current.merchantId(), current.integrationId(), current.provider(), current.commonProperty(), sealed,
                enabled, attention);
        if (change.changesCredentials()) {
            store.saveIntegration(updated);
        } else {
            // Only the switch: a flag a delivery set meanwhile (refused credentials) must survive it.
            store.setEnabled(current.merchantId(), current.integrationId(), enabled);
        }
        return AdminResponse.ok(IntegrationView.of(updated, credentials, vault.contractOf(updated)).withCheck(check, credentialUse));
    }

    AdminResponse<Void> deleteIntegration(AdminRequest<Void> request) {
        Integration integration = integration(request.merchant(), request);
        store.deleteIntegration(integration.merchantId(), integration.integrationId());
        return AdminResponse.noContent();
    }

    AdminResponse<AttentionList> needingAttention(AdminRequest<Void> request) {
        MerchantConfiguration configuration = request.merchant();
        return AdminResponse.ok(new AttentionList(configuration.integrations().stream().filter(i -> i.attention() != null)
                .map(i -> new NeedingAttention(i.integrationId(), i.provider().key(), i.attention().reason(), Fields.timestamp(i.attention().since())))
                .toList(),
                configuration.mappings().stream().filter(EventMapping::needsAttention)
                        .map(m -> new MappingNeedingAttention(m.integrationId(), m.mappingId(), m.topic(), m.attention().reason(),
                                Fields.timestamp(m.attention().since())))
                        .toList()));
    }

    private CommonProperty commonProperty(String commonProperty, ProviderProfile provider) {
        Optional<String> given = Fields.text("commonProperty", commonProperty, 16);
        if (given.isEmpty()) {
            return provider.commonProperty();
        }
        String expected = provider.commonProperty().name().toLowerCase(Locale.ROOT);
        if (!given.get().equalsIgnoreCase(expected)) {
            throw new ApiProblem(422, "common_property_unsupported",
                    provider.key() + " addresses customers by " + expected + " only",
                    List.of(new ApiProblem.FieldError("commonProperty", "must be " + expected + " for " + provider.key())));
        }
        return provider.commonProperty();
    }

    /** The path's integration, or a 404. */
    static Integration integration(MerchantConfiguration configuration, AdminRequest<?> request) {
        return configuration.integrations().stream()
                .filter(i -> i.integrationId().equals(request.path("integrationId"))).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("integration"));
    }

    /** The path's mapping of the path's integration, or a 404. */
    static EventMapping mapping(MerchantConfiguration configuration, AdminRequest<?> request) {
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
