package dev.loyaltyrelay.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.loyaltyrelay.admin.AdminHandler;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.receipts.ReceiptHandler;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the local front hands each request to: the same routes as API Gateway (the webhook, the admin API and the receipt
 * URLs, each passed to its handler as an HTTP API payload v2 event), the provider sandbox, the outbox and a customer's
 * reply (the sandbox's Zoko posts it to the receipt URL).
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class LocalRoutes {

    static final String WEBHOOK_PREFIX = "/v1/webhooks/nector/";
    static final String ADMIN_PREFIX = "/v1/admin/";
    static final String RECEIPTS_PREFIX = "/v1/receipts/";
    private final IngestHandler ingest;
    private final AdminHandler admin;
    private final ReceiptHandler receipts;
    private final Sandbox sandbox;
    private Function<Map<String, Object>, Map<String, Object>> dispatcher;

    LocalRoutes(IngestHandler ingest, AdminHandler admin, ReceiptHandler receipts, Sandbox sandbox) {
        this.ingest = ingest;
        this.admin = admin;
        this.receipts = receipts;
        this.sandbox = sandbox;
    }

    /** Registers this application with the front; every call runs with this application's class loader. */
    void register() {
        ClassLoader applicationLoader = Thread.currentThread().getContextClassLoader();
        dispatcher = request -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(applicationLoader);
            try {
                return dispatch(request);
            } finally {
                thread.setContextClassLoader(previous);
            }
        };
        LocalFront.register(dispatcher);
    }

    void unregister() {
        if (dispatcher != null) {
            LocalFront.unregister(dispatcher);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> dispatch(Map<String, Object> request) {
        String method = (String) request.get("method");
        String path = (String) request.get("path");
        Map<String, String> headers = (Map<String, String>) request.get("headers");
        byte[] body = (byte[]) request.get("body");
        String query = (String) request.get("query");
        if (path.startsWith(WEBHOOK_PREFIX) && path.length() > WEBHOOK_PREFIX.length()) {
            var event = event(method, path, query, headers, body, "POST /v1/webhooks/nector/{merchantId}");
            event.setPathParameters(Map.of("merchantId", path.substring(WEBHOOK_PREFIX.length())));
            return gateway(ingest.handleRequest(event, null));
        }
        if (path.startsWith(ADMIN_PREFIX)) {
            return gateway(admin.handleRequest(event(method, path, query, headers, body, "ANY /v1/admin/{proxy+}"), null));
        }
        if (path.startsWith(Sandbox.PREFIX)) {
            return sandbox.answer(method, path, body);
        }
        if (path.equals("/local/outbox") && method.equals("GET")) {
            return sandbox.outbox();
        }
        if (path.equals("/local/customer-reply") && method.equals("POST")) {
            return sandbox.customerReply(body);
        }
        if (path.startsWith(RECEIPTS_PREFIX)) {
            return gateway(receipts.handleRequest(event(method, path, query, headers, body,
                    "POST /v1/receipts/{provider}/{merchantId}/{integrationId}/{secret}"), null));
        }
        return response(404, "application/json", "{\"error\":\"no_such_route\",\"routes\":[\"POST /v1/webhooks/nector/{merchantId}\","
                + "\"/v1/admin/... (docs/openapi.yaml)\",\"GET /local/outbox\",\"/local/sandbox/{provider}/...\"]}");
    }

    private static APIGatewayV2HTTPEvent event(String method, String path, String query, Map<String, String> headers, byte[] body,
            String routeKey) {
        var event = new APIGatewayV2HTTPEvent();
        event.setVersion("2.0");
        event.setRouteKey(routeKey);
        event.setRawPath(path);
        event.setRawQueryString(query);
        event.setHeaders(headers);
        event.setQueryStringParameters(queryParameters(query));
        var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod(method);
        http.setPath(path);
        http.setProtocol("HTTP/1.1");
        http.setSourceIp("127.0.0.1");
        var context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        context.setStage("$default");
        context.setRouteKey(routeKey);
        event.setRequestContext(context);
        boolean text = isText(body);
        event.setIsBase64Encoded(!text);
        event.setBody(body.length == 0 ? null : text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        return event;
    }

    /** API Gateway base64-encodes bodies that are not valid UTF-8 text. */
    private static boolean isText(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static Map<String, String> queryParameters(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        var parameters = new LinkedHashMap<String, String>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static Map<String, Object> gateway(APIGatewayV2HTTPResponse response) {
        Map<String, String> headers = new HashMap<>(response.getHeaders() == null ? Map.of() : response.getHeaders());
        String body = response.getBody() == null ? "" : response.getBody();
        byte[] bytes = response.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        return Map.of("status", response.getStatusCode(), "headers", headers, "body", bytes);
    }

    static Map<String, Object> response(int status, String contentType, String body) {
        return Map.of("status", status, "headers", Map.of("content-type", contentType), "body", body.getBytes(StandardCharsets.UTF_8));
    }
}
