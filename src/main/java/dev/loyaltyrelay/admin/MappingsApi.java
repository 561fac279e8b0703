package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.domain.Identifiers;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.loyaltyrelay.admin.MappingBodies.Mapping;
import dev.loyaltyrelay.admin.MappingBodies.MappingList;
import dev.loyaltyrelay.admin.MappingBodies.PropertyWarning;
import dev.loyaltyrelay.admin.MappingBodies.SavedMapping;
import dev.loyaltyrelay.admin.MappingBodies.Variable;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.ObservedTopic;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.TrafficObservations;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.VariableRenderer;
import dev.loyaltyrelay.provider.TemplateList;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import static dev.loyaltyrelay.admin.IntegrationsApi.freeMappingId;
import static dev.loyaltyrelay.admin.IntegrationsApi.integration;
import static dev.loyaltyrelay.admin.IntegrationsApi.mapping;
import static dev.loyaltyrelay.admin.IntegrationsApi.mappingsOf;

/**
 * "Create an Event" from the guides: a mapping of a Nector topic to a provider's template or flow, with the event
 * properties that fill its variables in order; checked at save time against the provider's template list where its API has one (Zoko's).
 */
@ApplicationScoped
public class MappingsApi {

    private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2,3}(_[A-Z]{2})?$");
    /** A variable's property not carried by any of the topic's latest this-many authentic events is warned about. */
    static final int RECENT_EVENTS = 20;
    /** How many of the names seen a warning offers. */
    static final int CLOSEST_NAMES = 3;

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    ConfigurationStore store;
    @Inject
    EventCatalogue catalogue;
    @Inject
    IntegrationCredentials vault;
    @Inject
    TrafficObservations observations;

    AdminResponse<SavedMapping> createMapping(AdminRequest<Mapping> request) {
        MerchantConfiguration configuration = request.merchant();
        Integration integration = integration(configuration, request);
        Mapping given = request.body();
        String mappingId = Fields.text("mappingId", given.mappingId(), 64).orElseGet(() -> freeMappingId(configuration, integration,
                Fields.text("topic", given.topic(), 64).orElse("mapping")));
        if (mappingsOf(configuration, integration.integrationId()).stream().anyMatch(m -> m.mappingId().equals(mappingId))) {
            throw new ApiProblem(409, "mapping_exists", "a mapping with this id exists; PUT it to change it");
        }
        return AdminResponse.created(saveMapping(request, configuration, integration, mappingId, given, true));
    }

    AdminResponse<SavedMapping> replaceMapping(AdminRequest<Mapping> request) {
        MerchantConfiguration configuration = request.merchant();
        Integration integration = integration(configuration, request);
        mapping(configuration, request);
        Mapping given = request.body();
        if (Fields.text("mappingId", given.mappingId(), 64).filter(id -> !id.equals(request.path("mappingId"))).isPresent()) {
            throw ApiProblem.invalid("mappingId", "must be the mapping's id in the path (a mapping is not renamed)");
        }
        return AdminResponse.ok(saveMapping(request, configuration, integration, request.path("mappingId"), given, false));
    }

    private SavedMapping saveMapping(AdminRequest<Mapping> request, MerchantConfiguration configuration, Integration integration, String mappingId,
            Mapping given, boolean created) {
        if (!Identifiers.isValid(mappingId)) {
            throw ApiProblem.invalid("mappingId", "letters, digits, _ and -, at most 64");
        }
        ProviderProfile provider = vault.profileOf(integration);
        String topic = Fields.requiredText("topic", given.topic(), 64);
        if (!catalogue.knows(topic)) {
            throw new ApiProblem(422, "unknown_topic", "not a Nector topic of the catalogue",
                    List.of(new ApiProblem.FieldError("topic", "one of " + String.join(", ", EventCatalogue.TOPICS))));
        }
        Optional<String> templateId = Fields.text("templateId", given.templateId(), 128);
        if (provider.sendsWhatsAppTemplates() && templateId.isEmpty()) {
            throw ApiProblem.invalid("templateId", "required for " + provider.key() + " (the template or automation id)");
        }
        if (!provider.takesTemplateId() && templateId.isPresent()) {
            throw ApiProblem.invalid("templateId", provider.key() + " triggers a flow by event name; it takes no template id");
        }
        Optional<String> eventName = Fields.text("eventName", given.eventName(), 128);
        if (eventName.isPresent() && (provider.sendsWhatsAppTemplates() || eventName.get().chars().anyMatch(Character::isWhitespace))) {
            throw ApiProblem.invalid("eventName", provider.sendsWhatsAppTemplates() ? "only for limechat and wigzo" : "must have no spaces");
        }
        if (eventName.isPresent() && templateId.isPresent()) {
            throw ApiProblem.invalid("eventName", "a mapping sends a template (templateId) or triggers a flow (eventName), not both");
        }
        Optional<String> language = Fields.text("language", given.language(), 8);
        if (language.isPresent() && !LANGUAGE.matcher(language.get()).matches()) {
            throw ApiProblem.invalid("language", "a language code such as en or pt_BR");
        }
        Optional<String> mediaHeaderUrl = Fields.text("mediaHeaderUrl", given.mediaHeaderUrl(), 2048);
        if (mediaHeaderUrl.isPresent() && templateId.isEmpty()) {
            throw ApiProblem.invalid("mediaHeaderUrl", "only for a template with a media header");
        }
        if (mediaHeaderUrl.isPresent() && !isHttpsUrl(mediaHeaderUrl.get())) {
            throw ApiProblem.invalid("mediaHeaderUrl", "an https URL of the header's image, video or document");
        }
        List<String> warnings = new ArrayList<>();
        Optional<ObservedTopic> observed = observed(request.merchantId(), topic, warnings);
        List<TemplateVariable> variables = variables(given.variables(), topic, observed, warnings);
        // A template mapping fills its variables from the event; a flow gets the event's properties.
        ForwardedProperties forwarded = forwarded(given.forwarded(), templateId.isPresent() ? ForwardedProperties.NONE : ForwardedProperties.defaultFor(provider));
        var asGiven = new EventMapping(integration.integrationId(), mappingId, topic, templateId.orElse(null), eventName.orElse(null), variables,
                language.orElse(null), forwarded);
        Optional<EventMapping> sameMessage = mappingsOf(configuration, integration.integrationId()).stream()
                .filter(other -> !other.mappingId().equals(mappingId) && other.sendsTheSameMessageAs(asGiven)).findFirst();
        if (sameMessage.isPresent()) {
            throw new ApiProblem(409, "mapping_duplicate", "mapping " + sameMessage.get().mappingId() + " already sends "
                    + (asGiven.sendsTemplate() ? "this template" : "this event") + " on " + topic
                    + ": every customer would get the message twice; change that mapping instead");
        }
        var mapping = asGiven;
        if (templateId.isPresent()) {
            ListedTemplate listed = checkTemplate(integration, provider, templateId.get(), language, variables.size(), mediaHeaderUrl);
            listed.warning().ifPresent(warnings::add);
            // Type and language as the provider's list gave them, so every send names the template the merchant checked.
            mapping = new EventMapping(integration.integrationId(), mappingId, topic, templateId.get(), null, variables,
                    listed.language().orElse(null), forwarded, listed.kind().orElse(null), mediaHeaderUrl.orElse(null));
        }
        if (created) {
            if (!store.createMapping(request.merchantId(), mapping)) {
                throw new ApiProblem(409, "mapping_exists", "a mapping with this id exists; PUT it to change it");
            }
        } else {
            store.saveMapping(request.merchantId(), mapping);
        }
        return new SavedMapping(view(mapping, provider), warnings, propertyWarnings(variables, observed),
                observed.map(o -> o.namesSeenWithin(RECENT_EVENTS)).orElse(List.of()));
    }

    /**
     * What the merchant's authentic events of the topic have carried; empty when none has been seen yet. Advisory, so a store
     * that cannot be read costs the warnings, not the save.
     */
    private Optional<ObservedTopic> observed(String merchantId, String topic, List<String> warnings) {
        try {
            return observations.list(merchantId).stream().filter(t -> t.topic().equals(topic) && t.events() > 0).findFirst();
        } catch (StoreUnavailable e) {
            warnings.add("the properties seen in " + topic + " events could not be read now; the variables were not checked against them");
            return Optional.empty();
        }
    }

    /** Each variable's property that none of the topic's latest {@link #RECENT_EVENTS} authentic events carried. */
    private static List<PropertyWarning> propertyWarnings(List<TemplateVariable> variables, Optional<ObservedTopic> observed) {
        if (observed.isEmpty()) {
            return List.of();
        }
        ObservedTopic topic = observed.get();
        return variables.stream().map(TemplateVariable::property).distinct().filter(property -> !topic.seenWithin(property, RECENT_EVENTS))
                .map(property -> new PropertyWarning(property, "never_seen", topic.closestTo(property, RECENT_EVENTS, CLOSEST_NAMES))).toList();
    }

    private List<TemplateVariable> variables(List<Variable> given, String topic, Optional<ObservedTopic> observed, List<String> warnings) {
        if (given == null) {
            return List.of();
        }
        if (given.size() > 30) {
            throw ApiProblem.invalid("variables", MappingBodies.VARIABLES);
        }
        JsonNode known = catalogue.document(topic).path("properties");
        List<TemplateVariable> variables = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            String path = "variables[" + i + "]";
            Variable entry = given.get(i);
            if (entry == null) {
                throw ApiProblem.invalid(path, "must be an object");
            }
            String property = Fields.requiredText(path + ".property", entry.property(), 128);
            // A property the merchant's authentic events carried is known, whatever the catalogue says.
            boolean seen = observed.map(o -> o.properties().stream().anyMatch(p -> p.name().equals(property))).orElse(false);
            if (!known.has(property) && !seen) {
                if (!Boolean.TRUE.equals(entry.custom())) {
                    throw new ApiProblem(422, "unknown_property", "the property is not in the topic's catalogue",
                            List.of(new ApiProblem.FieldError(path + ".property", "not a known property of " + topic + "; set custom: true to use it anyway")));
                }
                warnings.add(path + ": " + property + " is not in the catalogue of " + topic + "; it is sent only if Nector includes it");
            }
            if (seen && !known.has(property) && property.contains(".")) {
                // The listing shows nested properties dotted, but a variable reads the event's top-level properties only.
                warnings.add(path + ": " + property + " was seen nested in " + topic + "'s events; a variable reads top-level properties"
                        + " only, so it renders only if an event carries a top-level property of that exact name");
            }
            String fallback = Fields.text(path + ".fallback", entry.fallback(), 1024).orElse(null);
            if (fallback != null && VariableRenderer.readsAsNothing(fallback)) {
                throw ApiProblem.invalid(path + ".fallback", "must have a visible character (only spaces or invisible characters)");
            }
            variables.add(new TemplateVariable(property, fallback));
        }
        return variables;
    }

    private static ForwardedProperties forwarded(JsonNode node, ForwardedProperties absent) {
        if (node == null || node.isNull()) {
            return absent;
        }
        if (node.isTextual() && node.asText().equals("all")) {
            return ForwardedProperties.ALL;
        }
        if (node.isTextual() && node.asText().equals("none")) {
            return ForwardedProperties.NONE;
        }
        if (node.isArray() && node.size() <= 100) {
            List<String> names = new ArrayList<>();
            node.forEach(n -> {
                if (!n.isTextual()) {
                    throw ApiProblem.invalid("forwarded", "\"all\", \"none\" or an array of property names");
                }
                names.add(n.asText());
            });
            return ForwardedProperties.only(names);
        }
        throw ApiProblem.invalid("forwarded", "\"all\", \"none\" or an array of property names");
    }

    /** What the provider's template list says of the mapping's template: its language and kind, or a warning that it could not say. */
    private record ListedTemplate(Optional<String> language, Optional<String> kind, Optional<String> warning) {
    }

    /**
     * Checks the template against the provider's template list: the (id, language) pair listed, active, its media header
     * mapped where it has one, and as many variables as it has arguments besides the header. Where the provider offers
     * no list, a warning, and the mapping is kept as given.
     */
    private ListedTemplate checkTemplate(Integration integration, ProviderProfile provider, String templateId, Optional<String> language,
            int variableCount, Optional<String> mediaHeaderUrl) {
        switch (vault.templates(integration)) {
            case TemplateList.Templates templates -> {
                List<TemplateList.Template> listed = templates.withId(templateId);
                if (listed.isEmpty()) {
                    throw new ApiProblem(422, "template_not_found", provider.key() + " has no template with this id",
                            List.of(new ApiProblem.FieldError("templateId", "not among the account's templates")));
                }
                String languages = String.join(", ", listed.stream().map(TemplateList.Template::language).toList());
                TemplateList.Template template;
                if (language.isPresent()) {
                    template = listed.stream().filter(t -> t.language().equals(language.get())).findFirst()
                            .orElseThrow(() -> new ApiProblem(422, "template_language_not_found",
                                    provider.key() + " lists this template in " + languages + ", not in " + language.get(),
                                    List.of(new ApiProblem.FieldError("language", "one of " + languages))));
                } else if (listed.size() == 1) {
                    template = listed.getFirst();
                } else {
                    throw new ApiProblem(422, "template_language_ambiguous", provider.key() + " lists this template in " + languages
                            + ": name the language to send", List.of(new ApiProblem.FieldError("language", "one of " + languages)));
                }
                if (!template.active()) {
                    throw new ApiProblem(422, "template_inactive", provider.key() + " says this template (" + template.language()
                            + ") is not active for sending by API", List.of(new ApiProblem.FieldError("templateId", "not active")));
                }
                if (template.mediaHeader() && mediaHeaderUrl.isEmpty()) {
                    throw new ApiProblem(422, "media_header_required", "the template is a " + template.kind()
                            + ": its first argument is its media header, which no event property fills; map it",
                            List.of(new ApiProblem.FieldError("mediaHeaderUrl", "required: the https URL of the header's image, video or document")));
                }
                if (!template.mediaHeader() && mediaHeaderUrl.isPresent()) {
                    throw new ApiProblem(422, "media_header_unexpected", "the template (" + template.kind() + ") has no media header",
                            List.of(new ApiProblem.FieldError("mediaHeaderUrl", "only for a template with a media header")));
                }
                if (template.argumentCount() == TemplateList.Template.UNKNOWN_COUNT) {
                    return new ListedTemplate(Optional.of(template.language()), Optional.of(template.kind()), Optional.of(provider.key()
                            + " did not say how many variables the template has: send a test event"));
                }
                int expected = template.argumentCount() - (template.mediaHeader() ? 1 : 0);
                if (expected != variableCount) {
                    String header = template.mediaHeader() ? " besides its media header" : "";
                    throw new ApiProblem(422, "variable_count_mismatch",
                            "the template has " + expected + " variables" + header + "; the mapping gives " + variableCount,
                            List.of(new ApiProblem.FieldError("variables", "expected " + expected + ", got " + variableCount)));
                }
                return new ListedTemplate(Optional.of(template.language()), Optional.of(template.kind()), Optional.empty());
            }
            case TemplateList.CredentialsRefused refused -> throw new ApiProblem(422, "credentials_refused",
                    provider.key() + " refused the integration's credentials; re-initialize it");
            case TemplateList.Unavailable unavailable -> throw new ApiProblem(503, "provider_unavailable",
                    provider.key() + " could not be asked for the template (" + unavailable.reason() + "); retry later");
            case TemplateList.NotOffered notOffered -> {
                if (mediaHeaderUrl.isPresent()) {
                    throw ApiProblem.invalid("mediaHeaderUrl", provider.key() + " lists no templates, so none is known to have a media header");
                }
                return new ListedTemplate(language, Optional.empty(), Optional.of(provider.key()
                        + " offers no way to check the template id and its variable count: send a test event"));
            }
        }
    }

    private static boolean isHttpsUrl(String text) {
        try {
            java.net.URI uri = new java.net.URI(text);
            return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isBlank();
        } catch (java.net.URISyntaxException notAUrl) {
            return false;
        }
    }

    AdminResponse<MappingList> listMappings(AdminRequest<Void> request) {
        MerchantConfiguration configuration = request.merchant();
        Integration integration = integration(configuration, request);
        return AdminResponse.ok(new MappingList(mappingsOf(configuration, integration.integrationId()).stream()
                .map(m -> view(m, vault.profileOf(integration))).toList()));
    }

    AdminResponse<Mapping> getMapping(AdminRequest<Void> request) {
        MerchantConfiguration configuration = request.merchant();
        return AdminResponse.ok(view(mapping(configuration, request), vault.profileOf(integration(configuration, request))));
    }

    AdminResponse<Void> deleteMapping(AdminRequest<Void> request) {
        EventMapping mapping = mapping(request.merchant(), request);
        store.deleteMapping(request.merchantId(), mapping.integrationId(), mapping.mappingId());
        return AdminResponse.noContent();
    }

    /** A mapping in exactly the shape PUT takes, so a merchant edits it by sending back what GET returned. */
    private Mapping view(EventMapping mapping, ProviderProfile provider) {
        JsonNode known = catalogue.knows(mapping.topic()) ? catalogue.document(mapping.topic()).path("properties") : MissingNode.getInstance();
        // custom is derived, not stored: PUT needs custom: true exactly for the properties the topic's catalogue lacks.
        List<Variable> variables = mapping.variables().stream().map(v -> new Variable(v.property(), v.fallback(), !known.has(v.property()))).toList();
        JsonNode forwarded = mapping.forwarded().all() ? TextNode.valueOf("all")
                : JsonNodeFactory.instance.arrayNode().addAll(mapping.forwarded().names().stream().map(TextNode::valueOf).toList());
        // eventName only when set: shown as the topic, a GET sent back by PUT would pin it, and a later topic change keep it.
        return new Mapping(mapping.mappingId(), mapping.topic(), provider.takesTemplateId() ? mapping.templateId() : null,
                provider.sendsWhatsAppTemplates() || mapping.sendsTemplate() ? null : mapping.eventName(), mapping.language(), variables, forwarded,
                mapping.templateType(), mapping.mediaHeaderUrl(), mapping.attention() == null ? null
                        : new IntegrationBodies.Attention(mapping.attention().reason(), Fields.timestamp(mapping.attention().since())));
    }
}
