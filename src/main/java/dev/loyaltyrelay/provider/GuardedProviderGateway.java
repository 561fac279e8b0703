package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.BreakerListener;
import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.domain.ProviderGateway;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.InboundEvent;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.DeliveryOutcome.Unknown;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import io.quarkus.logging.Log;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
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
public class GuardedProviderGateway implements ProviderGateway {

    private final Map<IntegrationKey, Guard> guards = new ConcurrentHashMap<>();
    private final Map<IntegrationKey, Guard> preparationGuards = new ConcurrentHashMap<>();
    /** When each open breaker lets a trial call through ({@link System#nanoTime()}), as the breaker's own delay does. */
    private final Map<IntegrationKey, Long> openUntilNanos = new ConcurrentHashMap<>();

    private final ProviderRegistry adapters;
    private final RelayConfig.Delivery settings;
    private final BreakerListener breakers;
    private final RelayMetrics metrics;
    static final String BREAKER_OPENED = "ProviderBreakerOpened";
    static final String BREAKER_CLOSED = "ProviderBreakerClosed";
    private final Map<Provider, ProviderReceipts> receipts = new java.util.HashMap<>();

    GuardedProviderGateway(ProviderRegistry adapters, RelayConfig config, BreakerListener breakers, RelayMetrics metrics,
            jakarta.enterprise.inject.Instance<ProviderReceipts> receiptSources) {
        this.adapters = adapters;
        this.metrics = metrics;
        this.settings = config.delivery();
        this.breakers = breakers;
        receiptSources.forEach(source -> receipts.put(source.provider(), source));
    }

    @Override
    public boolean reportsReceipts(Provider provider) {
        return receipts.containsKey(provider);
    }

    @Override
    public Optional<List<InboundEvent>> readInbound(Provider provider, byte[] body) {
        ProviderReceipts source = receipts.get(provider);
        if (source == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(source.read(body));
        } catch (RuntimeException unreadable) {
            // What a provider posts is read as data; whatever it holds, the receiver answers (and nothing is applied).
            Log.warnf("a %s post to the receipt URL did not read: %s", provider.key(), unreadable.getClass().getSimpleName());
            return Optional.of(List.of());
        }
    }

    @Override
    public String registerReceipts(IntegrationKey integration, Provider provider, ProviderCredentials credentials, String url) {
        ProviderReceipts source = receipts.get(provider);
        if (source == null) {
            return "not_offered";
        }
        try {
            return source.register(credentials, url);
        } catch (RuntimeException failed) {
            Log.warnf("integration %s: receipt URL not registered with %s (%s)", integration, provider.key(), failed.getClass().getSimpleName());
            return failed instanceof ProviderCredentials.Incomplete ? "credentials_incomplete" : "unavailable";
        }
    }

    @Override
    public List<InboundEvent.Receipt> receiptHistory(IntegrationKey integration, Provider provider, ProviderCredentials credentials,
            String providerMessageId) {
        ProviderReceipts source = receipts.get(provider);
        if (source == null) {
            return List.of();
        }
        try {
            return source.history(credentials, providerMessageId);
        } catch (RuntimeException failed) {
            Log.warnf("integration %s: %s history not read (%s)", integration, provider.key(), failed.getClass().getSimpleName());
            return List.of();
        }
    }

    @Override
    public boolean accepting(IntegrationKey integrationKey) {
        Long until = openUntilNanos.get(integrationKey);
        return until == null || System.nanoTime() - until >= 0;
    }

