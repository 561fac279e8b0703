package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.ProviderProfile;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What every adapter over a MicroProfile REST client shares: its profile and credentials type, its client, and one
 * request made through {@link ProviderHttp} and read by {@link ProviderResponses}, so a provider's folder holds only its
 * wire format.
 *
 * @param <C> the provider's credentials record
 * @param <A> its REST client
 */
public abstract class RestProviderAdapter<C extends Record, A> implements ProviderAdapter<C> {

    private final ProviderProfile profile;
    private final Class<C> credentialType;
    protected final A api;
    protected final Clock clock;

    protected RestProviderAdapter(ProviderProfile profile, Class<C> credentialType, A api, Clock clock) {
        this.profile = profile;
        this.credentialType = credentialType;
        this.api = api;
        this.clock = clock;
    }

    @Override
    public ProviderProfile profile() {
        return profile;
    }

    @Override
    public Class<C> credentialType() {
        return credentialType;
    }

    /**
     * Makes one request and classifies its answer.
     *
     * @param messageIdPaths where a success's body carries the provider's message id, first found wins ({@code data.id})
     */
    protected DeliveryOutcome call(Supplier<Response> request, String... messageIdPaths) {
        return ProviderResponses.classify(ProviderHttp.exchange(request, clock), body -> ProviderResponses.firstText(body, messageIdPaths));
    }
}
