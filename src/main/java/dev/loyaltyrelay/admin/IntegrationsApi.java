package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.loyaltyrelay.admin.AdminRoutes.Route;
import dev.loyaltyrelay.delivery.IntegrationDirectory;
import dev.loyaltyrelay.delivery.MessageComposer;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.RecipientResolver;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.VariableRenderer;
import dev.loyaltyrelay.ingest.EventCatalogue;
import dev.loyaltyrelay.ingest.MerchantDirectory;
import dev.loyaltyrelay.provider.ProviderGateway;
import dev.loyaltyrelay.provider.zoko.ZokoTemplates;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * "Initialize", "Create an Event" and "Send Test Event" from the guides: integrations with their credentials
 * (checked against the provider where its API allows, stored sealed, shown masked), event mappings (checked at
 * save time where the provider allows) and a test send through the same adapter as real deliveries.
 */
@ApplicationScoped
public class IntegrationsApi {

    static final String BASE = MerchantsApi.BASE + "/integrations";
    static final String ONE = BASE + "/{integrationId}";
    static final String MAPPINGS = ONE + "/mappings";
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final Pattern LANGUAGE = Pattern.compile("^[a-z]{2,3}(_[A-Z]{2})?$");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TypeReference<Map<String, String>> FIELDS = new TypeReference<>() {
    };

    private final MerchantsApi merchants;
    private final ConfigurationStore store;
    private final CustomerStore customers;
    private final SecretCipher cipher;
    private final EventCatalogue catalogue;
    private final ZokoTemplates zokoTemplates;
    private final ProviderGateway gateway;
    private final IntegrationDirectory integrations;
    private final MerchantDirectory directory;
    private final ObjectMapper json;
    private final Clock clock;

    IntegrationsApi(MerchantsApi merchants, ConfigurationStore store, CustomerStore customers, SecretCipher cipher, EventCatalogue catalogue,
            ZokoTemplates zokoTemplates, ProviderGateway gateway, IntegrationDirectory integrations, MerchantDirectory directory,
            ObjectMapper json, Clock clock) {
        this.merchants = merchants;
        this.store = store;
        this.customers = customers;
        this.cipher = cipher;
        this.catalogue = catalogue;
        this.zokoTemplates = zokoTemplates;
        this.gateway = gateway;
        this.integrations = integrations;
        this.directory = directory;
        this.json = json;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(
                Route.merchant("POST", BASE, this::initialize),
                Route.merchant("GET", BASE, this::listIntegrations),
                Route.merchant("GET", ONE, this::getIntegration),
                Route.merchant("PATCH", ONE, this::updateIntegration),
                Route.merchant("DELETE", ONE, this::deleteIntegration),
                Route.merchant("GET", MerchantsApi.BASE + "/attention", this::needingAttention),
                Route.merchant("POST", MAPPINGS, this::createMapping),
                Route.merchant("GET", MAPPINGS, this::listMappings),
                Route.merchant("GET", MAPPINGS + "/{mappingId}", this::getMapping),
                Route.merchant("PUT", MAPPINGS + "/{mappingId}", this::replaceMapping),
                Route.merchant("DELETE", MAPPINGS + "/{mappingId}", this::deleteMapping),
                Route.merchant("POST", MAPPINGS + "/{mappingId}/test", this::sendTestEvent));
    }

    // ---- integrations ------------------------------------------------------------------------------------

