package dev.loyaltyrelay.domain;


/**
 * Told when an integration's circuit breaker opens (its provider keeps failing it) or closes again, so the merchant
 * can see it. The gateway calls it from the breaker's state change; whatever it throws is logged and never affects a
 * send.
 */
public interface BreakerListener {

    /** @param provider the provider whose calls keep failing (the one the delivery function sends through) */
    void providerFailing(IntegrationKey integration, Provider provider);

    void providerRecovered(IntegrationKey integration);
}
