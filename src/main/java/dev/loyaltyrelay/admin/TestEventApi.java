package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.admin.AdminRoutes.Route;
import dev.loyaltyrelay.application.delivery.MessageComposer;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientResolver;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.provider.ProviderGateway;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import static dev.loyaltyrelay.admin.IntegrationsApi.integration;
import static dev.loyaltyrelay.admin.IntegrationsApi.mapping;

/**
 * "Send Test Event" from the guides: the mapping rendered with the catalogue's samples, the customer's own details and
 * the request's values, and sent through the same adapter as real deliveries; the answer shows the rendered variables
 * (addresses masked), where each value came from, and the provider's answer.
 */
@ApplicationScoped
public class TestEventApi {

    private final MerchantsApi merchants;
    private final ConfigurationStore store;
    private final CustomerStore customers;
    private final EventCatalogue catalogue;
    private final ProviderGateway gateway;
    private final IntegrationCredentials vault;
    private final ObjectMapper json;
    private final Clock clock;

    TestEventApi(MerchantsApi merchants, ConfigurationStore store, CustomerStore customers, EventCatalogue catalogue, ProviderGateway gateway,
            IntegrationCredentials vault, ObjectMapper json, Clock clock) {
        this.merchants = merchants;
        this.store = store;
        this.customers = customers;
        this.catalogue = catalogue;
        this.gateway = gateway;
        this.vault = vault;
        this.json = json;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(Route.merchant("POST", IntegrationsApi.MAPPINGS + "/{mappingId}/test", this::sendTestEvent));
    }

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
        ProviderCredentials credentials = vault.openOrUnavailable(integration);
        var job = new DeliveryJob(DeliveryJob.SCHEMA_VERSION, "test_" + HexFormat.of().formatHex(IntegrationsApi.randomBytes(8)), request.merchantId(),
                "test", mapping.topic(), integration.provider(), integration.integrationId(),
                new Recipient(integration.commonProperty(), address), mapping, mapping.propertiesFor(properties), clock.instant());
        var body = new LinkedHashMap<String, Object>();
        body.put("recipient", job.recipient().masked());
        switch (MessageComposer.compose(job, vault.profileOf(integration), configuration.merchant())) {
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
                    vault.forget(integration);
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
}
