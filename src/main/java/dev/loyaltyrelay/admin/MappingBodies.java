package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The bodies of {@link MappingsApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest
 * holds each record and its schema together).
 */
final class MappingBodies {

    static final String VARIABLES = "an array of at most 30 {property, fallback?, custom?}, in template order";

    private MappingBodies() {
    }

    /**
     * {@code Mapping}: what POST and PUT take and GET answers, so GET's answer can be sent back to PUT unchanged.
     * {@code forwarded} is {@code "all"}, {@code "none"} or an array of property names. GET shows {@code templateId} for a
     * template mapping, {@code eventName} for a flow mapping that set one. {@code templateType} is read-only: what the
     * provider's template list said when the mapping was saved (a value sent is not read, so GET's answer can go back).
     * {@code mediaHeaderUrl} fills a rich template's media header, its first argument. {@code attention} is read-only too:
     * GET shows it while the provider's refusal of the template stops sends through the mapping; saving the mapping (PUT)
     * clears it, whatever was sent for it.
     */
    @RegisterForReflection
    record Mapping(String mappingId, @JsonProperty(required = true) String topic, @JsonInclude(JsonInclude.Include.NON_NULL) String templateId,
            @JsonInclude(JsonInclude.Include.NON_NULL) String eventName, String language,
            @JsonPropertyDescription(VARIABLES) List<Variable> variables, JsonNode forwarded,
            @JsonInclude(JsonInclude.Include.NON_NULL) String templateType,
            @JsonInclude(JsonInclude.Include.NON_NULL) String mediaHeaderUrl,
            @JsonInclude(JsonInclude.Include.NON_NULL) IntegrationBodies.Attention attention) {
    }

    /** A template variable: the property that fills it, its fallback, and whether the topic's catalogue lacks it. */
    @RegisterForReflection
    record Variable(@JsonProperty(required = true) String property, String fallback, Boolean custom) {
    }

    /**
     * {@code MappingWithWarnings}: the mapping saved, what the save could not check, each variable's property that the
     * merchant's authentic events of the topic have not carried lately ({@code propertyWarnings}), and the properties they
     * did carry ({@code observedProperties}), to map instead.
     */
    @RegisterForReflection
    record SavedMapping(@JsonUnwrapped Mapping mapping, List<String> warnings, List<PropertyWarning> propertyWarnings,
            List<String> observedProperties) {
    }

    /**
     * A variable's property the topic's latest events did not carry ({@code reason}: {@code never_seen}), with the
     * closest names they did carry. A warning, not a refusal: the mapping is saved.
     */
    @RegisterForReflection
    record PropertyWarning(String property, String reason, List<String> closest) {
    }

    /** {@code MappingList}. */
    @RegisterForReflection
    record MappingList(List<Mapping> mappings) {
    }
}
