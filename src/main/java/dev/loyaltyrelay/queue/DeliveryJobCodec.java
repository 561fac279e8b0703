package dev.loyaltyrelay.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryJobFormat;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.TopicCategory;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of a {@link DeliveryJob}, written field by field so the wire format is exactly the published
 * schema ({@code schemas/delivery-job.v1.schema.json}) and needs no reflection in a native image.
 */
@ApplicationScoped
public class DeliveryJobCodec implements DeliveryJobFormat {

    /**
     * SQS carries only #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD and beyond #xFFFF: surrogates (an unpaired one
     * cannot even be encoded) and U+FFFE/U+FFFF are written as JSON escapes, which read back as the same text.
     */
    static final CharacterEscapes SQS_SAFE = new CharacterEscapes() {
        private final int[] ascii = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            boolean carried = ch < 0xD800 || (ch > 0xDFFF && ch < 0xFFFE);
            return carried ? null : new SerializedString(String.format("\\u%04x", ch));
        }
    };

    private final ObjectMapper json;

    public DeliveryJobCodec(ObjectMapper json) {
        this.json = json;
    }

    public String encode(DeliveryJob job) {
        ObjectNode root = json.createObjectNode();
        root.put("schemaVersion", job.schemaVersion());
        root.put("deliveryId", job.deliveryId());
        root.put("merchantId", job.merchantId());
        root.put("nectorDeliveryId", job.nectorDeliveryId());
        root.put("topic", job.topic());
        root.put("provider", job.provider().key());
        root.put("integrationId", job.integrationId());
        ObjectNode recipient = root.putObject("recipient");
        recipient.put("kind", job.recipient().kind().name().toLowerCase(Locale.ROOT));
        recipient.put("address", job.recipient().address());
        EventMapping mapping = job.mapping();
        ObjectNode mappingNode = root.putObject("mapping");
        mappingNode.put("mappingId", mapping.mappingId());
        mappingNode.put("topic", mapping.topic());
        putIfPresent(mappingNode, "templateId", mapping.templateId());
        putIfPresent(mappingNode, "eventName", mapping.eventName());
        putIfPresent(mappingNode, "language", mapping.language());
        putIfPresent(mappingNode, "templateType", mapping.templateType());
        putIfPresent(mappingNode, "mediaHeaderUrl", mapping.mediaHeaderUrl());
        ArrayNode variables = mappingNode.putArray("variables");
        for (TemplateVariable variable : mapping.variables()) {
            ObjectNode v = variables.addObject();
            v.put("property", variable.property());
            putIfPresent(v, "fallback", variable.fallback());
        }
        ObjectNode forwarded = mappingNode.putObject("forwarded");
        forwarded.put("all", mapping.forwarded().all());
        ArrayNode names = forwarded.putArray("names");
        mapping.forwarded().names().forEach(names::add);
        root.set("properties", json.valueToTree(job.properties()));
        root.put("receivedAt", job.receivedAt().toString());
        root.put("category", job.category().key());
        try {
            return json.writer(SQS_SAFE).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("delivery job not serialisable", e);
        }
    }

    /** @throws IllegalArgumentException when the text is not a job of a known schema version */
    public DeliveryJob decode(String text) {
        JsonNode root;
        try {
            // Decimals as BigDecimal: an amount renders exactly as the event carried it.
            root = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("delivery job is not JSON");
        }
        int version = root.path("schemaVersion").asInt(-1);
        if (version != DeliveryJob.SCHEMA_VERSION) {
            throw new IllegalArgumentException("unknown delivery job schema version " + version);
        }
        try {
            return jobFrom(root, version);
        } catch (IllegalArgumentException notAJob) {
            throw notAJob;
        } catch (RuntimeException unreadable) {
            // A missing or malformed field (receivedAt, say): the class only, as the message may quote the text.
            throw new IllegalArgumentException("delivery job is not readable: " + unreadable.getClass().getSimpleName());
        }
    }

    @Override
    public Optional<DeliveryJob> tryDecode(String text) {
        try {
            return Optional.of(decode(text));
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private DeliveryJob jobFrom(JsonNode root, int version) {
        JsonNode mappingNode = root.path("mapping");
        List<TemplateVariable> variables = new ArrayList<>();
        mappingNode.path("variables").forEach(v -> variables.add(new TemplateVariable(v.path("property").asText(), text(v, "fallback"))));
        JsonNode forwardedNode = mappingNode.path("forwarded");
        List<String> names = new ArrayList<>();
        forwardedNode.path("names").forEach(n -> names.add(n.asText()));
        ForwardedProperties forwarded = forwardedNode.path("all").asBoolean(false) ? ForwardedProperties.ALL : ForwardedProperties.only(names);
        EventMapping mapping = new EventMapping(root.path("integrationId").asText(), mappingNode.path("mappingId").asText(),
                mappingNode.path("topic").asText(), text(mappingNode, "templateId"), text(mappingNode, "eventName"), variables,
                text(mappingNode, "language"), forwarded,
                // Optional in schema version 1: a job queued before they were recorded reads as a plain template.
                text(mappingNode, "templateType"), text(mappingNode, "mediaHeaderUrl"));
        JsonNode recipientNode = root.path("recipient");
        Recipient recipient = new Recipient(CommonProperty.valueOf(recipientNode.path("kind").asText().toUpperCase(Locale.ROOT)),
                recipientNode.path("address").asText());
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = json.convertValue(root.path("properties"), LinkedHashMap.class);
        return new DeliveryJob(version, root.path("deliveryId").asText(), root.path("merchantId").asText(),
                root.path("nectorDeliveryId").asText(), root.path("topic").asText(),
                Provider.fromKey(root.path("provider").asText()).orElseThrow(() -> new IllegalArgumentException("unknown provider")),
                root.path("integrationId").asText(), recipient, mapping, properties, Instant.parse(root.path("receivedAt").asText()),
                category(root));
    }

    /** The job's category; a job written before categories (no field) reads as {@link DeliveryJob#ABSENT_CATEGORY}. */
    private static TopicCategory category(JsonNode root) {
        JsonNode category = root.get("category");
        if (category == null || category.isNull()) {
            return DeliveryJob.ABSENT_CATEGORY;
        }
        return TopicCategory.fromKey(category.asText()).orElseThrow(() -> new IllegalArgumentException("unknown category"));
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }
}