    /**
     * Runs the adapter's preparation (e.g. Wigzo's identify) through the integration's guard. No message is sent by it,
     * so every failure is a {@link RetryLater} or a {@link DeliveryOutcome.Rejected}, never {@link Unknown}.
     *
     * @return empty when the message may be sent now
     */
    @Override
    public Optional<DeliveryOutcome> prepare(IntegrationKey integrationKey, OutboundMessage message, ProviderCredentials credentials) {
        Optional<ProviderAdapter<?>> registered = adapters.adapter(message.provider());
        if (registered.isEmpty()) {
            return Optional.of(DeliveryOutcome.Rejected.beforeCall(PROVIDER_UNKNOWN));
        }
        ProviderAdapter<?> adapter = registered.get();
        if (!adapter.preparesFirst()) {
            return Optional.empty();
        }
        // Its own guard, without a breaker: the message request's breaker speaks for the provider, and a preparation
        // that keeps failing is retried with backoff within the delivery's budget.
        Guard guard = preparationGuards.computeIfAbsent(integrationKey, key -> newPreparationGuard());
        String step = adapter.preparation();
        try {
            @SuppressWarnings("unchecked")
            Optional<DeliveryOutcome> prepared = guard.call(() -> adapter.prepareOpened(message, credentials), Optional.class);
            return prepared.map(outcome -> ofPreparation(step, outcome));
        } catch (TimeoutException timedOut) {
            return Optional.of(new RetryLater(step + "_timeout", Optional.empty(), true, 0));
        } catch (ProviderCallFailed.ServerError serverError) {
            return Optional.of(new RetryLater(step + "_" + serverError.reason(), serverError.retryAfter(), true, serverError.status()));
        } catch (ProviderCallFailed.Unreachable | ProviderCallFailed.NotSent neverLeft) {
            return Optional.of(new RetryLater(neverLeft.reason(), Optional.empty(), false, 0));
        } catch (ProviderCallFailed.Unsendable unsendable) {
            return Optional.of(DeliveryOutcome.Rejected.beforeCall(unsendable.reason()));
        } catch (ProviderCallFailed.TimedOut | ProviderCallFailed.ResponseLost noAnswer) {
            return Optional.of(new RetryLater(step + "_" + noAnswer.reason(), Optional.empty(), true, 0));
        } catch (ProviderCredentials.Incomplete incomplete) {
            return Optional.of(DeliveryOutcome.Rejected.beforeCall("credentials_incomplete:" + incomplete.field()));
        } catch (Exception unexpected) {
            Log.warnf("%s of %s failed unexpectedly: %s", step, integrationKey, unexpected.getClass().getSimpleName());
            return Optional.of(RetryLater.withoutCall(step + "_failed", settings.backoffBase()));
        }
    }

    /**
     * A preparation's answer named as such ({@code identify_http_400}), so a record never reads as if the message request
     * had failed; refused credentials keep their reason, which flags the integration whichever request was refused.
     */
    private static DeliveryOutcome ofPreparation(String step, DeliveryOutcome outcome) {
        return switch (outcome) {
            case DeliveryOutcome.Rejected rejected when !rejected.credentialsRefused() && rejected.providerCalled() ->
                    new DeliveryOutcome.Rejected(step + "_" + rejected.reason(), true, rejected.httpStatus());
            case RetryLater retry when retry.providerCalled() ->
                    new RetryLater(step + "_" + retry.reason(), retry.requestedDelay(), true, retry.httpStatus());
            default -> outcome;
        };
    }

