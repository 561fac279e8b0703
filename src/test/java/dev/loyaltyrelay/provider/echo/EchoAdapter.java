package dev.loyaltyrelay.provider.echo;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.CredentialRecords;
import dev.loyaltyrelay.provider.OutboundMessage;
import dev.loyaltyrelay.provider.ProviderAdapter;
import dev.loyaltyrelay.provider.ProviderHttp;
import dev.loyaltyrelay.provider.ProviderResponses;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * A provider added the way README says one is: this folder and nothing else in the code. Being a bean in the test
 * tree is its registration; every {@code @QuarkusTest} application carries it, and {@code EchoProviderTest} connects,
 * maps and delivers through it end to end.
 */
@ApplicationScoped
public class EchoAdapter implements ProviderAdapter<EchoAdapter.Credentials> {

    public static final Provider PROVIDER = new Provider("echo");
    public static final ProviderProfile PROFILE = new ProviderProfile(PROVIDER, "Echo", CommonProperty.MOBILE, false,
            CredentialRecords.fieldsOf(Credentials.class));

    @RegisterForReflection
    public record Credentials(String token) {
        @Override
        public String toString() {
            return "Echo.Credentials[redacted]";
        }
    }

    private final EchoApi api;
    private final Clock clock;

    EchoAdapter(@RestClient EchoApi api, Clock clock) {
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
        var echo = new EchoApi.Echo(message.recipient().address(), message.templateId(), message.variables());
        var answer = ProviderHttp.exchange(() -> api.echo(credentials.token(), echo), clock);
        return ProviderResponses.classify(answer, body -> ProviderResponses.firstText(body, "echoId"));
    }
}
