package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.application.ingest.IngestOutcome;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;
import dev.loyaltyrelay.application.ingest.WebhookRequest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.observability.FlushMetrics;
import dev.loyaltyrelay.observability.LogsWithRequestId;
import io.quarkus.logging.Log;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The ingest function: {@code POST /v1/webhooks/nector/{merchantId}} behind an HTTP API (payload v2).
 * Turns the API Gateway event into a {@link WebhookRequest}, enforcing the body limit before anything is
 * parsed, and the use case's {@link IngestOutcome} into the HTTP answer: the one place that knows ingest's statuses
 * and bodies. 2xx for everything a retry cannot change, 409 and 503 for what a retry will fix, 4xx with a reason code
 * for a request that is wrong.
 */
@Named("ingest")
@RegisterForReflection(targets = {IngestOutcome.Queued.class, IngestOutcome.Skipped.class})
public class IngestHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final String PATH_PREFIX = "/v1/webhooks/nector/";
    private final WebhookIngestion ingestion;
    private final ObjectMapper json;
    private final int maxBodyBytes;

    IngestHandler(WebhookIngestion ingestion, ObjectMapper json, RelayConfig config) {
        this.ingestion = ingestion;
        this.json = json;
        this.maxBodyBytes = config.ingest().maxBodyBytes();
    }

    @Override
    @FlushMetrics
    @LogsWithRequestId
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            Answer answer = handle(event);
            if (answer.status() >= 400 && answer.status() < 500) {
                // What was refused and why, for the operator; the path is the sender's, so only a safe part of it is written.
                Object reason = answer.body().getOrDefault("check", answer.body().get("error"));
                Log.infof("ingest: refused %d %s for merchant %s", answer.status(), reason, loggable(merchantIdOf(event)));
            }
            return respond(answer);
        } catch (RuntimeException | Error e) {
            // An Error too (an OutOfMemoryError from one request's data, a StackOverflowError): escaping, it would kill the
            // Lambda thread with no answer, and Nector's every retry would do the same.
            Log.errorf("ingest: unexpected %s", e.getClass().getName());
            // A defect, not the sender's fault: answered so that Nector retries.
            return respond(Answer.error(500, "internal_error", "unexpected error; retry later"));
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

    private Answer handle(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String method = http == null ? null : http.getMethod();
        if (method != null && !"POST".equalsIgnoreCase(method)) {
            return Answer.error(405, "method_not_allowed", "use POST");
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
                return Answer.error(400, "body_not_base64", "the body is marked base64-encoded but is not base64");
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
        return answer(ingestion.ingest(new WebhookRequest(merchantId, lowerCased(event.getHeaders()), bytes)));
    }

    private Answer tooLarge() {
        return Answer.error(413, "body_too_large", "the body exceeds " + maxBodyBytes + " bytes");
    }

    /** The HTTP answer to an outcome of ingestion. */
    static Answer answer(IngestOutcome outcome) {
        return switch (outcome) {
            case IngestOutcome.Accepted accepted -> new Answer(202, ordered("status", "accepted", "bodySignature", accepted.bodySignature().code(),
                    "queued", accepted.queued(), "skipped", accepted.skipped()));
            case IngestOutcome.Held held -> new Answer(202, ordered("status", "held", "reason", held.reason().code(), "detail", held.detail(),
                    "message", held.message()));
            case IngestOutcome.Ignored ignored -> new Answer(202, ordered("status", "ignored", "reason", ignored.reason().code(),
                    "message", ignored.message()));
            case IngestOutcome.Duplicate duplicate -> new Answer(200, ordered("status", "duplicate", "reason", duplicate.of().code()));
            case IngestOutcome.Refused refused -> switch (refused.refusal().kind()) {
                case UNAUTHENTIC -> new Answer(401, ordered("error", "unauthorized", "check", refused.refusal().code(), "message", refused.message()));
                case MALFORMED -> Answer.error(400, refused.refusal().code(), refused.message());
                case CONFLICT -> Answer.error(422, refused.refusal().code(), refused.message());
            };
            case IngestOutcome.RetryLater retry when retry.reason() == IngestOutcome.Wait.IN_PROGRESS -> new Answer(409, ordered("error",
                    retry.reason().code(), "message", retry.message(), "retryAfterSeconds", retry.retryAfter().orElseThrow().toSeconds()));
            case IngestOutcome.RetryLater retry -> new Answer(503, ordered("error", retry.reason().code(), "message", retry.message(),
                    "retryable", true));
        };
    }

    /** An HTTP answer: a status and a JSON object, its keys in the order written. */
    record Answer(int status, Map<String, Object> body) {
        static Answer error(int status, String error, String message) {
            return new Answer(status, ordered("error", error, "message", message));
        }
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, String> lowerCased(Map<String, String> headers) {
        var lower = new HashMap<String, String>();
        if (headers != null) {
            headers.forEach((name, value) -> lower.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b));
        }
        return lower;
    }

    private APIGatewayV2HTTPResponse respond(Answer answer) {
        String body;
        try {
            body = json.writeValueAsString(answer.body());
        } catch (JsonProcessingException e) {
            body = "{\"error\":\"internal_error\"}";
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(answer.status())
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(body)
                .build();
    }
}
