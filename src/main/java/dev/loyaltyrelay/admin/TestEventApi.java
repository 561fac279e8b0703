package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.admin.TestEventBodies.Outcome;
import dev.loyaltyrelay.admin.TestEventBodies.RealEvent;
import dev.loyaltyrelay.application.policy.CustomerPolicies;
import dev.loyaltyrelay.admin.TestEventBodies.TestResult;
import dev.loyaltyrelay.admin.TestEventBodies.TestSend;
import dev.loyaltyrelay.application.delivery.IntegrationAttention;
import dev.loyaltyrelay.application.delivery.MessageComposer;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientResolver;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.ProviderGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import static dev.loyaltyrelay.admin.IntegrationsApi.integration;
import static dev.loyaltyrelay.admin.IntegrationsApi.mapping;

/**
 * "Send Test Event" from the guides: the mapping rendered with the catalogue's samples, the customer's own details and
 * the request's values, and sent through the same adapter as real deliveries; the answer shows the rendered variables
 * (addresses masked), where each value came from, and the provider's answer. The customer's policies are checked as
 * for a real event (consent first): where a real event would be suppressed, the test is not sent either, and the answer
 * says so and why ({@code realEvent}).
 */
@ApplicationScoped
public class TestEventApi {

    // Eight collaborators, injected into package-private fields as Quarkus' guides do, rather than through a constructor
    // that would name each of them three times.
    @Inject
    IntegrationAttention attention;
    @Inject
    CustomerStore customers;
    @Inject
    EventCatalogue catalogue;
    @Inject
    ProviderGateway gateway;
    @Inject
    IntegrationCredentials vault;
    @Inject
    ObjectMapper json;
    @Inject
    Clock clock;
    @Inject
    CustomerPolicies policies;

    AdminResponse<TestResult> sendTestEvent(AdminRequest<TestSend> request) {
        MerchantConfiguration configuration = request.merchant();
        Integration integration = integration(configuration, request);
        EventMapping mapping = mapping(configuration, request);
        TestSend given = request.body();
        Map<String, Object> properties = givenProperties(given.properties(), mapping);
        CustomerProfile customer = testCustomer(given, configuration);
        String address = integration.commonProperty() == CommonProperty.MOBILE ? customer.mobile() : customer.email();
        if (address == null) {
            throw new ApiProblem(422, "customer_unreachable", "the customer has no " + integration.commonProperty().name().toLowerCase(Locale.ROOT)
                    + ", which " + integration.provider().key() + " needs");
        }
        var origins = new LinkedHashMap<String, String>();
        Map<String, Object> values = testProperties(mapping.topic(), customer, properties, origins);
        List<String> missing = mapping.variables().stream().filter(v -> v.fallback() == null && values.get(v.property()) == null)
                .map(TemplateVariable::property).distinct().toList();
        if (!missing.isEmpty()) {
            throw new ApiProblem(422, "test_values_missing", "no value for " + String.join(", ", missing)
                    + ": the catalogue has no sample and the customer record does not have it; give it in properties",
                    missing.stream().map(p -> new ApiProblem.FieldError("properties." + p, "give a value to test with")).toList());
        }
        ProviderCredentials credentials = vault.openOrUnavailable(integration);
        var job = new DeliveryJob(DeliveryJob.SCHEMA_VERSION, "test_" + HexFormat.of().formatHex(IntegrationsApi.randomBytes(8)), request.merchantId(),
                "test", mapping.topic(), integration.provider(), integration.integrationId(),
                new Recipient(integration.commonProperty(), address), mapping, mapping.propertiesFor(values), clock.instant(),
                catalogue.categoryFor(configuration.merchant(), mapping.topic()));
        return switch (MessageComposer.compose(job, vault.profileOf(integration), configuration.merchant())) {
            case MessageComposer.Refused refused -> throw new ApiProblem(422, "not_renderable", "a variable cannot be rendered (" + refused.reason() + ")",
                    List.of(new ApiProblem.FieldError("variables[" + (refused.position() - 1) + "]", refused.reason())));
            case MessageComposer.Composed composed -> {
                var addresses = new ArrayList<Recipient>(customer.addresses());
                addresses.add(job.recipient());
                List<String> rendered = composed.message().variables().stream()
                        .map(value -> withoutAddresses(value, addresses, configuration.merchant().defaultCountry())).toList();
                List<String> forwarded = List.copyOf(composed.message().forwarded().keySet());
                Map<String, String> sources = valueSources(mapping, job.properties(), origins);
                // What a real event to this customer would meet; a test is not sent where a real one would not be.
                Optional<DeliveryOutcome> stopped = policies.wouldMeet(job, configuration.merchant(), vault.profileOf(integration).channel());
                DeliveryOutcome outcome = stopped.isPresent() ? stopped.get()
                        : gateway.prepareAndSend(new IntegrationKey(request.merchantId(), integration.integrationId()), composed.message(), credentials);
                if (outcome instanceof DeliveryOutcome.Rejected rejected && rejected.credentialsRefused()) {
                    attention.refused(integration, rejected.reason());
                }
                yield AdminResponse.ok(new TestResult(job.recipient().masked(), rendered, forwarded, sources, Outcome.of(outcome),
                        RealEvent.of(stopped)));
            }
        };
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

    private CustomerProfile testCustomer(TestSend given, MerchantConfiguration configuration) {
        Contact contact = Contact.from(given.mobile(), given.email(), configuration.merchant().defaultCountry());
        return contact.find(customers, configuration.merchant().merchantId()).orElseThrow(() -> new ApiProblem(404, "customer_not_found",
                "no customer of this store has that " + contact.field() + "; a test goes to an existing customer"));
    }

    /**
     * The request's own values for the test ({@code "properties": {"tier_points": "120"}}), for properties the catalogue
     * has no sample of (custom variables) or to try other values. Only properties the mapping reads or forwards: a
     * misspelt name must not be silently ignored. Never logged.
     */
    private Map<String, Object> givenProperties(Map<String, JsonNode> properties, EventMapping mapping) {
        if (properties == null) {
            return Map.of();
        }
        if (properties.size() > 100) {
            throw ApiProblem.invalid("properties", TestEventBodies.PROPERTIES);
        }
        var given = new LinkedHashMap<String, Object>();
        properties.forEach((name, value) -> {
            String field = name.length() <= 128 ? "properties." + name : "properties";
            boolean used = mapping.forwarded().all() || mapping.forwarded().names().contains(name)
                    || mapping.variables().stream().anyMatch(v -> v.property().equals(name));
            if (!used) {
                throw ApiProblem.invalid(field, "the mapping neither reads nor forwards this property");
            }
            if (value == null || !value.isTextual() && !value.isNumber() && !value.isBoolean()) {
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

    private static void put(Map<String, Object> properties, Map<String, String> origins, String name, Object value, String origin) {
        if (value != null) {
            properties.put(name, value);
            origins.put(name, origin);
        }
    }
}
