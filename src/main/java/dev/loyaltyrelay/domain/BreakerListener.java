package dev.loyaltyrelay.domain;

import dev.loyaltyrelay.domain.IntegrationKey;

/**
 * Told when an integration's circuit breaker opens (its provider keeps failing it) or closes again, so the merchant
 * can see it. The gateway calls it from the breaker's state change; whatever it throws is logged and never affects a
 * send.
 */
public interface BreakerListener {

    void providerFailing(IntegrationKey integration);

    void providerRecovered(IntegrationKey integration);
}
