package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds a request body to its route's record, strictly: a field the record does not have, a value of another JSON type
 * (no {@code "5"} for 5, no 12.5 for a whole number, no {@code "true"} for true) and a missing required field are each
 * refused with 400 {@code invalid_request}, naming the field by its JSON path ({@code variables[2].custom}) and the
 * rule, never the value. A property's {@code @JsonPropertyDescription} is the rule given when its value has the wrong
 * type.
 */
final class Bodies {

    /** The mapper bodies are bound with (also what OpenApiDocumentTest introspects the request records with). */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfigDefaults(config -> {
                for (CoercionInputShape shape : List.of(CoercionInputShape.String, CoercionInputShape.Integer, CoercionInputShape.Float,
                        CoercionInputShape.Boolean)) {
                    config.setCoercion(shape, CoercionAction.Fail);
                }
            })
            .build();

    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(Long.class, Integer.class, Short.class, long.class, int.class, short.class,
            BigInteger.class);

    private Bodies() {
    }

    /** The body as the route's record: an optional body left out (or {@code null}) reads as {@code {}}. */
    static <B> B read(JsonNode json, AdminRoutes.Body<B> body) {
        if (body.type() == Void.class) {
            throw new IllegalStateException("this route takes no body");
        }
        JsonNode given = !body.required() && (json.isMissingNode() || json.isNull()) ? JsonNodeFactory.instance.objectNode() : json;
        if (!given.isObject()) {
            throw ApiProblem.invalid("(body)", "must be a JSON object");
        }
        try {
            return MAPPER.treeToValue(given, body.type());
        } catch (UnrecognizedPropertyException e) {
            var allowed = new TreeSet<String>();
            e.getKnownPropertyIds().forEach(id -> allowed.add(id.toString()));
            throw ApiProblem.invalid(field(e.getPath()), "unknown field; allowed: " + String.join(", ", allowed));
        } catch (JsonMappingException e) {
            if (e.getPath().isEmpty()) {
                throw ApiProblem.invalid("(body)", "must be a JSON object");
            }
            // Jackson says "missing" only for a required field; any other refusal is of a value that is there.
            boolean missing = at(given, e.getPath()).isMissingNode();
            throw ApiProblem.invalid(field(e.getPath()), missing ? "required" : expected(body.type(), e.getPath()));
        } catch (JsonProcessingException e) {
            throw ApiProblem.invalid("(body)", "must be a JSON object");
        }
    }

    /** The JSON path of the refused value: {@code variables[2].custom}. */
    static String field(List<JsonMappingException.Reference> path) {
        var field = new StringBuilder();
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(step.getFieldName());
            } else {
                field.append('[').append(step.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> path) {
        JsonNode node = root;
        for (JsonMappingException.Reference step : path) {
            node = step.getFieldName() != null ? node.path(step.getFieldName()) : node.path(step.getIndex());
        }
        return node;
    }

    /** What the value at {@code path} must be: the property's description, else what its type takes. */
    private static String expected(Class<?> root, List<JsonMappingException.Reference> path) {
        JavaType type = MAPPER.constructType(root);
        BeanPropertyDefinition property = null;
        for (JsonMappingException.Reference step : path) {
            property = null;
            if (step.getFieldName() == null || type.isMapLikeType()) {
                type = type.getContentType();
            } else {
                String name = step.getFieldName();
                property = MAPPER.getDeserializationConfig().introspect(type).findProperties().stream()
                        .filter(candidate -> candidate.getName().equals(name)).findFirst().orElse(null);
                if (property == null) {
                    return "not a field of this object";
                }
                type = property.getPrimaryType();
            }
        }
        String description = property == null ? null : property.getMetadata().getDescription();
        if (description != null) {
            return description;
        }
        Class<?> raw = type.getRawClass();
        if (raw == String.class) {
            return "must be a string";
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return "must be true or false";
        }
        if (WHOLE_NUMBERS.contains(raw)) {
            return "must be a whole number";
        }
        return type.isCollectionLikeType() || type.isArrayType() ? "must be an array" : "must be an object";
    }
}
