package dev.loyaltyrelay.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.loyaltyrelay.application.LogContext;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.observability.FlushMetrics;
import dev.loyaltyrelay.observability.LogsWithRequestId;
import io.quarkus.logging.Log;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The admin function ({@code QUARKUS_LAMBDA_HANDLER=admin}) behind the HTTP API's {@code /v1/admin/...} routes:
 * authenticates the caller, routes the call, and answers JSON or {@code application/problem+json}.
 */
@Named("admin")
public class AdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    static final int MAX_BODY_BYTES = AdminRoutes.Body.MAX_BYTES;
    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    AdminRoutes routes;
    @Inject
    AdminAuth auth;
    @Inject
    ObjectMapper json;

    @Override
    @FlushMetrics
    @LogsWithRequestId
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            return respond(handle(event));
        } catch (ApiProblem problem) {
            return problem(problem);
        } catch (StoreUnavailable e) {
            Log.warnf("admin: store unavailable (%s)", e.getMessage());
            return problem(new ApiProblem(503, "store_unavailable", "the store is unavailable; retry later"));
        } catch (QueueUnavailable e) {
            Log.warnf("admin: queue unavailable (%s)", e.getMessage());
            return problem(new ApiProblem(503, "queue_unavailable", "a queue is unavailable; retry later"));
        } catch (SecretCipher.KeyServiceUnavailable e) {
            Log.warnf("admin: key service unavailable (%s)", e.getMessage());
            return problem(new ApiProblem(503, "key_service_unavailable", "the key service is unavailable; retry later"));
        } catch (Throwable e) {
            // Errors too: the function answers every request rather than losing its thread.
            Log.errorf("admin: unexpected %s", e.getClass().getName());
            return problem(new ApiProblem(500, "internal_error", "unexpected error"));
        }
    }

    private AdminResponse<?> handle(APIGatewayV2HTTPEvent event) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String method = http == null || http.getMethod() == null ? "GET" : http.getMethod().toUpperCase(Locale.ROOT);
        String path = event.getRawPath() != null ? event.getRawPath() : http == null ? "" : http.getPath();
        Map<String, String> headers = lowerCased(event.getHeaders());
        AdminRoutes.Match match = routes.match(method, path);
        AdminAuth.Caller caller = auth.authenticate(headers.get("authorization"));
        String merchantId = match.pathParams().get("merchantId");
        if (merchantId != null && !caller.reaches(merchantId)) {
            throw new ApiProblem(403, "forbidden", "this key does not reach that merchant");
        }
        if (match.route().operatorOnly() && !(caller instanceof AdminAuth.Operator)) {
            throw new ApiProblem(403, "forbidden", "this route needs the operator key");
        }
        // Only once the caller may reach it: an id that reaches nothing names no merchant in the logs.
        LogContext.merchant(merchantId);
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
        return routes.handle(match, caller, query, body(event, match.route().body().maxBytes()));
    }

    private JsonNode body(APIGatewayV2HTTPEvent event, int maxBytes) {
        String body = event.getBody();
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            try {
                bytes = Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw new ApiProblem(400, "invalid_body", "the body is marked base64-encoded but is not base64");
            }
        } else {
            bytes = body.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > maxBytes) {
            throw new ApiProblem(413, "body_too_large", "the body exceeds " + maxBytes + " bytes");
        }
        try {
            return json.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new ApiProblem(400, "invalid_json", "the body is not JSON");
        }
    }

    private static Map<String, String> lowerCased(Map<String, String> headers) {
        var lower = new HashMap<String, String>();
        if (headers != null) {
            headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        }
        return lower;
    }

    private APIGatewayV2HTTPResponse respond(AdminResponse<?> response) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(Map.of("content-type", "application/json", "cache-control", "no-store"))
                .withBody(response.body() == null ? "" : write(response.body()))
                .build();
    }

    private APIGatewayV2HTTPResponse problem(ApiProblem problem) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(problem.status())
                .withHeaders(Map.of("content-type", "application/problem+json", "cache-control", "no-store"))
                .withBody(write(problem.body()))
                .build();
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable", e);
        }
    }

}
