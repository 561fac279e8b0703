package dev.loyaltyrelay.receipts;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.loyaltyrelay.application.receipts.ReceiptIntake;
import dev.loyaltyrelay.application.receipts.ReceiptIntake.Posted;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.observability.FlushMetrics;
import dev.loyaltyrelay.observability.LogsWithRequestId;
import io.quarkus.logging.Log;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The receipts function: {@code POST /v1/receipts/{provider}/{merchantId}/{integrationId}/{secret}} behind the HTTP API,
 * where each integration's provider posts delivery receipts and customers' replies. 200 for whatever was read (an
 * unknown message, an event of another kind, a body that does not read: a retry would not change them, and a provider
 * that keeps being refused disables the webhook); 404 for a URL that is not a receipt URL or a wrong secret, alike; 413
 * for a body over 256 KiB or more than 500 events; 503 when the store cannot be reached, so the provider tries again. The secret is never
 * logged.
 */
@Named("receipts")
public class ReceiptHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final String PATH_PREFIX = "/v1/receipts/";
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final ReceiptIntake intake;

    ReceiptHandler(ReceiptIntake intake) {
        this.intake = intake;
    }

    @Override
    @FlushMetrics
    @LogsWithRequestId
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            return handle(event);
        } catch (StoreUnavailable unavailable) {
            Log.warnf("receipts: store unavailable (%s); the provider will post again", unavailable.getMessage());
            return respond(503, "{\"error\":\"store_unavailable\"}");
        } catch (RuntimeException | Error e) {
            // An Error too: escaping, it would leave the provider without an answer, and its every retry would do the same.
            Log.errorf("receipts: unexpected %s", e.getClass().getName());
            return respond(500, "{\"error\":\"internal_error\"}");
        }
    }

    private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        if (http != null && http.getMethod() != null && !"POST".equalsIgnoreCase(http.getMethod())) {
            return respond(405, "{\"error\":\"method_not_allowed\"}");
        }
        String[] parts = pathParts(event);
        if (parts == null) {
            return respond(404, "{\"error\":\"not_found\"}");
        }
        String body = event.getBody() == null ? "" : event.getBody();
        if (body.length() > (event.getIsBase64Encoded() ? (MAX_BODY_BYTES + 2) / 3 * 4 : MAX_BODY_BYTES)) {
            return respond(413, "{\"error\":\"body_too_large\"}");
        }
        byte[] bytes;
        try {
            bytes = event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            bytes = new byte[0];
        }
        if (bytes.length > MAX_BODY_BYTES) {
            return respond(413, "{\"error\":\"body_too_large\"}");
        }
        return switch (intake.accept(new Posted(parts[0], parts[1], parts[2], parts[3], bytes))) {
            case ReceiptIntake.Taken taken -> respond(200, "{\"receipts\":" + taken.receipts() + ",\"replies\":" + taken.replies() + "}");
            case ReceiptIntake.NotFound notFound -> respond(404, "{\"error\":\"not_found\"}");
            case ReceiptIntake.TooMany tooMany -> respond(413, "{\"error\":\"too_many_events\"}");
        };
    }

    /** provider, merchant, integration and secret, from the path parameters or the raw path; null when any is missing. */
    static String[] pathParts(APIGatewayV2HTTPEvent event) {
        Map<String, String> parameters = event.getPathParameters();
        if (parameters != null && parameters.get("secret") != null) {
            String[] parts = {parameters.get("provider"), parameters.get("merchantId"), parameters.get("integrationId"), parameters.get("secret")};
            return complete(parts) ? parts : null;
        }
        String path = event.getRawPath();
        if (path == null || !path.startsWith(PATH_PREFIX)) {
            return null;
        }
        String[] parts = path.substring(PATH_PREFIX.length()).split("/", -1);
        return parts.length == 4 && complete(parts) ? parts : null;
    }

    private static boolean complete(String[] parts) {
        for (String part : parts) {
            if (part == null || part.isEmpty() || part.length() > 128) {
                return false;
            }
        }
        return true;
    }

    private static APIGatewayV2HTTPResponse respond(int status, String body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(Map.of("content-type", "application/json"))
                .withBody(body).build();
    }
}
