package dev.loyaltyrelay.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Sent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Reads a provider's answer into an outcome. The same rules for every provider, from Meta's WhatsApp Cloud API
 * (which the WhatsApp providers pass on): a Meta error code in the body decides before the HTTP status does.
 * <ul>
 *   <li>2xx: sent (the message id when the body has one; a 2xx body that is not JSON is still a send);</li>
 *   <li>a Meta code in {@link MetaErrorCodes}: what its row says (retry later, rejected {@code meta_<code>} with the
 *       part of the configuration it points at, or {@code recipient_opted_out} for 131050, which records the
 *       recipient's opt-out of WhatsApp);</li>
 *   <li>5xx: thrown as {@link ProviderCallFailed.ServerError} (the breaker counts it), retried later;</li>
 *   <li>401, 403: rejected as {@code credentials_refused}; the integration needs attention;</li>
 *   <li>408, 425, 429: retry later, honouring {@code Retry-After};</li>
 *   <li>any other status (400, 404, 409, 422, ...): rejected with {@code http_<status>}.</li>
 * </ul>
 * Where the code stands: Meta's own {@code error.code}, and the places the providers are known or assumed to wrap it
 * ({@link #metaErrorCode}). None of Zoko, DelightChat, LimeChat or BiteSpeed publishes its error bodies or an opt-out
 * answer of its own (looked for in December 2026), so an opt-out is recognised by Meta's code alone, wherever it is
 * written, also as text ({@code "(#131050) ..."}, as Meta writes it in its messages). Wigzo (email) publishes no
 * unsubscribe answer either: none is classified as an opt-out.
 */
public final class ProviderResponses {

    private static final java.util.regex.Pattern CODE_IN_TEXT = java.util.regex.Pattern.compile("\\(#(\\d{2,6})\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where a Meta code is looked for, in this order. Meta's own places first; then the wrappings a provider that relays
     * Meta's error is known or assumed to use: an error object of its own holding Meta's ({@code whatsappApiError},
     * {@code metaError}, {@code whatsapp_error}), under {@code error} or {@code data}, or the whole answer under
     * {@code data} or {@code response}. Only a code in {@link MetaErrorCodes} counts, so a provider's own {@code code}
     * (a 400 or an enum) is never taken for Meta's.
     */
    private static final List<String> CODE_PATHS = List.of(
            "error.code", "errors.0.code", "error_code", "code", "error.error_data.code",
            "data.error.code", "response.error.code",
            "error.whatsappApiError.code", "data.whatsappApiError.code", "whatsappApiError.code",
            "error.metaError.code", "data.metaError.code", "metaError.code",
            "error.whatsapp_error.code", "data.whatsapp_error.code", "whatsapp_error.code");

    /**
     * Top-level places where a provider may write a code of its own (an HTTP status, an enum). Meta's Graph codes 10, 190,
     * 200 and 368 are too short to tell from one there, so there only WhatsApp's own five- and six-digit codes count.
     */
    private static final java.util.Set<String> PROVIDER_OWN_PATHS = java.util.Set.of("code", "error_code");
    private static final int GRAPH_CODES_BELOW = 1000;

    /** Texts in which a code may be written as Meta writes it in its messages, {@code (#131050) ...}. */
    private static final List<String> TEXT_PATHS = List.of(
            "error.message", "errors.0.message", "message", "error", "error.whatsappApiError.message",
            "data.whatsappApiError.message", "data.error.message");

    private ProviderResponses() {
    }

    /**
     * @param messageId reads the provider's message id from a success body (may return null)
     * @throws ProviderCallFailed.ServerError for a 5xx that carries no Meta code but a retryable one (or none)
     */
    public static DeliveryOutcome classify(ProviderHttp.Answer answer, Function<JsonNode, String> messageId) {
        int status = answer.status();
        JsonNode body = parse(answer.body());
        Optional<MetaErrorCodes.Row> meta = metaErrorCode(body).stream().boxed().findFirst().flatMap(MetaErrorCodes::row);
        if (status >= 200 && status < 300) {
            String id = body.isMissingNode() ? null : messageId.apply(body);
            // A 2xx that names the message is a send; one that names no message but carries Meta's error is that error
            // (a provider passing Meta's refusal on under a 200): it decides as in any other status.
            if (id != null || meta.isEmpty()) {
                return new Sent(id, status);
            }
        }
        if (meta.isPresent() && meta.get().kind() != MetaErrorCodes.Kind.RETRY) {
            return new Rejected(meta.get().reason(), true, status, meta.get().needs());
        }
        if (status >= 500) {
            throw new ProviderCallFailed.ServerError(meta.map(MetaErrorCodes.Row::reason).orElse("http_" + status), status,
                    meta.map(row -> atLeast(answer.retryAfter(), row.leastWait())).orElse(answer.retryAfter()));
        }
        if (meta.isPresent()) {
            return new RetryLater(meta.get().reason(), atLeast(answer.retryAfter(), meta.get().leastWait()), true, status);
        }
        if (status == 401 || status == 403) {
            return new Rejected(Rejected.CREDENTIALS_REFUSED, true, status);
        }
        if (status == 408 || status == 425 || status == 429) {
            return new RetryLater("http_" + status, answer.retryAfter(), true, status);
        }
        return new Rejected("http_" + status, true, status);
    }

    /** The provider's {@code Retry-After}, raised to the least wait Meta's code asks for (131049: a day). */
    private static Optional<Duration> atLeast(Optional<Duration> retryAfter, Optional<Duration> leastWait) {
        if (leastWait.isEmpty()) {
            return retryAfter;
        }
        return Optional.of(retryAfter.filter(given -> given.compareTo(leastWait.get()) > 0).orElse(leastWait.get()));
    }

    /**
     * A Meta error code wherever the providers put it ({@link #CODE_PATHS}, as a number or a numeric text); else written
     * as {@code (#<code>)} in one of {@link #TEXT_PATHS}. Only codes {@link MetaErrorCodes} knows.
     */
    static OptionalInt metaErrorCode(JsonNode body) {
        for (String path : CODE_PATHS) {
            JsonNode candidate = at(body, path);
            Optional<Integer> code = candidate.canConvertToInt() || candidate.isTextual() ? asInt(candidate) : Optional.empty();
            if (code.isPresent() && MetaErrorCodes.row(code.get()).isPresent()
                    && !(PROVIDER_OWN_PATHS.contains(path) && code.get() < GRAPH_CODES_BELOW)) {
                return OptionalInt.of(code.get());
            }
        }
        for (String path : TEXT_PATHS) {
            JsonNode text = at(body, path);
            if (text.isTextual()) {
                var found = CODE_IN_TEXT.matcher(text.asText());
                while (found.find()) {
                    int code = Integer.parseInt(found.group(1));
                    if (MetaErrorCodes.row(code).isPresent()) {
                        return OptionalInt.of(code);
                    }
                }
            }
        }
        return OptionalInt.empty();
    }

    /** The node at a dot-separated path; a numeric part indexes an array. */
    private static JsonNode at(JsonNode body, String path) {
        JsonNode node = body;
        for (String part : path.split("\\.")) {
            node = part.chars().allMatch(Character::isDigit) ? node.path(Integer.parseInt(part)) : node.path(part);
        }
        return node;
    }

    /**
     * The reason code of a failure a provider reports after it accepted the message (a receipt), read as a synchronous
     * answer would be: Meta's 131050 is {@code recipient_opted_out} (which records the opt-out), another known Meta code
     * {@code meta_<code>}, wherever {@link #metaErrorCode} looks, in the report itself or its {@code details}; anything else
     * {@code provider_failed}.
     */
    public static String failureReason(JsonNode report) {
        OptionalInt code = metaErrorCode(report);
        if (code.isEmpty()) {
            code = metaErrorCode(report.path("details"));
        }
        if (code.isEmpty()) {
            return "provider_failed";
        }
        return MetaErrorCodes.row(code.getAsInt()).orElseThrow().reason();
    }

    /** What the merchant must fix after a failure of {@code reason} ({@link #failureReason}), as Meta's table says. */
    public static DeliveryOutcome.Rejected.Needs failureNeeds(String reason) {
        if (reason != null && reason.startsWith("meta_")) {
            try {
                return MetaErrorCodes.row(Integer.parseInt(reason.substring("meta_".length()))).map(MetaErrorCodes.Row::needs)
                        .orElse(DeliveryOutcome.Rejected.Needs.NOTHING);
            } catch (NumberFormatException notACode) {
                return DeliveryOutcome.Rejected.Needs.NOTHING;
            }
        }
        return DeliveryOutcome.Rejected.Needs.NOTHING;
    }

    /** The first non-blank text among {@code paths} (dot-separated) of a success body, else null. */
    public static String firstText(JsonNode body, String... paths) {
        for (String path : paths) {
            JsonNode node = body;
            for (String part : path.split("\\.")) {
                node = node.path(part);
            }
            if (node.isValueNode() && !node.asText().isBlank()) {
                return node.asText();
            }
        }
        return null;
    }

    private static Optional<Integer> asInt(JsonNode node) {
        try {
            return Optional.of(node.isTextual() ? Integer.parseInt(node.asText().trim()) : node.asInt());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException notJson) {
            return MissingNode.getInstance();
        }
    }
}