    private AdminResponse initialize(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Fields fields = Fields.of(request.body()).only(Set.of("provider", "credentials", "commonProperty", "integrationId"));
        Provider provider = fields.optionalChoice("provider", Provider::fromKey, "limechat, delightchat, bitespeed, zoko, wigzo")
                .orElseThrow(() -> ApiProblem.invalid("provider", "required"));
        CommonProperty common = commonProperty(fields, provider);
        ProviderCredentials credentials = credentials(fields, provider);
        String integrationId = fields.optionalText("integrationId", 64).orElse(provider.key() + "-" + HexFormat.of().formatHex(randomBytes(3)));
        if (!ID.matcher(integrationId).matches()) {
            throw ApiProblem.invalid("integrationId", "letters, digits, _ and -, at most 64");
        }
        if (configuration.integrations().stream().anyMatch(i -> i.integrationId().equals(integrationId))) {
            throw new ApiProblem(409, "integration_exists", "an integration with this id exists; PATCH it to change its credentials");
        }
        String check = checkCredentials(provider, credentials);
        var integration = new Integration(request.merchantId(), integrationId, provider, common, seal(request.merchantId(), integrationId, credentials),
                true, null);
        store.saveIntegration(integration);
        forget(integration);
        var body = integrationView(integration, credentials);
        body.put("credentialsCheck", check);
        return AdminResponse.created(body);
    }

    private AdminResponse listIntegrations(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        return AdminResponse.ok(Map.of("integrations", configuration.integrations().stream()
                .map(i -> integrationView(i, open(i))).toList()));
    }

