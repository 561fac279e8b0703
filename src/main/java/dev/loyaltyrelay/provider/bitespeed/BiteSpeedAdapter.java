package dev.loyaltyrelay.provider.bitespeed;

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

/** BiteSpeed template send on the contract {@link BiteSpeedContract} assumes (no public API exists). */
@ApplicationScoped
public class BiteSpeedAdapter implements ProviderAdapter {

    static final String DEFAULT_LANGUAGE = "en";
    private final BiteSpeedApi api;
    private final Clock clock;

    BiteSpeedAdapter(@RestClient BiteSpeedApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    @Override
    public Provider provider() {
        return Provider.BITESPEED;
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, ProviderCredentials credentials) {
        var request = new BiteSpeedApi.TemplateMessage(message.recipient().address(), message.templateId(),
                message.languageOr(DEFAULT_LANGUAGE), message.variables());
        String channelId = credentials.require("channelId");
        String userId = credentials.require("userId");
        var answer = ProviderHttp.exchange(() -> api.sendTemplate(channelId, userId, request), clock);
        return ProviderResponses.classify(answer, body -> ProviderResponses.firstText(body, "messageId", "id", "data.id"));
    }
}
