package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a body record, as Jackson binds it (a request) or writes it (an answer), with a schema of an OpenAPI document:
 * the same property names (a request leaves out the schema's {@code readOnly} ones, an answer its {@code writeOnly}
 * ones), the same required ones ({@code @JsonProperty(required = true)}), a request schema that refuses other fields as
 * the binding does, compatible JSON types, and the same again for every nested record, list item, map value and
 * {@code oneOf} branch (one per permitted type of a sealed interface, in order). Each difference is one line.
 */
final class RecordSchemas {

    enum Direction {
        REQUEST, ANSWER
    }

    private final Map<String, Object> document;
    private final ObjectMapper requests;
    private final ObjectMapper answers;

    /**
     * @param document the OpenAPI document, as YAML loads it
     * @param requests the mapper request bodies are bound with
     * @param answers  the mapper answers are written with
     */
    RecordSchemas(Map<String, Object> document, ObjectMapper requests, ObjectMapper answers) {
        this.document = document;
        this.requests = requests;
        this.answers = answers;
    }

    /** Every difference between the record (or list, map, sealed interface of records) and the schema; empty when they agree. */
    List<String> differences(String where, Type type, Object schema, Direction direction) {
        List<String> out = new ArrayList<>();
        ObjectMapper mapper = direction == Direction.REQUEST ? requests : answers;
        compare(where, mapper.constructType(type), resolve(schema), direction, out);
        return out;
    }

    private void compare(String where, JavaType type, Map<String, Object> schema, Direction direction, List<String> out) {
        Class<?> raw = type.getRawClass();
        if (JsonNode.class.isAssignableFrom(raw) || raw == Object.class) {
            return;
        }
        if (raw.isSealed()) {
            compareBranches(where, raw, schema, direction, out);
            return;
        }
        String kind = kindOf(type);
        Set<String> documented = kinds(schema);
        if (!documented.isEmpty() && !documented.contains(kind) && !(kind.equals("integer") && documented.contains("number"))) {
            out.add(where + ": the record has " + kind + ", the document " + documented);
            return;
        }
        switch (kind) {
            case "array" -> {
                if (schema.get("items") != null) {
                    compare(where + "[]", type.getContentType(), resolve(schema.get("items")), direction, out);
                }
            }
            case "object" -> {
                if (type.isMapLikeType()) {
                    if (schema.get("additionalProperties") instanceof Map<?, ?> values) {
                        compare(where + ".*", type.getContentType(), resolve(values), direction, out);
                    }
                } else {
                    compareObject(where, type, schema, direction, out);
                }
            }
            default -> {
            }
        }
    }

    private void compareBranches(String where, Class<?> sealed, Map<String, Object> schema, Direction direction, List<String> out) {
        Class<?>[] permitted = sealed.getPermittedSubclasses();
        if (!(schema.get("oneOf") instanceof List<?> branches) || branches.size() != permitted.length) {
            out.add(where + ": the record is one of " + permitted.length + " types, the document has no oneOf of as many");
            return;
        }
        ObjectMapper mapper = direction == Direction.REQUEST ? requests : answers;
        for (int i = 0; i < permitted.length; i++) {
            compare(where + "<" + permitted[i].getSimpleName() + ">", mapper.constructType(permitted[i]), resolve(branches.get(i)), direction, out);
        }
    }

    @SuppressWarnings("unchecked")
    private void compareObject(String where, JavaType type, Map<String, Object> schema, Direction direction, List<String> out) {
        Map<String, BeanPropertyDefinition> properties = properties(type, direction);
        Map<String, Object> documented = new LinkedHashMap<>();
        ((Map<String, Object>) schema.getOrDefault("properties", Map.of())).forEach((name, property) -> {
            Map<String, Object> resolved = resolve(property);
            boolean hidden = direction == Direction.REQUEST ? Boolean.TRUE.equals(resolved.get("readOnly"))
                    : Boolean.TRUE.equals(resolved.get("writeOnly"));
            if (!hidden) {
                documented.put(name, resolved);
            }
        });
        String record = type.getRawClass().getSimpleName();
        for (String name : properties.keySet()) {
            if (!documented.containsKey(name)) {
                out.add(where + ": " + name + " is in " + record + ", not in the document");
            }
        }
        for (String name : documented.keySet()) {
            if (!properties.containsKey(name)) {
                out.add(where + ": " + name + " is in the document, not in " + record);
            }
        }
        Set<String> required = new TreeSet<>();
        properties.forEach((name, property) -> {
            if (property.isRequired()) {
                required.add(name);
            }
        });
        Set<String> requiredInDocument = new TreeSet<>((Collection<String>) schema.getOrDefault("required", List.of()));
        if (!required.equals(requiredInDocument)) {
            out.add(where + ": " + record + " requires " + required + ", the document " + requiredInDocument);
        }
        if (direction == Direction.REQUEST && !Boolean.FALSE.equals(schema.get("additionalProperties"))
                && !Boolean.FALSE.equals(schema.get("unevaluatedProperties"))) {
            out.add(where + ": " + record + " refuses unknown fields, the document allows them (additionalProperties: false)");
        }
        properties.forEach((name, property) -> {
            if (documented.get(name) instanceof Map<?, ?> propertySchema) {
                compare(where + "." + name, property.getPrimaryType(), (Map<String, Object>) propertySchema, direction, out);
            }
        });
    }

