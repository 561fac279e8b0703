package dev.loyaltyrelay.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
    /** Where the sandbox's Zoko posts receipts and replies, as Initialize registered it ({@code POST /v2/webhook}). */
    private volatile String zokoWebhook;
    private final HttpClient poster = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ProviderCatalogue providers;

    Sandbox(ObjectMapper json, Clock clock, ProviderCatalogue providers) {
        this.json = json;
        this.providers = providers;
        this.clock = clock;
    }

    /** The templates the sandbox's Zoko account has (template id to variable count), for the admin API's checks. */
    void zokoTemplates(Map<String, Integer> templates) {
        zokoTemplates = Map.copyOf(templates);
    }

    Map<String, Object> answer(String method, String path, byte[] body) {
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        Provider provider = providers.profile(slash < 0 ? rest : rest.substring(0, slash)).map(ProviderProfile::provider).orElse(null);
        String providerPath = slash < 0 ? "/" : rest.substring(slash);
        if (provider == null) {
            return LocalRoutes.response(404, "application/json", "{\"error\":\"no_such_provider\"}");
        }
        if (provider.key().equals("zoko") && method.equals("GET") && providerPath.equals("/v2/account/templates")) {
            List<Map<String, Object>> templates = new ArrayList<>();
            // Each entry in the shape of Zoko's "Get Message Templates": a plain, active template in English.
            zokoTemplates.forEach((id, count) -> templates.add(Map.of("channel", "whatsapp", "templateId", id, "templateLanguage", "en",
                    "templateType", "template", "isRichTemplate", false, "active", true, "templateVariableCount", count)));
            return LocalRoutes.response(200, "application/json", write(templates));
        }
        if (!method.equals("POST")) {
            return LocalRoutes.response(405, "application/json", "{\"error\":\"method_not_allowed\"}");
        }
        JsonNode request = parse(body);
        if (request.isMissingNode()) {
            return LocalRoutes.response(400, "application/json", "{\"error\":\"body is not JSON\"}");
        }
        if (provider.key().equals("zoko") && providerPath.equals("/v2/webhook")) {
            zokoWebhook = request.path("url").asText(null);
            return LocalRoutes.response(201, "application/json", write(Map.of("id", "sandbox-webhook-1", "url", String.valueOf(zokoWebhook),
                    "events", request.path("events"))));
        }
        if (provider.key().equals("wigzo") && providerPath.startsWith("/rest/v1/learn/identify")) {
            return LocalRoutes.response(200, "application/json", "{\"status\":\"identified\"}");
        }
        String messageId = "sandbox-" + provider.key() + "-" + sequence.incrementAndGet();
        record(provider, providerPath, messageId, request);
        if (provider.key().equals("zoko")) {
            // As Zoko does: the message is delivered, then read, each reported to the registered webhook.
            postLater(Map.of("event", "message:delivery:update", "id", messageId, "deliveryStatus", "delivered", "direction", "FROM_STORE",
                    "platform", "whatsapp"), Duration.ofSeconds(1));
            postLater(Map.of("event", "message:delivery:update", "id", messageId, "deliveryStatus", "read", "direction", "FROM_STORE",
                    "platform", "whatsapp"), Duration.ofSeconds(2));
        }
        return switch (provider.key()) {
            case "zoko" -> LocalRoutes.response(202, "application/json", "{\"messageId\":\"" + messageId + "\"}");
            case "delightchat" -> LocalRoutes.response(200, "application/json", "{\"message_id\":\"" + messageId + "\"}");
            case "bitespeed" -> LocalRoutes.response(200, "application/json", "{\"messageId\":\"" + messageId + "\"}");
            case "limechat", "wigzo" -> LocalRoutes.response(200, "application/json", "{\"id\":\"" + messageId + "\",\"status\":\"ok\"}");
            // A provider the sandbox was not taught: every id field the adapters read, so any of them finds one.
            default -> LocalRoutes.response(200, "application/json", write(Map.of("id", messageId, "messageId", messageId, "message_id", messageId)));
        };
    }

    /**
     * {@code POST /local/customer-reply} {@code {"mobile": "+91...", "text": "STOP"}}: the customer writes back on WhatsApp,
     * and the sandbox's Zoko posts it to the registered webhook as Zoko's {@code message:user:in}.
     */
    Map<String, Object> customerReply(byte[] body) {
        JsonNode reply = parse(body);
        String mobile = reply.path("mobile").asText("");
        if (!reply.path("text").isTextual() || mobile.isBlank()) {
            return LocalRoutes.response(400, "application/json", "{\"error\":\"give mobile and text\"}");
        }
        if (zokoWebhook == null) {
            return LocalRoutes.response(409, "application/json", "{\"error\":\"no Zoko webhook registered: initialize a Zoko integration first\"}");
        }
        postLater(Map.of("event", "message:user:in", "direction", "FROM_CUSTOMER", "platform", "whatsapp", "type", "text",
                "platformSenderId", mobile.replaceAll("[^0-9]", ""), "text", reply.path("text").asText()), Duration.ZERO);
        return LocalRoutes.response(202, "application/json", "{\"status\":\"posting\"}");
    }

    /** Posts an event to the registered webhook after {@code delay}, off the request's thread (Zoko posts asynchronously). */
    private void postLater(Map<String, Object> event, Duration delay) {
        String url = zokoWebhook;
        if (url == null) {
            return;
        }
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(delay);
                poster.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(write(event))).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException | RuntimeException notPosted) {
                // The sandbox stands in for Zoko, which retries; here a lost post is only a missing receipt.
            }
        });
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
        SentMessage sent = SentMessage.read(provider.key(), request);
        String template = sent.template();
        String recipient = sent.recipient();
        List<String> variables = sent.variables();
        message.put("template", template);
        message.put("recipient", sent.recipientMasked() ? masked(recipient) : recipient);
        message.put("variables", variables);
        message.put("text", template + "(" + String.join(", ", variables) + ")");
        if (outbox.size() >= KEPT) {
            outbox.removeFirst();
        }
        outbox.add(message);
    }

    /** What the outbox shows of a provider's request: its template or event, recipient and variables, read from the provider's wire format. */
    private record SentMessage(String template, String recipient, boolean recipientMasked, List<String> variables) {

        static SentMessage read(String provider, JsonNode request) {
            return switch (provider) {
                case "zoko" -> ordered(request.path("templateId"), request.path("recipient").asText(), request.path("templateArgs"));
                case "bitespeed" -> ordered(request.path("templateId"), request.path("phone").asText(), request.path("variables"));
                case "delightchat" -> ordered(request.path("automation_id"),
                        request.path("country_code").asText() + request.path("phone_number").asText(), request.path("message_data"));
                // A LimeChat template mapping uses the direct template send; a flow mapping the custom event.
                case "limechat" -> request.has("template_id")
                        ? ordered(request.path("template_id"), request.path("phone").asText(), request.path("template_attributes"))
                        : named(request.path("event"), request.path("phone").asText(), true, request.path("data"));
                case "wigzo" -> named(request.path("eventName"), "user " + request.path("userId").asText(), false, request.path("eventval"));
                default -> new SentMessage("", "", true, List.of(request.toString().length() + " bytes"));
            };
        }

        /** A template's values in order (an array, or an object keyed "1", "2"...). */
        private static SentMessage ordered(JsonNode template, String recipient, JsonNode values) {
            List<String> variables = new ArrayList<>();
            values.forEach(value -> variables.add(value.asText()));
            return new SentMessage(template.asText(), recipient, true, variables);
        }

        /** A flow's properties by name, contact details masked. */
        private static SentMessage named(JsonNode event, String recipient, boolean recipientMasked, JsonNode properties) {
            List<String> variables = new ArrayList<>();
            properties.fields().forEachRemaining(e -> variables.add(e.getKey() + "=" + shown(e.getKey(), e.getValue().asText())));
            return new SentMessage(event.asText(), recipient, recipientMasked, variables);
        }
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
