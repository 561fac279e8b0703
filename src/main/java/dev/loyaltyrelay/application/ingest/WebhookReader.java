package dev.loyaltyrelay.application.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refusal;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refused;
import dev.loyaltyrelay.config.RelayConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads an authentic webhook: its body as strict JSON under the limits (UTF-8, nesting, string and number lengths, no
 * duplicate keys, numbers that can be written out), then its topic and delivery id headers.
 */
final class WebhookReader {

    /**
     * Written out in full (no exponent), a number in a webhook has at most this many digits. Jackson's number-length
     * limit counts the characters as written, so {@code 1E2147483647} passes it as twelve characters; written out it
     * is a String or BigInteger too large for any heap, and any step that writes it out (a mobile sent as a number,
     * rendering) dies of OutOfMemoryError. Every double (at most about 330 digits) fits.
     */
    static final int MAX_NUMBER_DIGITS = 1_000;


    private final ObjectMapper strictJson;

    WebhookReader(RelayConfig.Ingest limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxBodyBytes())
                        .maxNumberLength(64)
                        .build())
                .build();
        this.strictJson = JsonMapper.builder(factory)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** @throws WebhookRequest.AmbiguousHeader when the topic or delivery id header is repeated with different values */
    Step<WebhookEvent> read(WebhookRequest request) {
        if (!isUtf8(request.body())) {
            // JSON is UTF-8 (RFC 8259). Jackson reads overlong and surrogate sequences, but the text Java decodes from
            // them is not the body that was signed, and can be three times its size (held, it would not fit an item).
            return malformed(Refusal.INVALID_JSON, "the body is not well-formed JSON: it is not valid UTF-8");
        }
        JsonNode body;
        try {
            body = strictJson.readTree(request.body());
        } catch (StreamConstraintsException e) {
            return malformed(Refusal.BODY_TOO_COMPLEX, "the body exceeds the JSON limits (nesting depth, string or number length)");
        } catch (IOException e) {
            return malformed(Refusal.INVALID_JSON, "the body is not well-formed JSON");
        } catch (NumberFormatException exponentBeyondBigDecimal) {
            return numberOutOfRange();
        }
        if (!numbersWithinBounds(body)) {
            return numberOutOfRange();
        }
        if (body == null || !body.isObject()) {
            return malformed(Refusal.BODY_NOT_OBJECT, "the body must be a JSON object");
        }
        Optional<String> topic = request.single(NectorHeaders.TOPIC);
        if (topic.isEmpty()) {
            return malformed(Refusal.TOPIC_MISSING, NectorHeaders.TOPIC + " is missing");
        }
        Optional<String> deliveryId = request.single(NectorHeaders.DELIVERY_ID);
        if (deliveryId.isEmpty() || !NectorHeaders.isDeliveryId(deliveryId.get())) {
            return malformed(Refusal.DELIVERY_ID_INVALID, NectorHeaders.DELIVERY_ID + " is missing or not 1 to 128 visible ASCII characters");
        }
        return Step.proceed(new WebhookEvent(topic.get(), deliveryId.get(), body, toProperties(body)));
    }

    static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }

    /** Whether every number in the tree stays within {@link #MAX_NUMBER_DIGITS} (the tree is at most 16 deep). */
    static boolean numbersWithinBounds(JsonNode node) {
        if (node == null) {
            return true;
        }
        if (node.isBigDecimal()) {
            return writtenOutDigits(node.decimalValue()) <= MAX_NUMBER_DIGITS;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (!numbersWithinBounds(child)) {
                    return false;
                }
            }
        }
        // Integers without an exponent are written out already, and bounded by Jackson's number length.
        return true;
    }

    /** Digits of the number without an exponent: 1E+3 has 4, 100.50 has 5, 0.001 has 4; in long, as scale may be ±2^31. */
    static long writtenOutDigits(BigDecimal number) {
        long precision = number.precision();
        long scale = number.scale();
        return scale <= 0 ? precision - scale : Math.max(precision, scale + 1);
    }

    private Map<String, Object> toProperties(JsonNode body) {
        var properties = new LinkedHashMap<String, Object>();
        body.fields().forEachRemaining(field -> properties.put(field.getKey(), strictJson.convertValue(field.getValue(), Object.class)));
        return properties;
    }

    private static Step<WebhookEvent> numberOutOfRange() {
        return malformed(Refusal.NUMBER_OUT_OF_RANGE,
                "a number in the body has more than " + MAX_NUMBER_DIGITS + " digits when written out without its exponent");
    }

    private static Step<WebhookEvent> malformed(Refusal refusal, String message) {
        return Step.stop(new Refused(refusal, message));
    }
}
