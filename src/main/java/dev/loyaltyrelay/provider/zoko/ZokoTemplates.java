package dev.loyaltyrelay.provider.zoko;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.provider.ProviderCallFailed;
import dev.loyaltyrelay.provider.ProviderHttp;
import dev.loyaltyrelay.provider.TemplateList;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Zoko's template list ({@code GET /v2/account/templates}, docs.zoko.io "Get Message Templates"): checks an API key at
 * Initialize and a mapping's template when it is saved. The answer is an array of templates (an object with a
 * {@code templates} array is read too), one entry per template and language: {@code templateId},
 * {@code templateLanguage}, {@code templateType} ("used as type in send message": {@code template},
 * {@code richTemplate} or {@code buttonTemplate}), {@code isRichTemplate}, {@code active} and
 * {@code templateVariableCount} ("array size of templateArgs in send message", so a rich template's media header is
 * one of them).
 *
 * <p>Read leniently where Zoko's own documentation disagrees with itself: its example shows
 * {@code templateVariableCount} as the string {@code "1"} and {@code isRichTemplate} as a string, its schema says
 * integer and boolean, so each is read from either. Where a field is absent, what Zoko's send does without it decides:
 * no language is {@code en} (the send's default), no type is {@code richTemplate} for a rich template and
 * {@code template} otherwise, and no {@code active} flag is active (the list is of approved templates).
 */
@ApplicationScoped
class ZokoTemplates {

    static final String PLAIN = "template";
    static final String RICH = "richTemplate";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ZokoApi api;
    private final Clock clock;

    ZokoTemplates(@RestClient ZokoApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    TemplateList list(String apiKey) {
        ProviderHttp.Answer answer;
        try {
            answer = ProviderHttp.exchange(() -> api.templates(apiKey), clock);
        } catch (ProviderCallFailed failed) {
            return new TemplateList.Unavailable(failed.reason());
        }
        if (answer.status() == 401 || answer.status() == 403) {
            return new TemplateList.CredentialsRefused(answer.status());
        }
        if (answer.status() / 100 != 2) {
            return new TemplateList.Unavailable("http_" + answer.status());
        }
        try {
            JsonNode root = JSON.readTree(answer.body());
            JsonNode list = root.isArray() ? root : root.path("templates");
            var templates = new ArrayList<TemplateList.Template>();
            for (JsonNode template : list) {
                String id = template.path("templateId").asText(template.path("id").asText(""));
                if (!id.isEmpty()) {
                    templates.add(read(id, template));
                }
            }
            return new TemplateList.Templates(templates);
        } catch (java.io.IOException e) {
            return new TemplateList.Unavailable("response_unreadable");
        }
    }

    private static TemplateList.Template read(String id, JsonNode template) {
        boolean richFlag = flag(template.path("isRichTemplate"), false);
        String type = text(template.path("templateType")).orElse(richFlag ? RICH : PLAIN);
        String language = text(template.path("templateLanguage")).orElse(ZokoAdapter.DEFAULT_LANGUAGE);
        return new TemplateList.Template(id, language, type, flag(template.path("active"), true), richFlag || RICH.equals(type),
                count(template.path("templateVariableCount")));
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText().strip()) : Optional.empty();
    }

    /** A boolean, or its text ({@code "true"}, {@code "false"}); anything else is {@code absent}. */
    private static boolean flag(JsonNode node, boolean absent) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        return absent;
    }

    /** A whole number or its text ({@code "2"}); {@link TemplateList.Template#UNKNOWN_COUNT} when it is neither. */
    private static int count(JsonNode node) {
        if (node.canConvertToInt() && node.isIntegralNumber()) {
            return node.intValue();
        }
        if (node.isTextual() && node.asText().strip().matches("\\d{1,4}")) {
            return Integer.parseInt(node.asText().strip());
        }
        return TemplateList.Template.UNKNOWN_COUNT;
    }
}
