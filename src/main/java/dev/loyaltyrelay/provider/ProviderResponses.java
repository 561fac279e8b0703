package dev.loyaltyrelay.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Sent;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a provider's answer into an outcome. The same rules for every provider, from Meta's WhatsApp Cloud API
 * (which the WhatsApp providers pass on): a Meta error code in the body decides before the HTTP status does.
 * <ul>
 *   <li>2xx: sent (the message id when the body has one; a 2xx body that is not JSON is still a send);</li>
 *   <li>Meta codes 130429, 131056, 80007, 132015: retry later; 131026, 131047, 131051, 132000, 132001,
 *       132005: rejected with {@code meta_<code>}; 131050 (the user stopped the business's marketing messages):
 *       rejected with {@code recipient_opted_out}, which records the recipient's opt-out of WhatsApp;</li>
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

    static final Set<Integer> META_RETRYABLE = Set.of(130429, 131056, 80007, 132015);
    static final Set<Integer> META_PERMANENT = Set.of(131026, 131047, 131051, 132000, 132001, 132005);
    /** Meta: "This recipient has chosen to stop receiving marketing messages on WhatsApp from your business." */
    static final int META_OPTED_OUT = 131050;
    private static final java.util.regex.Pattern CODE_IN_TEXT = java.util.regex.Pattern.compile("\\(#(\\d{3,6})\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProviderResponses() {
    }

    /**
     * @param messageId reads the provider's message id from a success body (may return null)
     * @throws ProviderCallFailed.ServerError for a 5xx that carries no permanent Meta code
     */
    public static DeliveryOutcome classify(ProviderHttp.Answer answer, Function<JsonNode, String> messageId) {
        int status = answer.status();
        JsonNode body = parse(answer.body());
        if (status >= 200 && status < 300) {
            return new Sent(body.isMissingNode() ? null : messageId.apply(body), status);
        }
        OptionalInt metaCode = metaErrorCode(body);
        if (metaCode.isPresent() && metaCode.getAsInt() == META_OPTED_OUT) {
            return new Rejected(Rejected.RECIPIENT_OPTED_OUT, true, status);
        }
        if (metaCode.isPresent() && META_PERMANENT.contains(metaCode.getAsInt())) {
            return new Rejected("meta_" + metaCode.getAsInt(), true, status);
        }
        if (status >= 500) {
            String reason = metaCode.isPresent() && META_RETRYABLE.contains(metaCode.getAsInt())
                    ? "meta_" + metaCode.getAsInt() : "http_" + status;
            throw new ProviderCallFailed.ServerError(reason, status, answer.retryAfter());
        }
        if (metaCode.isPresent() && META_RETRYABLE.contains(metaCode.getAsInt())) {
            return new RetryLater("meta_" + metaCode.getAsInt(), answer.retryAfter(), true, status);
        }
        if (status == 401 || status == 403) {
            return new Rejected(Rejected.CREDENTIALS_REFUSED, true, status);
        }
        if (status == 408 || status == 425 || status == 429) {
            return new RetryLater("http_" + status, answer.retryAfter(), true, status);
        }
        return new Rejected("http_" + status, true, status);
    }

    /**
     * A Meta error code wherever the providers put it: {@code error.code}, {@code errors[0].code}, {@code error_code},
     * {@code code}, {@code data.error.code}, {@code error.error_data.code}; else written as {@code (#<code>)} in
     * {@code error.message}, {@code errors[0].message}, {@code message} or {@code error} text.
     */
    static OptionalInt metaErrorCode(JsonNode body) {
        for (JsonNode candidate : new JsonNode[] {body.path("error").path("code"), body.path("errors").path(0).path("code"),
                body.path("error_code"), body.path("code"), body.path("data").path("error").path("code"),
                body.path("error").path("error_data").path("code")}) {
            Optional<Integer> code = candidate.canConvertToInt() || candidate.isTextual() ? asInt(candidate) : Optional.empty();
            if (code.isPresent() && known(code.get())) {
                return OptionalInt.of(code.get());
            }
        }
        for (JsonNode text : new JsonNode[] {body.path("error").path("message"), body.path("errors").path(0).path("message"),
                body.path("message"), body.path("error")}) {
            if (text.isTextual()) {
                var found = CODE_IN_TEXT.matcher(text.asText());
                while (found.find()) {
                    int code = Integer.parseInt(found.group(1));
                    if (known(code)) {
                        return OptionalInt.of(code);
                    }
                }
            }
        }
        return OptionalInt.empty();
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
        return code.getAsInt() == META_OPTED_OUT ? Rejected.RECIPIENT_OPTED_OUT : "meta_" + code.getAsInt();
    }

    private static boolean known(int code) {
        return code == META_OPTED_OUT || META_RETRYABLE.contains(code) || META_PERMANENT.contains(code);
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
