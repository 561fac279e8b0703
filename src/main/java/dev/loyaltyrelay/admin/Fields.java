package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Reads a JSON body field by field; every refusal names the field and the rule, never the value. */
final class Fields {

    private final JsonNode body;
    private final String prefix;

    private Fields(JsonNode body, String prefix) {
        this.body = body;
        this.prefix = prefix;
    }

    static Fields of(JsonNode body) {
        if (!body.isObject()) {
            throw ApiProblem.invalid("(body)", "must be a JSON object");
        }
        return new Fields(body, "");
    }

    static Fields optionalBody(JsonNode body) {
        return body.isMissingNode() || body.isNull() ? new Fields(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), "")
                : of(body);
    }

    /** Refuses any field not in {@code allowed}: a misspelt field must not be silently ignored. */
    Fields only(Set<String> allowed) {
        body.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw ApiProblem.invalid(prefix + name, "unknown field; allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        });
        return this;
    }

    boolean has(String name) {
        return body.has(name) && !body.get(name).isNull();
    }

    JsonNode node(String name) {
        return body.path(name);
    }

    String requiredText(String name, int maxLength) {
        return optionalText(name, maxLength).orElseThrow(() -> ApiProblem.invalid(prefix + name, "required"));
    }

    Optional<String> optionalText(String name, int maxLength) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiProblem.invalid(prefix + name, "must be a string");
        }
        String text = value.asText().trim();
        if (text.isEmpty()) {
            throw ApiProblem.invalid(prefix + name, "must not be empty");
        }
        if (text.length() > maxLength) {
            throw ApiProblem.invalid(prefix + name, "at most " + maxLength + " characters");
        }
        return Optional.of(text);
    }

    Optional<Boolean> optionalBoolean(String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw ApiProblem.invalid(prefix + name, "must be true or false");
        }
        return Optional.of(value.asBoolean());
    }

    Optional<Long> optionalWhole(String name, long min, long max) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw ApiProblem.invalid(prefix + name, "must be a whole number");
        }
        long number = value.asLong();
        if (number < min || number > max) {
            throw ApiProblem.invalid(prefix + name, "must be between " + min + " and " + max);
        }
        return Optional.of(number);
    }

    <T> Optional<T> optionalChoice(String name, Function<String, Optional<T>> parse, String allowed) {
        return optionalText(name, 64).map(text -> parse.apply(text)
                .orElseThrow(() -> ApiProblem.invalid(prefix + name, "must be one of " + allowed)));
    }

    /** An object of string fields (credentials), refusing non-strings. */
    Map<String, String> stringMap(String name) {
        JsonNode value = body.get(name);
        if (value == null || !value.isObject()) {
            throw ApiProblem.invalid(prefix + name, "required, an object of strings");
        }
        var map = new LinkedHashMap<String, String>();
        value.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual() || entry.getValue().asText().isBlank()) {
                throw ApiProblem.invalid(prefix + name + "." + entry.getKey(), "must be a non-empty string");
            }
            if (entry.getValue().asText().length() > 512) {
                throw ApiProblem.invalid(prefix + name + "." + entry.getKey(), "at most 512 characters");
            }
            // Credentials travel in headers and query strings: a control character could never be sent.
            if (entry.getValue().asText().trim().chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.invalid(prefix + name + "." + entry.getKey(), "must not contain control characters (line breaks, tabs)");
            }
            map.put(entry.getKey(), entry.getValue().asText().trim());
        });
        return map;
    }
}
