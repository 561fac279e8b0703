package dev.loyaltyrelay.queue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
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
import java.io.IOException;
import java.io.StringWriter;
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
    private final ObjectWriter writer;
    private final ObjectReader reader;

    public DeliveryJobCodec(ObjectMapper json) {
        this.json = json;
        this.writer = json.writer(SQS_SAFE);
        // Decimals as BigDecimal, trailing zeros kept: a job reads back exactly as it was written.
        this.reader = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    }

    /**
     * Written straight to text, field by field (no tree of the job first: at 20 KB of properties the tree was a third of
     * ingest's CPU).
     */
    public String encode(DeliveryJob job) {
        var text = new StringWriter(512);
        try (JsonGenerator out = writer.createGenerator(text)) {
            out.writeStartObject();
            out.writeNumberField("schemaVersion", job.schemaVersion());
            out.writeStringField("deliveryId", job.deliveryId());
            out.writeStringField("merchantId", job.merchantId());
            out.writeStringField("nectorDeliveryId", job.nectorDeliveryId());
            out.writeStringField("topic", job.topic());
            out.writeStringField("provider", job.provider().key());
            out.writeStringField("integrationId", job.integrationId());
            out.writeObjectFieldStart("recipient");
            out.writeStringField("kind", job.recipient().kind().name().toLowerCase(Locale.ROOT));
            out.writeStringField("address", job.recipient().address());
            out.writeEndObject();
            EventMapping mapping = job.mapping();
            out.writeObjectFieldStart("mapping");
            out.writeStringField("mappingId", mapping.mappingId());
            out.writeStringField("topic", mapping.topic());
            writeIfPresent(out, "templateId", mapping.templateId());
            writeIfPresent(out, "eventName", mapping.eventName());
            writeIfPresent(out, "language", mapping.language());
            writeIfPresent(out, "templateType", mapping.templateType());
            writeIfPresent(out, "mediaHeaderUrl", mapping.mediaHeaderUrl());
            out.writeArrayFieldStart("variables");
            for (TemplateVariable variable : mapping.variables()) {
                out.writeStartObject();
                out.writeStringField("property", variable.property());
                writeIfPresent(out, "fallback", variable.fallback());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeObjectFieldStart("forwarded");
            out.writeBooleanField("all", mapping.forwarded().all());
            out.writeArrayFieldStart("names");
            for (String name : mapping.forwarded().names()) {
                out.writeString(name);
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeEndObject();
            out.writeFieldName("properties");
            writer.writeValue(out, job.properties());
            out.writeStringField("receivedAt", job.receivedAt().toString());
            out.writeStringField("category", job.category().key());
            out.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("delivery job not serialisable", e);
        }
        return text.toString();
    }

    /** @throws IllegalArgumentException when the text is not a job of a known schema version */
    public DeliveryJob decode(String text) {
        JsonNode root;
        try {
            root = reader.readTree(text);
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

    private static void writeIfPresent(JsonGenerator out, String name, String value) throws IOException {
        if (value != null) {
            out.writeStringField(name, value);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }
}
