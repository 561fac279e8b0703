package dev.loyaltyrelay.provider.zoko;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.domain.InboundEvent;
import dev.loyaltyrelay.domain.InboundEvent.Receipt;
import dev.loyaltyrelay.domain.InboundEvent.Reply;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.ReceiptState;
import dev.loyaltyrelay.provider.CredentialRecords;
import dev.loyaltyrelay.provider.ProviderCallFailed;
import dev.loyaltyrelay.provider.ProviderHttp;
import dev.loyaltyrelay.provider.ProviderReceipts;
import dev.loyaltyrelay.provider.ProviderResponses;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Zoko's receipts and replies. What is public (docs.zoko.io, December 2026): a webhook is registered with
 * {@code POST /v2/webhook} {@code {url, events}} for {@code message:delivery:update} and {@code message:user:in}; Zoko
 * expects a 200 within 5 s, retries up to 5 times and disables a webhook after 6 failures in a row; a message's
 * {@code deliveryStatus} is {@code sent}, {@code delivered}, {@code read} or {@code failed}; {@code GET
 * /v2/message/{id}/history} lists {@code {state, happendAt, details}}. The webhook's body itself is not published: it
 * is read here as the message resource Zoko's API documents ({@code id}, {@code deliveryStatus}, {@code direction},
 * {@code platformSenderId}, {@code text}, {@code platformTimestamp}), with {@code event} naming it when present, one
 * object or a list of them. A failure's reason is read like a synchronous answer's ({@link ProviderResponses#failureReason}).
 */
@Singleton
public class ZokoReceipts implements ProviderReceipts {

    static final List<String> EVENTS = List.of("message:delivery:update", "message:user:in");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ZokoReceiptsApi api;
    private final Clock clock;

    ZokoReceipts(@RestClient ZokoReceiptsApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    @Override
    public Provider provider() {
        return ZokoAdapter.PROFILE.provider();
    }

    @Override
    public List<InboundEvent> read(byte[] body) {
        JsonNode posted;
        try {
            posted = JSON.readTree(body);
        } catch (IOException | RuntimeException unreadable) {
            return List.of();
        }
        List<InboundEvent> events = new ArrayList<>();
        if (posted != null && posted.isArray()) {
            posted.forEach(event -> readOne(event, events));
        } else if (posted != null) {
            readOne(posted, events);
        }
        return events;
    }

    private void readOne(JsonNode event, List<InboundEvent> into) {
        if (!event.isObject()) {
            return;
        }
        String kind = event.path("event").asText("");
        String direction = event.path("direction").asText("");
        if (kind.equals("message:user:in") || (kind.isEmpty() && direction.equals("FROM_CUSTOMER"))) {
            String from = ProviderResponses.firstText(event, "platformSenderId", "customer.platformSenderId");
            if (from != null && event.path("text").isTextual()) {
                into.add(new Reply(from, event.path("text").asText()));
            }
            return;
        }
        if (!kind.isEmpty() && !kind.equals("message:delivery:update")) {
            return;
        }
        String messageId = ProviderResponses.firstText(event, "id", "messageId");
        ReceiptState state = state(event.path("deliveryStatus").asText(event.path("state").asText("")));
        if (messageId != null && state != null) {
            String reason = state == ReceiptState.FAILED ? ProviderResponses.failureReason(event) : null;
            into.add(new Receipt(messageId, state, at(event, "platformTimestamp"), reason, ProviderResponses.failureNeeds(reason)));
        }
    }

    @Override
    public String register(ProviderCredentials credentials, String url) {
        String apiKey = CredentialRecords.read(ZokoAdapter.Credentials.class, credentials).apiKey().value();
        try {
            var answer = ProviderHttp.exchange(() -> api.createWebhook(apiKey, new ZokoReceiptsApi.Webhook(url, EVENTS)), clock);
            return answer.status() >= 200 && answer.status() < 300 ? "registered" : "refused_http_" + answer.status();
        } catch (ProviderCallFailed unanswered) {
            return "unavailable";
        }
    }

    @Override
    public List<Receipt> history(ProviderCredentials credentials, String providerMessageId) {
        String apiKey = CredentialRecords.read(ZokoAdapter.Credentials.class, credentials).apiKey().value();
        ProviderHttp.Answer answer;
        try {
            answer = ProviderHttp.exchange(() -> api.history(apiKey, providerMessageId), clock);
        } catch (ProviderCallFailed | IllegalArgumentException unanswered) {
            return List.of();
        }
        if (answer.status() != 200) {
            return List.of();
        }
        List<Receipt> receipts = new ArrayList<>();
        try {
            for (JsonNode entry : JSON.readTree(answer.body()).path("history")) {
                ReceiptState state = state(entry.path("state").asText(""));
                if (state != null) {
                    String reason = state == ReceiptState.FAILED ? ProviderResponses.failureReason(entry) : null;
                    receipts.add(new Receipt(providerMessageId, state, at(entry, "happendAt"), reason, ProviderResponses.failureNeeds(reason)));
                }
            }
        } catch (IOException unreadable) {
            return List.of();
        }
        return receipts;
    }

    private static ReceiptState state(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "delivered" -> ReceiptState.DELIVERED;
            case "read" -> ReceiptState.READ;
            case "failed" -> ReceiptState.FAILED;
            default -> null;
        };
    }

    private Instant at(JsonNode event, String field) {
        try {
            return event.path(field).isTextual() ? Instant.parse(event.path(field).asText()) : clock.instant();
        } catch (DateTimeParseException unreadable) {
            return clock.instant();
        }
    }
}
