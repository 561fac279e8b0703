package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks the values of a bound body and of the query, field by field; every refusal names the field and the rule,
 * never the value. (The JSON types are {@link Bodies}' business: here a value already has its record's type.)
 */
final class Fields {

    private Fields() {
    }

    // ---- body values -------------------------------------------------------------------------------------

    /** The text trimmed, or empty when left out; refused when blank or longer than {@code maxLength}. */
    static Optional<String> text(String field, String value, int maxLength) {
        if (value == null) {
            return Optional.empty();
        }
        String text = value.trim();
        if (text.isEmpty()) {
            throw ApiProblem.invalid(field, "must not be empty");
        }
        if (text.length() > maxLength) {
            throw ApiProblem.invalid(field, "at most " + maxLength + " characters");
        }
        return Optional.of(text);
    }

    static String requiredText(String field, String value, int maxLength) {
        return text(field, value, maxLength).orElseThrow(() -> ApiProblem.invalid(field, "required"));
    }

    static Optional<Long> whole(String field, Long value, long min, long max) {
        if (value != null && (value < min || value > max)) {
            throw ApiProblem.invalid(field, "must be between " + min + " and " + max);
        }
        return Optional.ofNullable(value);
    }

    static <T> Optional<T> choice(String field, String value, Function<String, Optional<T>> parse, String allowed) {
        return text(field, value, 64).map(text -> parse.apply(text).orElseThrow(() -> ApiProblem.invalid(field, "must be one of " + allowed)));
    }

    /** An object of string fields (credentials), refusing non-strings. */
    static Map<String, String> stringMap(String name, JsonNode value) {
        if (value == null || !value.isObject()) {
            throw ApiProblem.invalid(name, "required, an object of strings");
        }
        var map = new LinkedHashMap<String, String>();
        value.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual() || entry.getValue().asText().isBlank()) {
                throw ApiProblem.invalid(name + "." + entry.getKey(), "must be a non-empty string");
            }
            if (entry.getValue().asText().length() > 512) {
                throw ApiProblem.invalid(name + "." + entry.getKey(), "at most 512 characters");
            }
            // Credentials travel in headers and query strings: a control character could never be sent.
            if (entry.getValue().asText().trim().chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.invalid(name + "." + entry.getKey(), "must not contain control characters (line breaks, tabs)");
            }
            map.put(entry.getKey(), entry.getValue().asText().trim());
        });
        return map;
    }

    // ---- query values ------------------------------------------------------------------------------------

    static <E extends Enum<E>> E enumValue(Class<E> type, String field, String text) {
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(field, "one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    static int wholeNumber(String field, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw ApiProblem.invalid(field, "between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid(field, "a whole number");
        }
    }

    static Instant instant(String field, String text) {
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(field, "an ISO 8601 date or instant, e.g. 2026-11-18 or 2026-11-18T10:00:00Z");
        }
    }

    static LocalDate date(String field, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(field, "an ISO 8601 date, e.g. 2026-11-18");
        }
    }

    /** An instant as the answers write it (ISO 8601, UTC), or null. */
    static String timestamp(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
