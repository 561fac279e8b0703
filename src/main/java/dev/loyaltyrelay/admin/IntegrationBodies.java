package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.ProviderProfile;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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

    /** What {@code contractNote} says of an assumed contract. */
    static final String ASSUMED_CONTRACT_NOTE = "the provider publishes no API: the relay's request (URL, path, headers, body) is"
            + " an assumption, not verified against the provider; send a test event and check it arrives before relying on it";

    /**
     * {@code Integration}, its credentials masked; {@code attention} only when it needs it, {@code credentialsCheck} and
     * {@code credentialUse} (which token each way of sending takes, where the provider's plug-in says) only in the answer
     * that set or changed them, {@code mappings} (how many) only when one integration is read. {@code contract} says
     * whether the plug-in follows an API the provider publishes ({@code published}) or an assumed one ({@code assumed},
     * with {@code contractNote}), so nobody takes an assumed one for verified; absent for a provider this build does not
     * carry.
     */
    @RegisterForReflection
    record IntegrationView(String integrationId, String provider, String commonProperty, boolean enabled, Map<String, String> credentials,
            @JsonInclude(JsonInclude.Include.NON_NULL) String contract,
            @JsonInclude(JsonInclude.Include.NON_NULL) String contractNote,
            @JsonInclude(JsonInclude.Include.NON_NULL) Attention attention,
            @JsonInclude(JsonInclude.Include.NON_NULL) String credentialsCheck,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> credentialUse,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer mappings,
            @JsonInclude(JsonInclude.Include.NON_NULL) ReceiptBodies.ReceiptUrl receipts) {

        static IntegrationView of(Integration integration, ProviderCredentials credentials, Optional<ProviderProfile.Contract> contract) {
            return new IntegrationView(integration.integrationId(), integration.provider().key(),
                    integration.commonProperty().name().toLowerCase(Locale.ROOT), integration.enabled(),
                    credentials == null ? Map.of() : credentials.masked(),
                    contract.map(c -> c.name().toLowerCase(Locale.ROOT)).orElse(null),
                    contract.filter(c -> c == ProviderProfile.Contract.ASSUMED).map(c -> ASSUMED_CONTRACT_NOTE).orElse(null),
                    Attention.of(integration), null, null, null, null);
        }

        IntegrationView withCheck(String check, List<String> use) {
            return new IntegrationView(integrationId, provider, commonProperty, enabled, credentials, contract, contractNote, attention, check, use,
                    mappings, receipts);
        }

        IntegrationView withMappings(int count) {
            return new IntegrationView(integrationId, provider, commonProperty, enabled, credentials, contract, contractNote, attention,
                    credentialsCheck, credentialUse, count, receipts);
        }

        /** Only in Initialize's answer: the receipt URL (with its secret) is shown once. */
        IntegrationView withReceipts(ReceiptBodies.ReceiptUrl issued) {
            return new IntegrationView(integrationId, provider, commonProperty, enabled, credentials, contract, contractNote, attention,
                    credentialsCheck, credentialUse, mappings, issued);
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
