package dev.loyaltyrelay.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.loyaltyrelay.domain.Provider;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for every provider in the local run, at {@code /local/sandbox/<provider>}: it accepts each provider's
 * wire format, answers as the provider does, and records every message; {@code GET /local/outbox} lists them with
 * the rendered text of their variables. The demo merchant's integrations point here unless
 * {@code quarkus.rest-client.<provider>.url} names another URL. Recipients are shown masked even here.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class Sandbox {

    static final String PREFIX = "/local/sandbox/";
    static final int KEPT = 500;
    private final ObjectMapper json;
    private final Clock clock;
    private final List<Map<String, Object>> outbox = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Map<String, Integer> zokoTemplates = Map.of();

    Sandbox(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** The templates the sandbox's Zoko account has (template id to variable count), for the admin API's checks. */
    void zokoTemplates(Map<String, Integer> templates) {
        zokoTemplates = Map.copyOf(templates);
    }

    Map<String, Object> answer(String method, String path, byte[] body) {
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        Provider provider = Provider.fromKey(slash < 0 ? rest : rest.substring(0, slash)).orElse(null);
        String providerPath = slash < 0 ? "/" : rest.substring(slash);
        if (provider == null) {
            return LocalRoutes.response(404, "application/json", "{\"error\":\"no_such_provider\"}");
        }
        if (provider == Provider.ZOKO && method.equals("GET") && providerPath.equals("/v2/account/templates")) {
            List<Map<String, Object>> templates = new ArrayList<>();
            zokoTemplates.forEach((id, count) -> templates.add(Map.of("templateId", id, "templateVariableCount", count)));
            return LocalRoutes.response(200, "application/json", write(templates));
        }
        if (!method.equals("POST")) {
            return LocalRoutes.response(405, "application/json", "{\"error\":\"method_not_allowed\"}");
        }
        JsonNode request = parse(body);
        if (request.isMissingNode()) {
            return LocalRoutes.response(400, "application/json", "{\"error\":\"body is not JSON\"}");
        }
        if (provider == Provider.WIGZO && providerPath.startsWith("/rest/v1/learn/identify")) {
            return LocalRoutes.response(200, "application/json", "{\"status\":\"identified\"}");
        }
        String messageId = "sandbox-" + provider.key() + "-" + sequence.incrementAndGet();
        record(provider, providerPath, messageId, request);
        return switch (provider) {
            case ZOKO -> LocalRoutes.response(202, "application/json", "{\"messageId\":\"" + messageId + "\"}");
            case DELIGHTCHAT -> LocalRoutes.response(200, "application/json", "{\"message_id\":\"" + messageId + "\"}");
            case BITESPEED -> LocalRoutes.response(200, "application/json", "{\"messageId\":\"" + messageId + "\"}");
            case LIMECHAT, WIGZO -> LocalRoutes.response(200, "application/json", "{\"id\":\"" + messageId + "\",\"status\":\"ok\"}");
        };
    }

    Map<String, Object> outbox() {
        return LocalRoutes.response(200, "application/json", write(Map.of("messages", List.copyOf(outbox))));
    }

    private void record(Provider provider, String path, String messageId, JsonNode request) {
        var message = new LinkedHashMap<String, Object>();
        message.put("messageId", messageId);
        message.put("provider", provider.key());
        message.put("path", path);
        message.put("receivedAt", clock.instant().toString());
        List<String> variables = new ArrayList<>();
        String template;
        String recipient;
        switch (provider) {
            case ZOKO -> {
                template = request.path("templateId").asText();
                recipient = request.path("recipient").asText();
                request.path("templateArgs").forEach(v -> variables.add(v.asText()));
            }
            case DELIGHTCHAT -> {
                template = request.path("automation_id").asText();
                recipient = request.path("country_code").asText() + request.path("phone_number").asText();
                request.path("message_data").fields().forEachRemaining(e -> variables.add(e.getValue().asText()));
            }
            case BITESPEED -> {
                template = request.path("templateId").asText();
                recipient = request.path("phone").asText();
                request.path("variables").forEach(v -> variables.add(v.asText()));
            }
            case LIMECHAT -> {
                template = request.path("event").asText();
                recipient = request.path("phone").asText();
                request.path("data").fields().forEachRemaining(e -> variables.add(e.getKey() + "=" + shown(e.getKey(), e.getValue().asText())));
            }
            case WIGZO -> {
                template = request.path("eventName").asText();
                recipient = "user " + request.path("userId").asText();
                request.path("eventval").fields().forEachRemaining(e -> variables.add(e.getKey() + "=" + shown(e.getKey(), e.getValue().asText())));
            }
            default -> throw new IllegalStateException();
        }
        message.put("template", template);
        message.put("recipient", provider == Provider.WIGZO ? recipient : masked(recipient));
        message.put("variables", variables);
        message.put("text", template + "(" + String.join(", ", variables) + ")");
        if (outbox.size() >= KEPT) {
            outbox.removeFirst();
        }
        outbox.add(message);
    }

    /** A forwarded property as the outbox shows it: contact details masked like recipients. */
    private static String shown(String property, String value) {
        String name = property.toLowerCase(java.util.Locale.ROOT);
        if (name.contains("email")) {
            int at = value.indexOf('@');
            return at <= 0 ? "***" : value.charAt(0) + "***" + value.substring(at);
        }
        return name.contains("mobile") || name.contains("phone") ? masked(value) : value;
    }

    private static String masked(String number) {
        String digits = number.replaceAll("[^0-9+]", "");
        return digits.length() <= 4 ? "****" : "*".repeat(digits.length() - 4) + digits.substring(digits.length() - 4);
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
