package dev.loyaltyrelay.provider.zoko;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.provider.OutboundMessage;
import dev.loyaltyrelay.provider.ProviderAdapter;
import dev.loyaltyrelay.provider.ProviderHttp;
import dev.loyaltyrelay.provider.ProviderResponses;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Zoko template send: {@code POST /v2/message}, header {@code apikey}, the recipient in E.164 without
 * {@code +}, {@code templateArgs} in the mapping's order. Success is 202 {@code {"messageId": ...}}.
 */
@ApplicationScoped
public class ZokoAdapter implements ProviderAdapter {

    static final String DEFAULT_LANGUAGE = "en";
    private final ZokoApi api;
    private final Clock clock;

    ZokoAdapter(@RestClient ZokoApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    @Override
    public Provider provider() {
        return Provider.ZOKO;
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, ProviderCredentials credentials) {
        var request = new ZokoApi.TemplateMessage("whatsapp", message.recipient().address().substring(1), "template",
                message.templateId(), message.languageOr(DEFAULT_LANGUAGE), message.variables());
        String apiKey = credentials.require("apiKey");
        var answer = ProviderHttp.exchange(() -> api.sendMessage(apiKey, request), clock);
        return ProviderResponses.classify(answer, body -> ProviderResponses.firstText(body, "messageId", "id"));
    }
}
