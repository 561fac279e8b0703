package dev.loyaltyrelay.provider.echo;

import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.provider.CredentialRecords;
import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.provider.RestProviderAdapter;
import dev.loyaltyrelay.provider.Secret;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * A provider added the way README says one is: this folder and nothing else in the code. Being a bean in the test
 * tree is its registration; every {@code @QuarkusTest} application carries it, and {@code EchoProviderTest} connects,
 * maps and delivers through it end to end.
 */
@Singleton
public class EchoAdapter extends RestProviderAdapter<EchoAdapter.Credentials, EchoApi> {

    public static final ProviderProfile PROFILE = CredentialRecords.profile("echo", "Echo", Channel.WHATSAPP, false, Credentials.class);

    @RegisterForReflection // built by CredentialRecords through its canonical constructor
    public record Credentials(Secret token) {
    }

    EchoAdapter(@RestClient EchoApi api, Clock clock) {
        super(PROFILE, Credentials.class, api, clock);
    }

    @Override
    public DeliveryOutcome send(OutboundMessage message, Credentials credentials) {
        var echo = new EchoApi.Echo(message.recipient().address(), message.templateId(), message.variables());
        return call(() -> api.echo(credentials.token().value(), echo), "echoId");
    }
}
