package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.ProviderCredentials;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies of {@link IntegrationsApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest
 * holds each record and its schema together). The credentials stay JSON here: {@link IntegrationCredentials} reads
 * them as the provider's fields.
 */
final class IntegrationBodies {

    private IntegrationBodies() {
    }

    /** {@code NewIntegration}. */
    @RegisterForReflection
    record NewIntegration(@JsonProperty(required = true) String provider, @JsonProperty(required = true) JsonNode credentials,
            String commonProperty, String integrationId) {
    }

    /** {@code IntegrationChange}: switch it, or give new credentials, or both. */
    @RegisterForReflection
    record IntegrationChange(Boolean enabled, JsonNode credentials) {

        boolean changesCredentials() {
            return credentials != null && !credentials.isNull();
        }
    }

    /**
     * {@code Integration}, its credentials masked; {@code attention} only when it needs it, {@code credentialsCheck} and
     * {@code credentialUse} (which token each way of sending takes, where the provider's plug-in says) only in the answer
     * that set or changed them, {@code mappings} (how many) only when one integration is read.
     */
    @RegisterForReflection
    record IntegrationView(String integrationId, String provider, String commonProperty, boolean enabled, Map<String, String> credentials,
            @JsonInclude(JsonInclude.Include.NON_NULL) Attention attention,
            @JsonInclude(JsonInclude.Include.NON_NULL) String credentialsCheck,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> credentialUse,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer mappings,
            @JsonInclude(JsonInclude.Include.NON_NULL) ReceiptBodies.ReceiptUrl receipts) {

        static IntegrationView of(Integration integration, ProviderCredentials credentials) {
            return new IntegrationView(integration.integrationId(), integration.provider().key(),
                    integration.commonProperty().name().toLowerCase(Locale.ROOT), integration.enabled(),
                    credentials == null ? Map.of() : credentials.masked(), Attention.of(integration), null, null, null, null);
        }

        IntegrationView withCheck(String check, List<String> use) {
            return new IntegrationView(integrationId, provider, commonProperty, enabled, credentials, attention, check, use, mappings, receipts);
        }

        IntegrationView withMappings(int count) {
            return new IntegrationView(integrationId, provider, commonProperty, enabled, credentials, attention, credentialsCheck, credentialUse,
                    count, receipts);
        }

        /** Only in Initialize's answer: the receipt URL (with its secret) is shown once. */
        IntegrationView withReceipts(ReceiptBodies.ReceiptUrl issued) {
            return new IntegrationView(integrationId, provider, commonProperty, enabled, credentials, attention, credentialsCheck, credentialUse,
                    mappings, issued);
        }
    }

    /** Why an integration needs the merchant's attention, and since when. */
    @RegisterForReflection
    record Attention(String reason, String since) {

        static Attention of(Integration integration) {
            return integration.attention() == null ? null
                    : new Attention(integration.attention().reason(), Fields.timestamp(integration.attention().since()));
        }
    }

    /** {@code IntegrationList}. */
    @RegisterForReflection
    record IntegrationList(List<IntegrationView> integrations) {
    }

    /** An integration needing attention (an item of {@code AttentionList}). */
    @RegisterForReflection
    record NeedingAttention(String integrationId, String provider, String reason, String since) {
    }

    /** A mapping needing attention (an item of {@code AttentionList}'s {@code mappings}): its template was refused. */
    @RegisterForReflection
    record MappingNeedingAttention(String integrationId, String mappingId, String topic, String reason, String since) {
    }

    /** {@code AttentionList}. */
    @RegisterForReflection
    record AttentionList(List<NeedingAttention> integrations, List<MappingNeedingAttention> mappings) {
    }
}