    /**
     * Sends one message through the integration's guard: the message request only (see {@link #prepare}).
     *
     * @param integrationKey the integration: the breaker's scope
     */
    @Override
    public DeliveryOutcome send(IntegrationKey integrationKey, OutboundMessage message, ProviderCredentials credentials) {
        Optional<ProviderAdapter<?>> registered = adapters.adapter(message.provider());
        if (registered.isEmpty()) {
            return DeliveryOutcome.Rejected.beforeCall(PROVIDER_UNKNOWN);
        }
        ProviderAdapter<?> adapter = registered.get();
        Guard guard = guards.computeIfAbsent(integrationKey, key -> newGuard(key, message.provider()));
        try {
            return guard.call(() -> adapter.sendOpened(message, credentials), DeliveryOutcome.class);
        } catch (CircuitBreakerOpenException open) {
            return RetryLater.withoutCall("circuit_open", settings.breakerDelay());
        } catch (TimeoutException timedOut) {
            return new Unknown("timeout");
        } catch (ProviderCallFailed.ServerError serverError) {
            return new RetryLater(serverError.reason(), serverError.retryAfter(), true, serverError.status());
        } catch (ProviderCallFailed.Unreachable | ProviderCallFailed.NotSent neverLeft) {
            return new RetryLater(neverLeft.reason(), Optional.empty(), false, 0);
        } catch (ProviderCallFailed.Unsendable unsendable) {
            return DeliveryOutcome.Rejected.beforeCall(unsendable.reason());
        } catch (ProviderCallFailed.TimedOut | ProviderCallFailed.ResponseLost mayHaveArrived) {
            return new Unknown(mayHaveArrived.reason());
        } catch (ProviderCredentials.Incomplete incomplete) {
            // Thrown while the request was being built: nothing was sent.
            return DeliveryOutcome.Rejected.beforeCall("credentials_incomplete:" + incomplete.field());
        } catch (Exception unexpected) {
            // Requests only go out through ProviderHttp, which classifies its own failures; an exception of another
            // kind may still have come after the request was made, so it is not known whether the message went.
            Log.warnf("send through %s failed unexpectedly: %s", integrationKey, unexpected.getClass().getSimpleName());
            return new Unknown("unexpected_error");
        }
    }

    /**
     * Remembers until when an open breaker refuses calls, and tells the listener (which flags the integration for the
     * merchant while it is open). A listener that fails never affects the send.
     */
    private void breakerChanged(IntegrationKey integrationKey, Provider provider, CircuitBreakerState state) {
        // Counted by provider only (a breaker is an integration's, but no metric has a merchant dimension): the alarm
        // "<provider>-breaker-open" reads ProviderBreakerOpened; the attention flag says which integration.
        if (state == CircuitBreakerState.OPEN) {
            metrics.increment(BREAKER_OPENED, Map.of("provider", provider.key()));
        } else if (state == CircuitBreakerState.CLOSED) {
            metrics.increment(BREAKER_CLOSED, Map.of("provider", provider.key()));
        }
        if (state == CircuitBreakerState.OPEN) {
            openUntilNanos.put(integrationKey, System.nanoTime() + settings.breakerDelay().toNanos());
        } else {
            openUntilNanos.remove(integrationKey);
        }
        try {
            if (state == CircuitBreakerState.OPEN) {
                breakers.providerFailing(integrationKey, provider);
            } else if (state == CircuitBreakerState.CLOSED) {
                breakers.providerRecovered(integrationKey);
            }
        } catch (RuntimeException e) {
            Log.warnf("breaker of %s is %s; attention flag not written (%s)", integrationKey, state, e.getClass().getSimpleName());
        }
    }

    private Guard newPreparationGuard() {
        return retryingOnlyWithoutConnection()
                .withTimeout()
                    .duration(settings.callTimeout().toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
    }

    /** One quick retry, and only when the connection could not be made: a request that may have arrived is never repeated. */
    private Guard.Builder retryingOnlyWithoutConnection() {
        long connectRetryDelay = settings.connectRetryDelay().toMillis();
        return Guard.create()
                .withRetry()
                    .maxRetries(1)
                    .delay(connectRetryDelay, ChronoUnit.MILLIS)
                    .jitter(connectRetryDelay / 2, ChronoUnit.MILLIS)
                    .retryOn(ProviderCallFailed.Unreachable.class)
                    .done();
    }

    private Guard newGuard(IntegrationKey integrationKey, Provider provider) {
        Duration timeout = settings.callTimeout();
        return retryingOnlyWithoutConnection()
                .withCircuitBreaker()
                    .failOn(List.of(ProviderCallFailed.ServerError.class, ProviderCallFailed.TimedOut.class, TimeoutException.class))
                    .requestVolumeThreshold(settings.breakerRequestVolume())
                    .failureRatio(settings.breakerFailureRatio())
                    .delay(settings.breakerDelay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(1)
                    .onStateChange(state -> breakerChanged(integrationKey, provider, state))
                    .done()
                .withTimeout()
                    .duration(timeout.toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
    }
}
