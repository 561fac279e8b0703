package dev.loyaltyrelay.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Calls the admin function through the Lambda mock event server as API Gateway would (HTTP API payload v2),
 * and keeps every response body so a test can check that no secret ever appeared in one.
 */
public final class AdminCalls {

    public static final String OPERATOR_KEY = "operator-test-key";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SEEN = new ArrayList<>();

    /** An answer of the admin API. */
    public record Answer(int status, String contentType, JsonNode body) {
        public JsonNode get(String field) {
            return body.path(field);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private AdminCalls() {
    }

    public static Answer call(String method, String path, String key, Object body) {
        return call(method, path, key, body, Map.of());
    }

    public static Answer call(String method, String path, String key, Object body, Map<String, String> query) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("content-type", "application/json");
        if (key != null) {
            headers.put("authorization", "Bearer " + key);
        }
        return raw(method, path, headers, body == null ? null : body instanceof String text ? text : JSON.valueToTree(body).toString(), query);
    }

    /** A call with exactly these headers and this body text (null for none), as API Gateway would pass it. */
    public static Answer raw(String method, String path, Map<String, String> headerValues, String body, Map<String, String> query) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "ANY /v1/admin/{proxy+}");
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        event.put("rawPath", rawPath);
        event.put("rawQueryString", "");
        ObjectNode headers = event.putObject("headers");
        headerValues.forEach(headers::put);
        if (!query.isEmpty()) {
            ObjectNode params = event.putObject("queryStringParameters");
            query.forEach(params::put);
        }
        ObjectNode http = event.putObject("requestContext").putObject("http");
        http.put("method", method);
        http.put("path", rawPath);
        if (body != null) {
            event.put("body", body);
        }
        event.put("isBase64Encoded", false);
        String response = given().contentType("application/json").body(event.toString()).when().post().then().statusCode(200).extract().asString();
        try {
            JsonNode gateway = JSON.readTree(response);
            String text = gateway.path("body").asText("");
            synchronized (SEEN) {
                SEEN.add(text);
            }
            return new Answer(gateway.get("statusCode").asInt(), gateway.path("headers").path("content-type").asText(),
                    text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text));
        } catch (Exception e) {
            throw new AssertionError("not an API Gateway response: " + response, e);
        }
    }

    public static Answer operator(String method, String path, Object body) {
        return call(method, path, OPERATOR_KEY, body);
    }

    /** Every response body seen so far in this JVM. */
    public static List<String> seenBodies() {
        synchronized (SEEN) {
            return List.copyOf(SEEN);
        }
    }

    public static Map<String, Object> object(Object... keysAndValues) {
        var map = new java.util.LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
