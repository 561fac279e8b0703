package dev.loyaltyrelay.store;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Page cursors: a query's last evaluated key (string attributes only) as opaque base64url text. A cursor that
 * does not decode is treated as the start: it can only come from a client's mistake.
 */
final class Cursors {

    private Cursors() {
    }

    static String encode(Map<String, AttributeValue> key) {
        if (key == null || key.isEmpty()) {
            return null;
        }
        var text = new StringBuilder();
        new java.util.TreeMap<>(key).forEach((name, value) -> text.append(name).append('\u0001').append(value.s()).append('\u0002'));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Where the page after {@code response} starts, or null when it was the last. */
    static Map<String, AttributeValue> next(QueryResponse response) {
        return response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
    }

    static Map<String, AttributeValue> decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            var key = new LinkedHashMap<String, AttributeValue>();
            for (String pair : text.split("\u0002")) {
                if (pair.isEmpty()) {
                    continue;
                }
                String[] parts = pair.split("\u0001", 2);
                if (parts.length != 2) {
                    throw new IllegalArgumentException("cursor");
                }
                key.put(parts[0], AttributeValue.fromS(parts[1]));
            }
            return key.isEmpty() ? null : key;
        } catch (IllegalArgumentException e) {
            throw new dev.loyaltyrelay.domain.DeliveryLedger.InvalidCursor();
        }
    }
}
