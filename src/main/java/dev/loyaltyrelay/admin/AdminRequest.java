package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Map;
import java.util.Optional;

/**
 * One admin call after routing: the path parameters of its route, the query and the JSON body.
 *
 * @param caller     who is calling (authenticated)
 * @param pathParams the route's parameters, e.g. {@code merchantId}
 * @param query      query string parameters
 * @param body       the JSON body, or a missing node
 */
public record AdminRequest(AdminAuth.Caller caller, Map<String, String> pathParams, Map<String, String> query, JsonNode body) {

    public AdminRequest {
        body = body == null ? MissingNode.getInstance() : body;
    }

    public String path(String name) {
        return pathParams.get(name);
    }

    public Optional<String> query(String name) {
        String value = query.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public String merchantId() {
        return pathParams.get("merchantId");
    }
}
