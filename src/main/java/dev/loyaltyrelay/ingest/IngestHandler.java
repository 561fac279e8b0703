package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.application.ingest.IngestReply;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;
import dev.loyaltyrelay.application.ingest.WebhookRequest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.RelayMetrics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ingest function: {@code POST /v1/webhooks/nector/{merchantId}} behind an HTTP API (payload v2).
 * Turns the API Gateway event into a {@link WebhookRequest}, enforcing the body limit before anything is
 * parsed, and the reply back into an API Gateway response.
 */
@Named("ingest")
@RegisterForReflection(targets = {IngestReply.Queued.class, IngestReply.Skipped.class})
public class IngestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final String PATH_PREFIX = "/v1/webhooks/nector/";
    private final WebhookIngestion ingestion;
    private final ObjectMapper json;
    private final int maxBodyBytes;

    private final RelayMetrics metrics;

    IngestHandler(WebhookIngestion ingestion, ObjectMapper json, RelayConfig config, RelayMetrics metrics) {
        this.ingestion = ingestion;
        this.metrics = metrics;
        this.json = json;
        this.maxBodyBytes = config.ingest().maxBodyBytes();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            IngestReply reply = handle(event);
            if (reply.status() >= 400 && reply.status() < 500) {
                // What was refused and why, for the operator; the path is the sender's, so only a safe part of it is written.
                Object reason = reply.body().getOrDefault("check", reply.body().get("error"));
                Log.infof("ingest: refused %d %s for merchant %s", reply.status(), reason, loggable(merchantIdOf(event)));
            }
            return respond(reply);
        } catch (RuntimeException | Error e) {
            // An Error too (an OutOfMemoryError from one request's data, a StackOverflowError): escaping, it would kill the
            // Lambda thread with no answer, and Nector's every retry would do the same.
            Log.errorf("ingest: unexpected %s", e.getClass().getName());
            return respond(IngestReply.internalError());
        } finally {
            metrics.flush();
        }
    }

    private static String merchantIdOf(APIGatewayV2HTTPEvent event) {
        return event.getPathParameters() == null ? null : event.getPathParameters().get("merchantId");
    }

    /** At most 64 characters of letters, digits, '.', '_' and '-': nothing a sender can use to forge or break a log line. */
    static String loggable(String value) {
        if (value == null) {
            return "-";
        }
        String safe = value.codePoints().limit(64).map(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-') ? c : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return value.codePointCount(0, value.length()) > 64 ? safe + "..." : safe;
    }

    private IngestReply handle(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String method = http == null ? null : http.getMethod();
        if (method != null && !"POST".equalsIgnoreCase(method)) {
            return IngestReply.badRequest(405, "method_not_allowed", "use POST");
        }
        String merchantId = event.getPathParameters() == null ? null : event.getPathParameters().get("merchantId");
        if (merchantId == null && event.getRawPath() != null && event.getRawPath().startsWith(PATH_PREFIX)) {
            merchantId = event.getRawPath().substring(PATH_PREFIX.length());
        }
        String body = event.getBody() == null ? "" : event.getBody();
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            if (body.length() > (maxBodyBytes + 2L) / 3 * 4) {
                return tooLarge();
            }
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                return IngestReply.badRequest(400, "body_not_base64", "the body is marked base64-encoded but is not base64");
            }
        } else {
            if (body.length() > maxBodyBytes) {
                return tooLarge();
            }
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > maxBodyBytes) {
            return tooLarge();
        }
        return ingestion.ingest(new WebhookRequest(merchantId, lowerCased(event.getHeaders()), bytes));
    }

    private IngestReply tooLarge() {
        return IngestReply.badRequest(413, "body_too_large", "the body exceeds " + maxBodyBytes + " bytes");
    }

    private static Map<String, String> lowerCased(Map<String, String> headers) {
        var lower = new HashMap<String, String>();
        if (headers != null) {
            headers.forEach((name, value) -> lower.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b));
        }
        return lower;
    }

    private APIGatewayV2HTTPResponse respond(IngestReply reply) {
        String body;
        try {
            body = json.writeValueAsString(reply.body());
        } catch (JsonProcessingException e) {
            body = "{\"error\":\"internal_error\"}";
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(reply.status())
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body)
                .build();
    }
}
