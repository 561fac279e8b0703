package dev.loyaltyrelay.provider.bitespeed;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.CredentialRecords;
import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.provider.RestProviderAdapter;
import dev.loyaltyrelay.provider.Secret;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** BiteSpeed template send on the contract {@link BiteSpeedContract} assumes (no public API exists). */
@Singleton
public class BiteSpeedAdapter extends RestProviderAdapter<BiteSpeedAdapter.Credentials, BiteSpeedApi> {

    /** Assumed contract: BiteSpeed publishes no API, so every request this adapter makes is {@link BiteSpeedContract}'s guess. */
    public static final ProviderProfile PROFILE = CredentialRecords.profile("bitespeed", "BiteSpeed", Channel.WHATSAPP, false, Credentials.class)
            .withAssumedContract();

    @RegisterForReflection // built by CredentialRecords through its canonical constructor
    public record Credentials(Secret channelId, Secret userId) {
    }

    static final String DEFAULT_LANGUAGE = "en";

    BiteSpeedAdapter(@RestClient BiteSpeedApi api, Clock clock) {
        super(PROFILE, Credentials.class, api, clock);
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        var request = new BiteSpeedApi.TemplateMessage(message.recipient().address(), message.templateId(),
                message.languageOr(DEFAULT_LANGUAGE), message.variables());
        return call(() -> api.sendTemplate(credentials.channelId().value(), credentials.userId().value(), request), "messageId", "id", "data.id");
    }
}