    /** The record's JSON properties as the direction's mapper sees them, an unwrapped record's in its place. */
    private Map<String, BeanPropertyDefinition> properties(JavaType type, Direction direction) {
        MapperConfig<?> config = direction == Direction.REQUEST ? requests.getDeserializationConfig() : answers.getSerializationConfig();
        List<BeanPropertyDefinition> found = direction == Direction.REQUEST ? requests.getDeserializationConfig().introspect(type).findProperties()
                : answers.getSerializationConfig().introspect(type).findProperties();
        Map<String, BeanPropertyDefinition> properties = new LinkedHashMap<>();
        for (BeanPropertyDefinition property : found) {
            if (property.getPrimaryMember() != null && config.getAnnotationIntrospector().findUnwrappingNameTransformer(property.getPrimaryMember()) != null) {
                properties.putAll(properties(property.getPrimaryType(), direction));
            } else {
                properties.put(property.getName(), property);
            }
        }
        return properties;
    }

    private static String kindOf(JavaType type) {
        Class<?> raw = type.getRawClass();
        if (raw == String.class || raw.isEnum()) {
            return "string";
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return "boolean";
        }
        if (raw == Long.class || raw == long.class || raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class) {
            return "integer";
        }
        if (Number.class.isAssignableFrom(raw) || raw == double.class || raw == float.class) {
            return "number";
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "array";
        }
        return "object";
    }

    /** The JSON types the schema admits ({@code type}, or what its {@code enum} or {@code const} holds); empty when it says nothing. */
    private static Set<String> kinds(Map<String, Object> schema) {
        Set<String> kinds = new LinkedHashSet<>();
        Object type = schema.get("type");
        if (type instanceof String one) {
            kinds.add(one);
        } else if (type instanceof List<?> several) {
            several.forEach(kind -> kinds.add(String.valueOf(kind)));
        } else if (schema.get("enum") instanceof List<?> values) {
            values.forEach(value -> kinds.add(kindOfValue(value)));
        } else if (schema.containsKey("const")) {
            kinds.add(kindOfValue(schema.get("const")));
        }
        return kinds;
    }

    private static String kindOfValue(Object value) {
        return value == null ? "null" : value instanceof String ? "string" : value instanceof Boolean ? "boolean"
                : value instanceof Integer || value instanceof Long ? "integer" : value instanceof Number ? "number" : "object";
    }

    /** The schema with its {@code $ref} followed and its {@code allOf} merged in. */
    @SuppressWarnings("unchecked")
    Map<String, Object> resolve(Object schema) {
        Map<String, Object> given = (Map<String, Object>) schema;
        if (given.get("$ref") instanceof String ref) {
            Object target = document;
            for (String step : ref.substring(2).split("/")) {
                target = ((Map<String, Object>) target).get(step);
            }
            if (target == null) {
                throw new IllegalArgumentException("unresolved " + ref);
            }
            return resolve(target);
        }
        if (!(given.get("allOf") instanceof List<?> parts)) {
            return given;
        }
        Map<String, Object> merged = new LinkedHashMap<>(given);
        merged.remove("allOf");
        Map<String, Object> properties = new LinkedHashMap<>();
        Set<Object> required = new LinkedHashSet<>((Collection<Object>) given.getOrDefault("required", List.of()));
        for (Object part : parts) {
            Map<String, Object> resolved = resolve(part);
            properties.putAll((Map<String, Object>) resolved.getOrDefault("properties", Map.of()));
            required.addAll((Collection<Object>) resolved.getOrDefault("required", List.of()));
            resolved.forEach(merged::putIfAbsent);
        }
        properties.putAll((Map<String, Object>) given.getOrDefault("properties", Map.of()));
        merged.put("properties", properties);
        merged.put("required", List.copyOf(required));
        return merged;
    }
}
