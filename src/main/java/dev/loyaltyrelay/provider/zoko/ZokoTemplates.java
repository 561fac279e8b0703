package dev.loyaltyrelay.provider.zoko;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.provider.ProviderCallFailed;
import dev.loyaltyrelay.provider.ProviderHttp;
import dev.loyaltyrelay.provider.TemplateList;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.LinkedHashMap;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Zoko's template list ({@code GET /v2/account/templates}): checks an API key at Initialize and a mapping's
 * template id and variable count when it is saved. The answer is read as an array of templates (or an object
 * with a {@code templates} array), each with {@code templateId} and {@code templateVariableCount}.
 */
@ApplicationScoped
class ZokoTemplates {

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
            var counts = new LinkedHashMap<String, Integer>();
            for (JsonNode template : list) {
                String id = template.path("templateId").asText(template.path("id").asText(""));
                if (!id.isEmpty()) {
                    counts.put(id, template.path("templateVariableCount").asInt(0));
                }
            }
            return new TemplateList.Templates(counts);
        } catch (java.io.IOException e) {
            return new TemplateList.Unavailable("response_unreadable");
        }
    }
}
