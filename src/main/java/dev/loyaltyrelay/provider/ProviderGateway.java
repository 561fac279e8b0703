package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
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
    private final RelayConfig.Delivery settings;

    ProviderGateway(Instance<ProviderAdapter> adapters, RelayConfig config) {
        adapters.forEach(adapter -> this.adapters.put(adapter.provider(), adapter));
        this.settings = config.delivery();
    }

    /**
     * Sends one message through the integration's guard.
     *
     * @param integrationKey identifies the integration (merchant and integration id): the breaker's scope
     */
    public DeliveryOutcome send(String integrationKey, OutboundMessage message, ProviderCredentials credentials) {
        ProviderAdapter adapter = adapters.get(message.provider());
        Guard guard = guards.computeIfAbsent(integrationKey, key -> newGuard());
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

    private Guard newGuard() {
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
                    .done()
                .withTimeout()
                    .duration(timeout.toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
    }
}
