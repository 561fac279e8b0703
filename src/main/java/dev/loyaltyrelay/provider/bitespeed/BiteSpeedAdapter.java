package dev.loyaltyrelay.provider.bitespeed;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.CredentialRecords;
import io.quarkus.runtime.annotations.RegisterForReflection;
import dev.loyaltyrelay.provider.OutboundMessage;
import dev.loyaltyrelay.provider.ProviderAdapter;
import dev.loyaltyrelay.provider.ProviderHttp;
import dev.loyaltyrelay.provider.ProviderResponses;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** BiteSpeed template send on the contract {@link BiteSpeedContract} assumes (no public API exists). */
@ApplicationScoped
public class BiteSpeedAdapter implements ProviderAdapter<BiteSpeedAdapter.Credentials> {

    public static final Provider PROVIDER = new Provider("bitespeed");
    public static final ProviderProfile PROFILE = new ProviderProfile(PROVIDER, "BiteSpeed", CommonProperty.MOBILE, false,
            CredentialRecords.fieldsOf(Credentials.class));

    /** What a merchant enters at Initialize. */
    @RegisterForReflection
    public record Credentials(String channelId, String userId) {
        @Override
        public String toString() {
            return "BiteSpeed.Credentials[redacted]";
        }
    }

    static final String DEFAULT_LANGUAGE = "en";
    private final BiteSpeedApi api;
    private final Clock clock;

    BiteSpeedAdapter(@RestClient BiteSpeedApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    @Override
    public ProviderProfile profile() {
        return PROFILE;
    }

    @Override
    public Class<Credentials> credentialType() {
        return Credentials.class;
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        var request = new BiteSpeedApi.TemplateMessage(message.recipient().address(), message.templateId(),
                message.languageOr(DEFAULT_LANGUAGE), message.variables());
        var answer = ProviderHttp.exchange(() -> api.sendTemplate(credentials.channelId(), credentials.userId(), request), clock);
        return ProviderResponses.classify(answer, body -> ProviderResponses.firstText(body, "messageId", "id", "data.id"));
    }
}
