package dev.loyaltyrelay.application.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.TopicCategory;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Nector's topics and what we know of their properties: one JSON Schema per topic under
 * {@code src/main/resources/catalogue/}. Only properties marked {@code x-nector-source: documented} carry a
 * type; {@code third_party} ones (seen in code outside Nector's documentation, named by {@code x-nector-evidence}) and
 * assumed ones are descriptions and samples, so a wrong guess never costs a real event. Each schema also names the
 * topic's default category ({@code x-topic-category}: transactional or marketing), which a merchant may override.
 */
@ApplicationScoped
public class EventCatalogue {

    /** Every topic Nector documents (DESIGN.md, "The inbound contract"). */
    public static final List<String> TOPICS = List.of(
            "walletreward_create", "coupon_create", "wallettrasaction_update", "reviewrequest_create",
            "coinexpirynotify_create", "unusedwalletcoinrequest_create", "unusedcouponrequest_create",
            "incompletereferralrequest_create", "refereenotify_create", "referrernotify_create", "viptier_create",
            "lead_create", "lead_update", "order_create", "order_update", "review_create", "review_update", "coupon_update");

    static final String SOURCE_KEYWORD = "x-nector-source";
    static final String EXPECTED_TYPE_KEYWORD = "x-expected-type";
    static final String EVIDENCE_KEYWORD = "x-nector-evidence";
    static final String CATEGORY_KEYWORD = "x-topic-category";

    private final Map<String, JsonNode> documents = new LinkedHashMap<>();
    private final Map<String, JsonSchema> schemas = new LinkedHashMap<>();
    private final Map<String, TopicCategory> categories = new LinkedHashMap<>();

    public EventCatalogue(ObjectMapper json) {
        JsonMetaSchema metaSchema = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .keyword(new AnnotationKeyword(SOURCE_KEYWORD))
                .keyword(new AnnotationKeyword(EXPECTED_TYPE_KEYWORD))
                .keyword(new AnnotationKeyword(EVIDENCE_KEYWORD))
                .keyword(new AnnotationKeyword(CATEGORY_KEYWORD))
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
                .metaSchema(metaSchema)
                .build();
        for (String topic : TOPICS) {
            JsonNode document = read(json, "catalogue/" + topic + ".schema.json");
            documents.put(topic, document);
            JsonSchema schema = factory.getSchema(document);
            // Compiled here, not on the first validate (the library's preload default does it already; this does not
            // depend on it): SnapStart's priming creates the catalogue, so the snapshot holds the compiled validators.
            schema.initializeValidators();
            schemas.put(topic, schema);
            categories.put(topic, TopicCategory.fromKey(document.path(CATEGORY_KEYWORD).asText())
                    .orElseThrow(() -> new IllegalStateException("catalogue " + topic + ": " + CATEGORY_KEYWORD + " missing or unknown")));
        }
    }

    public boolean knows(String topic) {
        return schemas.containsKey(topic);
    }

    /** The topic's default category, as the catalogue says; a merchant's override wins over it. */
    public TopicCategory defaultCategory(String topic) {
        TopicCategory category = categories.get(topic);
        if (category == null) {
            throw new IllegalArgumentException("topic not in the catalogue");
        }
        return category;
    }

    /** The category a merchant's message of {@code topic} goes out as: the merchant's override, else the default. */
    public TopicCategory categoryFor(Merchant merchant, String topic) {
        TopicCategory override = merchant.topicCategories().get(topic);
        return override != null ? override : defaultCategory(topic);
    }

    /** The schema document of a topic, for the admin API and the tests. */
    public JsonNode document(String topic) {
        return documents.get(topic);
    }

    /**
     * What is wrong with an event of {@code topic}, as {@code property: rule} entries naming no value (the
     * values may be personal data). Empty when it is valid.
     */
    public List<String> violations(String topic, JsonNode event) {
        Set<ValidationMessage> messages = schemas.get(topic).validate(event);
        Set<String> violations = new TreeSet<>();
        for (ValidationMessage message : messages) {
            String location = message.getInstanceLocation().toString();
            String property = location.startsWith("$.") ? location.substring(2) : location;
            violations.add(property + ": " + message.getType());
        }
        return List.copyOf(violations);
    }

    private static JsonNode read(ObjectMapper json, String resource) {
        try (InputStream in = EventCatalogue.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("catalogue resource missing: " + resource);
            }
            return json.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("catalogue resource unreadable: " + resource, e);
        }
    }
}
