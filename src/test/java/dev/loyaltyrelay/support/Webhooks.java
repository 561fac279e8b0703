package dev.loyaltyrelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.NectorSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

/**
 * The sample webhooks in {@code events/} (the same files {@code sam local invoke -e} takes), and the few
 * changes the tests make to them. The samples are signed for the demo merchant at {@link #SIGNED_AT}.
 */
public final class Webhooks {

    public static final String DEMO_MERCHANT = "demo-store";
    public static final String DEMO_SECRET = "demo-webhook-secret-change-me";
    public static final Instant SIGNED_AT = Instant.ofEpochSecond(1_795_000_000L);
    static final ObjectMapper JSON = new ObjectMapper();

    private Webhooks() {
    }

    public static ObjectNode load(String file) {
        try {
            return (ObjectNode) JSON.readTree(Path.of("events", file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode headers(ObjectNode event) {
        return (ObjectNode) event.get("headers");
    }

    public static ObjectNode forMerchant(ObjectNode event, String merchantId) {
        String path = "/v1/webhooks/nector/" + merchantId;
        event.put("rawPath", path);
        ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
        ((ObjectNode) event.get("pathParameters")).put("merchantId", merchantId);
        return event;
    }

    public static ObjectNode withHeader(ObjectNode event, String name, String value) {
        headers(event).put(name, value);
        return event;
    }

    public static ObjectNode withoutHeader(ObjectNode event, String name) {
        headers(event).remove(name);
        return event;
    }

    public static ObjectNode withDeliveryId(ObjectNode event, String deliveryId) {
        return withHeader(event, "x-nector-delivery-id", deliveryId);
    }

    /** Replaces the body and signs it as Nector would (under the assumed HMAC scheme). */
    public static ObjectNode withSignedBody(ObjectNode event, String body) {
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return withHeader(event, "x-nector-webhook-hmac", NectorSignature.hexHmac(DEMO_SECRET, body.getBytes(StandardCharsets.UTF_8)));
    }

    /** Replaces the body and signs it under {@code scheme}, one of the two candidates Nector may use. */
    public static ObjectNode withSignedBody(ObjectNode event, String body, dev.loyaltyrelay.domain.BodySignatureScheme scheme) {
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return withHeader(event, "x-nector-webhook-hmac", NectorSignature.hexHmac(scheme, DEMO_SECRET, body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The body as a JSON object, to change a property and sign it again. */
    public static ObjectNode body(ObjectNode event) {
        try {
            return (ObjectNode) JSON.readTree(event.get("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode withSignedBody(ObjectNode event, JsonNode body) {
        try {
            return withSignedBody(event, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode base64Encoded(ObjectNode event) {
        String body = event.get("body").asText();
        event.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        return event;
    }

    public static String text(JsonNode event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
