package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Calls a provider's adapter under fault tolerance, and turns every way a call can end into an outcome.
 * One guard per integration, not per provider, so one merchant's bad key or outage never opens the breaker
 * for another merchant on the same provider. Each guard has:
 * <ul>
 *   <li>a timeout ({@code relay.delivery.call-timeout}): after it the request may have arrived, so the
 *       outcome is {@link Unknown};</li>
 *   <li>a circuit breaker opened by 5xx answers and timeouts only (a 4xx is the request's fault, not the
 *       provider's); while open, no call is made and the job is retried after the breaker's delay;</li>
 *   <li>one quick retry, only when the connection could not be made: a request that may have arrived is
 *       never repeated here.</li>
 * </ul>
 */
@ApplicationScoped
public class ProviderGateway {

    private final Map<Provider, ProviderAdapter> adapters = new EnumMap<>(Provider.class);
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    /** The attention reason while an integration's breaker is open. */
    public static final String PROVIDER_FAILING = "provider_failing";

    private final RelayConfig.Delivery settings;
    private final ConfigurationStore configuration;
    private final Clock clock;

    ProviderGateway(Instance<ProviderAdapter> adapters, RelayConfig config, ConfigurationStore configuration, Clock clock) {
        adapters.forEach(adapter -> this.adapters.put(adapter.provider(), adapter));
        this.settings = config.delivery();
        this.configuration = configuration;
        this.clock = clock;
    }

    /**
     * Sends one message through the integration's guard.
     *
     * @param integrationKey identifies the integration (merchant and integration id): the breaker's scope
     */
    public DeliveryOutcome send(String integrationKey, OutboundMessage message, ProviderCredentials credentials) {
        ProviderAdapter adapter = adapters.get(message.provider());
        Guard guard = guards.computeIfAbsent(integrationKey, this::newGuard);
        try {
            return guard.call(() -> adapter.send(message, credentials), DeliveryOutcome.class);
        } catch (CircuitBreakerOpenException open) {
            return RetryLater.withoutCall("circuit_open", settings.breakerDelay());
        } catch (TimeoutException timedOut) {
            return new Unknown("timeout");
        } catch (ProviderCallFailed.ServerError serverError) {
            return new RetryLater(serverError.reason(), serverError.retryAfter(), true, serverError.status());
        } catch (ProviderCallFailed.Unreachable unreachable) {
            return new RetryLater(unreachable.reason(), Optional.empty(), false, 0);
        } catch (ProviderCallFailed.TimedOut | ProviderCallFailed.ResponseLost mayHaveArrived) {
            return new Unknown(mayHaveArrived.reason());
        } catch (Exception unexpected) {
            throw new IllegalStateException("provider call failed unexpectedly: " + unexpected.getClass().getSimpleName(), unexpected);
        }
    }

    /**
     * Flags the integration for the merchant's attention while its breaker is open ({@code provider_failing}),
     * and clears the flag when it closes. A flag that cannot be written never affects the send.
     */
    private void breakerChanged(String integrationKey, CircuitBreakerState state) {
        int slash = integrationKey.indexOf('/');
        if (slash < 0) {
            return;
        }
        String merchantId = integrationKey.substring(0, slash);
        String integrationId = integrationKey.substring(slash + 1);
        try {
            if (state == CircuitBreakerState.OPEN) {
                configuration.markAttention(merchantId, integrationId, new Integration.Attention(PROVIDER_FAILING, clock.instant()));
            } else if (state == CircuitBreakerState.CLOSED) {
                configuration.clearAttention(merchantId, integrationId, PROVIDER_FAILING);
            }
        } catch (RuntimeException e) {
            Log.warnf("breaker of %s is %s; attention flag not written (%s)", integrationKey, state, e.getClass().getSimpleName());
        }
    }

    private Guard newGuard(String integrationKey) {
        Duration timeout = settings.callTimeout();
        long connectRetryDelay = settings.connectRetryDelay().toMillis();
        return Guard.create()
                .withRetry()
                    .maxRetries(1)
                    .delay(connectRetryDelay, ChronoUnit.MILLIS)
                    .jitter(connectRetryDelay / 2, ChronoUnit.MILLIS)
                    .retryOn(ProviderCallFailed.Unreachable.class)
                    .done()
                .withCircuitBreaker()
                    .failOn(List.of(ProviderCallFailed.ServerError.class, ProviderCallFailed.TimedOut.class, TimeoutException.class))
                    .requestVolumeThreshold(settings.breakerRequestVolume())
                    .failureRatio(settings.breakerFailureRatio())
                    .delay(settings.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(1)
                    .onStateChange(state -> breakerChanged(integrationKey, state))
                    .done()
                .withTimeout()
                    .duration(timeout.toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
    }
}