    private AdminResponse getIntegration(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Integration integration = integration(configuration, request);
        var body = integrationView(integration, open(integration));
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
            credentials = credentials(fields, current.provider());
            check = checkCredentials(current.provider(), credentials);
            sealed = seal(current.merchantId(), current.integrationId(), credentials);
            attention = null;
        } else {
            credentials = open(current);
        }
        var updated = new Integration(current.merchantId(), current.integrationId(), current.provider(), current.commonProperty(), sealed,
                enabled, attention);
        if (fields.has("credentials")) {
            store.saveIntegration(updated);
        } else {
            // Only the switch: a flag a delivery set meanwhile (refused credentials) must survive it.
            store.setEnabled(current.merchantId(), current.integrationId(), enabled);
        }
        forget(updated);
        var body = integrationView(updated, credentials);
        body.put("credentialsCheck", check);
        return AdminResponse.ok(body);
    }

    private AdminResponse deleteIntegration(AdminRequest request) {
        Integration integration = integration(merchants.existing(request.merchantId()), request);
        store.deleteIntegration(integration.merchantId(), integration.integrationId());
        forget(integration);
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

    private CommonProperty commonProperty(Fields fields, Provider provider) {
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

    private static ProviderCredentials credentials(Fields fields, Provider provider) {
        Map<String, String> given = fields.stringMap("credentials");
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
    private String checkCredentials(Provider provider, ProviderCredentials credentials) {
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

    private static Integration integration(MerchantConfiguration configuration, AdminRequest request) {
        return configuration.integrations().stream()
                .filter(i -> i.integrationId().equals(request.path("integrationId"))).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("integration"));
    }

    private SealedSecret seal(String merchantId, String integrationId, ProviderCredentials credentials) {
        try {
            return cipher.seal(json.writeValueAsBytes(credentials.fields()), EncryptionContext.forIntegration(merchantId, integrationId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("credentials not serialisable", e);
        }
    }

    private ProviderCredentials open(Integration integration) {
        try {
            byte[] plaintext = cipher.open(integration.credentials(), EncryptionContext.forIntegration(integration.merchantId(), integration.integrationId()));
            return new ProviderCredentials(json.readValue(plaintext, FIELDS));
        } catch (SecretCipher.SecretUnavailable | java.io.IOException e) {
            return null;
        }
    }

    private void forget(Integration integration) {
        integrations.forget(integration.merchantId(), integration.integrationId());
        directory.invalidateAll();
    }

    // ---- mappings ----------------------------------------------------------------------------------------

    private AdminResponse createMapping(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Integration integration = integration(configuration, request);
        Fields fields = Fields.of(request.body());
        String mappingId = fields.optionalText("mappingId", 64).orElseGet(() -> freeMappingId(configuration, integration,
                fields.optionalText("topic", 64).orElse("mapping")));
        if (mappingsOf(configuration, integration.integrationId()).stream().anyMatch(m -> m.mappingId().equals(mappingId))) {
            throw new ApiProblem(409, "mapping_exists", "a mapping with this id exists; PUT it to change it");
        }
        return saveMapping(request, configuration, integration, mappingId, fields, true);
    }

    private AdminResponse replaceMapping(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Integration integration = integration(configuration, request);
        mapping(configuration, request);
        Fields fields = Fields.of(request.body());
        if (fields.optionalText("mappingId", 64).filter(id -> !id.equals(request.path("mappingId"))).isPresent()) {
            throw ApiProblem.invalid("mappingId", "must be the mapping's id in the path (a mapping is not renamed)");
        }
        return saveMapping(request, configuration, integration, request.path("mappingId"), fields, false);
    }

    private AdminResponse saveMapping(AdminRequest request, MerchantConfiguration configuration, Integration integration, String mappingId,
            Fields fields, boolean created) {
        fields.only(Set.of("mappingId", "topic", "templateId", "eventName", "variables", "language", "forwarded"));
        if (!ID.matcher(mappingId).matches()) {
            throw ApiProblem.invalid("mappingId", "letters, digits, _ and -, at most 64");
        }
        Provider provider = integration.provider();
        String topic = fields.requiredText("topic", 64);
        if (!catalogue.knows(topic)) {
            throw new ApiProblem(422, "unknown_topic", "not a Nector topic of the catalogue",
                    List.of(new ApiProblem.FieldError("topic", "one of " + String.join(", ", EventCatalogue.TOPICS))));
        }
        Optional<String> templateId = fields.optionalText("templateId", 128);
        if (provider.sendsWhatsAppTemplates() && templateId.isEmpty()) {
            throw ApiProblem.invalid("templateId", "required for " + provider.key() + " (the template or automation id)");
        }
        if (!provider.sendsWhatsAppTemplates() && templateId.isPresent()) {
            throw ApiProblem.invalid("templateId", provider.key() + " triggers a flow by event name; it takes no template id");
        }
        Optional<String> eventName = fields.optionalText("eventName", 128);
        if (eventName.isPresent() && (provider.sendsWhatsAppTemplates() || eventName.get().chars().anyMatch(Character::isWhitespace))) {
            throw ApiProblem.invalid("eventName", provider.sendsWhatsAppTemplates() ? "only for limechat and wigzo" : "must have no spaces");
        }
        Optional<String> language = fields.optionalText("language", 8);
        if (language.isPresent() && !LANGUAGE.matcher(language.get()).matches()) {
            throw ApiProblem.invalid("language", "a language code such as en or pt_BR");
        }
        List<String> warnings = new ArrayList<>();
        List<TemplateVariable> variables = variables(fields.node("variables"), topic, warnings);
        ForwardedProperties forwarded = forwarded(fields.node("forwarded"), provider);
        var mapping = new EventMapping(integration.integrationId(), mappingId, topic, templateId.orElse(null), eventName.orElse(null), variables,
                language.orElse(null), forwarded);
        Optional<EventMapping> sameMessage = mappingsOf(configuration, integration.integrationId()).stream()
                .filter(other -> !other.mappingId().equals(mappingId) && other.sendsTheSameMessageAs(mapping)).findFirst();
        if (sameMessage.isPresent()) {
            throw new ApiProblem(409, "mapping_duplicate", "mapping " + sameMessage.get().mappingId() + " already sends "
                    + (provider.sendsWhatsAppTemplates() ? "this template" : "this event") + " on " + topic
                    + ": every customer would get the message twice; change that mapping instead");
        }
        if (provider == Provider.ZOKO) {
            checkZokoTemplate(integration, templateId.get(), variables.size());
        } else if (provider.sendsWhatsAppTemplates()) {
            warnings.add(provider.key() + " offers no way to check the template id and its variable count: send a test event");
        }
        if (created) {
            if (!store.createMapping(request.merchantId(), mapping)) {
                throw new ApiProblem(409, "mapping_exists", "a mapping with this id exists; PUT it to change it");
            }
        } else {
            store.saveMapping(request.merchantId(), mapping);
        }
        directory.invalidateAll();
        var body = mappingView(mapping, provider);
        body.put("warnings", warnings);
        return created ? AdminResponse.created(body) : AdminResponse.ok(body);
    }

    private List<TemplateVariable> variables(JsonNode node, String topic, List<String> warnings) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 30) {
            throw ApiProblem.invalid("variables", "an array of at most 30 {property, fallback?, custom?}, in template order");
        }
        JsonNode known = catalogue.document(topic).path("properties");
        List<TemplateVariable> variables = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "variables[" + i + "]";
            JsonNode entry = node.get(i);
            if (!entry.isObject()) {
                throw ApiProblem.invalid(path, "must be an object");
            }
            Fields variable = Fields.of(entry).only(Set.of("property", "fallback", "custom"));
            String property;
            try {
                property = variable.requiredText("property", 128);
            } catch (ApiProblem p) {
                throw ApiProblem.invalid(path + ".property", "required");
            }
            boolean custom = variable.optionalBoolean("custom").orElse(false);
            if (!known.has(property)) {
                if (!custom) {
                    throw new ApiProblem(422, "unknown_property", "the property is not in the topic's catalogue",
                            List.of(new ApiProblem.FieldError(path + ".property", "not a known property of " + topic + "; set custom: true to use it anyway")));
                }
                warnings.add(path + ": " + property + " is not in the catalogue of " + topic + "; it is sent only if Nector includes it");
            }
            String fallback = variable.optionalText("fallback", 1024).orElse(null);
            if (fallback != null && VariableRenderer.readsAsNothing(fallback)) {
                throw ApiProblem.invalid(path + ".fallback", "must have a visible character (only spaces or invisible characters)");
            }
            variables.add(new TemplateVariable(property, fallback));
        }
        return variables;
    }

    private static ForwardedProperties forwarded(JsonNode node, Provider provider) {
        if (node.isMissingNode() || node.isNull()) {
            return ForwardedProperties.defaultFor(provider);
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

    private void checkZokoTemplate(Integration integration, String templateId, int variableCount) {
        ProviderCredentials credentials = open(integration);
        if (credentials == null) {
            throw new ApiProblem(503, "credentials_unavailable", "the integration's credentials cannot be opened now; retry later");
        }
        switch (zokoTemplates.list(credentials.require("apiKey"))) {
            case ZokoTemplates.Templates templates -> {
                Integer expected = templates.variableCounts().get(templateId);
                if (expected == null) {
                    throw new ApiProblem(422, "template_not_found", "zoko has no template with this id",
                            List.of(new ApiProblem.FieldError("templateId", "not among the account's templates")));
                }
                if (expected != variableCount) {
                    throw new ApiProblem(422, "variable_count_mismatch",
                            "the template has " + expected + " variables; the mapping gives " + variableCount,
                            List.of(new ApiProblem.FieldError("variables", "expected " + expected + ", got " + variableCount)));
                }
            }
            case ZokoTemplates.CredentialsRefused refused -> throw new ApiProblem(422, "credentials_refused",
                    "zoko refused the integration's API key; re-initialize it");
            case ZokoTemplates.Unavailable unavailable -> throw new ApiProblem(503, "provider_unavailable",
                    "zoko could not be asked for the template (" + unavailable.reason() + "); retry later");
        }
    }

    private AdminResponse listMappings(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Integration integration = integration(configuration, request);
        return AdminResponse.ok(Map.of("mappings", mappingsOf(configuration, integration.integrationId()).stream()
                .map(m -> mappingView(m, integration.provider())).toList()));
    }

    private AdminResponse getMapping(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        return AdminResponse.ok(mappingView(mapping(configuration, request), integration(configuration, request).provider()));
    }

    private AdminResponse deleteMapping(AdminRequest request) {
        EventMapping mapping = mapping(merchants.existing(request.merchantId()), request);
        store.deleteMapping(request.merchantId(), mapping.integrationId(), mapping.mappingId());
        directory.invalidateAll();
        return AdminResponse.noContent();
    }

    private static EventMapping mapping(MerchantConfiguration configuration, AdminRequest request) {
        integration(configuration, request);
        return mappingsOf(configuration, request.path("integrationId")).stream()
                .filter(m -> m.mappingId().equals(request.path("mappingId"))).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("mapping"));
    }

    private static List<EventMapping> mappingsOf(MerchantConfiguration configuration, String integrationId) {
        return configuration.mappings().stream().filter(m -> m.integrationId().equals(integrationId)).toList();
    }

    private static String freeMappingId(MerchantConfiguration configuration, Integration integration, String topic) {
        var taken = mappingsOf(configuration, integration.integrationId()).stream().map(EventMapping::mappingId).toList();
        String base = topic.replaceAll("[^A-Za-z0-9_-]", "_");
        String id = base;
        for (int n = 2; taken.contains(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /** A mapping in exactly the shape PUT takes, so a merchant edits it by sending back what GET returned. */
    private LinkedHashMap<String, Object> mappingView(EventMapping mapping, Provider provider) {
        var view = new LinkedHashMap<String, Object>();
        view.put("mappingId", mapping.mappingId());
        view.put("topic", mapping.topic());
        if (provider.sendsWhatsAppTemplates()) {
            view.put("templateId", mapping.templateId());
        } else if (mapping.eventName() != null) {
            // Only when set: shown as the topic, a GET sent back by PUT would pin it, and a later topic change keep it.
            view.put("eventName", mapping.eventName());
        }
        view.put("language", mapping.language());
        JsonNode known = catalogue.knows(mapping.topic()) ? catalogue.document(mapping.topic()).path("properties") : MissingNode.getInstance();
        view.put("variables", mapping.variables().stream().map(v -> {
            var variable = new LinkedHashMap<String, Object>();
            variable.put("property", v.property());
            variable.put("fallback", v.fallback());
            // Derived, not stored: PUT needs custom: true exactly for the properties the topic's catalogue lacks.
            variable.put("custom", !known.has(v.property()));
            return variable;
        }).toList());
        view.put("forwarded", mapping.forwarded().all() ? "all" : mapping.forwarded().names());
        return view;
    }

    // ---- Send Test Event ---------------------------------------------------------------------------------

    private AdminResponse sendTestEvent(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Integration integration = integration(configuration, request);
        EventMapping mapping = mapping(configuration, request);
        Fields fields = Fields.of(request.body()).only(Set.of("mobile", "email", "properties"));
        Map<String, Object> given = givenProperties(fields.node("properties"), mapping);
        CustomerProfile customer = testCustomer(fields, configuration);
        String address = integration.commonProperty() == CommonProperty.MOBILE ? customer.mobile() : customer.email();
        if (address == null) {
            throw new ApiProblem(422, "customer_unreachable", "the customer has no " + integration.commonProperty().name().toLowerCase()
                    + ", which " + integration.provider().key() + " needs");
        }
        var origins = new LinkedHashMap<String, String>();
        Map<String, Object> properties = testProperties(mapping.topic(), customer, given, origins);
        List<String> missing = mapping.variables().stream().filter(v -> v.fallback() == null && properties.get(v.property()) == null)
                .map(TemplateVariable::property).distinct().toList();
        if (!missing.isEmpty()) {
            throw new ApiProblem(422, "test_values_missing", "no value for " + String.join(", ", missing)
                    + ": the catalogue has no sample and the customer record does not have it; give it in properties",
                    missing.stream().map(p -> new ApiProblem.FieldError("properties." + p, "give a value to test with")).toList());
        }
        ProviderCredentials credentials = open(integration);
        if (credentials == null) {
            throw new ApiProblem(503, "credentials_unavailable", "the integration's credentials cannot be opened now; retry later");
        }
        var job = new DeliveryJob(DeliveryJob.SCHEMA_VERSION, "test_" + HexFormat.of().formatHex(randomBytes(8)), request.merchantId(),
                "test", mapping.topic(), integration.provider(), integration.integrationId(),
                new Recipient(integration.commonProperty(), address), mapping, mapping.propertiesFor(properties), clock.instant());
        var body = new LinkedHashMap<String, Object>();
        body.put("recipient", job.recipient().masked());
        switch (MessageComposer.compose(job, configuration.merchant())) {
            case MessageComposer.Refused refused -> throw new ApiProblem(422, "not_renderable", "a variable cannot be rendered (" + refused.reason() + ")",
                    List.of(new ApiProblem.FieldError("variables[" + (refused.position() - 1) + "]", refused.reason())));
            case MessageComposer.Composed composed -> {
                var addresses = new ArrayList<Recipient>(customer.addresses());
                addresses.add(job.recipient());
                body.put("rendered", composed.message().variables().stream()
                        .map(value -> withoutAddresses(value, addresses, configuration.merchant().defaultCountry())).toList());
                body.put("forwarded", composed.message().forwarded().keySet());
                body.put("valueSources", valueSources(mapping, job.properties(), origins));
                DeliveryOutcome outcome = gateway.prepareAndSend(request.merchantId() + "/" + integration.integrationId(), composed.message(),
                        credentials);
                if (outcome instanceof DeliveryOutcome.Rejected rejected && rejected.credentialsRefused()) {
                    store.flagRefusedCredentials(request.merchantId(), integration.integrationId(), integration.credentials(), clock.instant());
                    forget(integration);
                }
                body.put("outcome", outcomeView(outcome));
            }
        }
        return AdminResponse.ok(body);
    }

    /**
     * A rendered value as the answer may show it: any address of the customer (the one sent to, and the others their
     * record carries), and anything else that reads as an email or a phone number, masked.
     */
    static String withoutAddresses(String value, List<Recipient> addresses, String defaultCountry) {
        String digitsOfValue = value.replaceAll("[^0-9]", "");
        for (Recipient address : addresses) {
            String text = address.address();
            String digits = text.startsWith("+") ? text.substring(1) : null;
            String national = digits != null && digits.length() > 10 ? digits.substring(digits.length() - 10) : digits;
            if (value.contains(text) || (national != null && digitsOfValue.contains(national))) {
                return address.masked();
            }
        }
        if (value.contains("@") && RecipientResolver.normaliseEmail(value.trim()).isPresent()) {
            return new Recipient(CommonProperty.EMAIL, value.trim()).masked();
        }
        if (digitsOfValue.length() >= 8) {
            var mobile = RecipientResolver.mobileToE164(value.trim(), defaultCountry);
            if (mobile.isPresent()) {
                return new Recipient(CommonProperty.MOBILE, mobile.get()).masked();
            }
        }
        return value;
    }

    private CustomerProfile testCustomer(Fields fields, MerchantConfiguration configuration) {
        Contact contact = Contact.from(fields, configuration.merchant().defaultCountry());
        return contact.find(customers, configuration.merchant().merchantId()).orElseThrow(() -> new ApiProblem(404, "customer_not_found",
                "no customer of this store has that " + contact.field() + "; a test goes to an existing customer"));
    }

    /**
     * The request's own values for the test ({@code "properties": {"tier_points": "120"}}), for properties the catalogue
     * has no sample of (custom variables) or to try other values. Only properties the mapping reads or forwards: a
     * misspelt name must not be silently ignored. Never logged.
     */
    private Map<String, Object> givenProperties(JsonNode node, EventMapping mapping) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject() || node.size() > 100) {
            throw ApiProblem.invalid("properties", "an object of at most 100 property values");
        }
        var given = new LinkedHashMap<String, Object>();
        node.fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            String field = name.length() <= 128 ? "properties." + name : "properties";
            boolean used = mapping.forwarded().all() || mapping.forwarded().names().contains(name)
                    || mapping.variables().stream().anyMatch(v -> v.property().equals(name));
            if (!used) {
                throw ApiProblem.invalid(field, "the mapping neither reads nor forwards this property");
            }
            JsonNode value = entry.getValue();
            if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
                throw ApiProblem.invalid(field, "a string, a number or true/false");
            }
            if (value.isTextual() && value.asText().length() > 4096) {
                throw ApiProblem.invalid(field, "at most 4096 characters");
            }
            given.put(name, json.convertValue(value, Object.class));
        });
        return given;
    }

    /**
     * The catalogue's sample of every property of the topic, the customer's own details over it, and the request's
     * values over both; {@code origins} records where each value came from.
     */
    private Map<String, Object> testProperties(String topic, CustomerProfile customer, Map<String, Object> given, Map<String, String> origins) {
        var properties = new LinkedHashMap<String, Object>();
        catalogue.document(topic).path("properties").fields().forEachRemaining(entry -> {
            JsonNode example = entry.getValue().path("examples").path(0);
            if (!example.isMissingNode() && !example.isNull()) {
                put(properties, origins, entry.getKey(), json.convertValue(example, Object.class), "sample");
            }
        });
        put(properties, origins, "user_name", customer.name(), "customer");
        put(properties, origins, "user_mobile", customer.mobile(), "customer");
        put(properties, origins, "user_email", customer.email(), "customer");
        put(properties, origins, "user_tier", customer.tier(), "customer");
        put(properties, origins, "user_type", customer.type(), "customer");
        put(properties, origins, "user_referral_code", customer.referralCode(), "customer");
        given.forEach((name, value) -> put(properties, origins, name, value, "request"));
        return properties;
    }

    /** Where each value of the test came from, by property: request, customer, sample, or the variable's fallback. */
    private static Map<String, String> valueSources(EventMapping mapping, Map<String, Object> sent, Map<String, String> origins) {
        var sources = new LinkedHashMap<String, String>();
        for (TemplateVariable variable : mapping.variables()) {
            Object value = sent.get(variable.property());
            boolean blank = value == null || value instanceof String text && text.isBlank();
            sources.put(variable.property(), blank ? "fallback" : origins.get(variable.property()));
        }
        mapping.forwarded().select(sent).keySet().forEach(name -> sources.putIfAbsent(name, origins.get(name)));
        return sources;
    }

    static Map<String, Object> outcomeView(DeliveryOutcome outcome) {
        var view = new LinkedHashMap<String, Object>();
        switch (outcome) {
            case DeliveryOutcome.Sent sent -> {
                view.put("status", "sent");
                view.put("httpStatus", sent.httpStatus());
                view.put("providerMessageId", sent.providerMessageId());
            }
            case DeliveryOutcome.Rejected rejected -> {
                view.put("status", "rejected");
                view.put("reason", rejected.reason());
                view.put("httpStatus", rejected.httpStatus());
            }
            case DeliveryOutcome.RetryLater retry -> {
                view.put("status", "retry_later");
                view.put("reason", retry.reason());
                view.put("httpStatus", retry.httpStatus());
                retry.requestedDelay().ifPresent(d -> view.put("retryAfterSeconds", d.toSeconds()));
            }
            case DeliveryOutcome.Unknown unknown -> {
                view.put("status", "unknown");
                view.put("reason", unknown.reason());
            }
            case DeliveryOutcome.Suppressed suppressed -> {
                view.put("status", "suppressed");
                view.put("reason", suppressed.reason());
            }
            case DeliveryOutcome.Deferred deferred -> {
                view.put("status", "deferred");
                view.put("reason", deferred.reason());
            }
        }
        return view;
    }

    private static void put(Map<String, Object> properties, Map<String, String> origins, String name, Object value, String origin) {
        if (value != null) {
            properties.put(name, value);
            origins.put(name, origin);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
