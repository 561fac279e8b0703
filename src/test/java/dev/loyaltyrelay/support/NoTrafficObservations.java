package dev.loyaltyrelay.support;

import dev.loyaltyrelay.domain.ObservedEvent;
import dev.loyaltyrelay.domain.ObservedTopic;
import dev.loyaltyrelay.domain.TrafficObservations;
import java.time.Instant;
import java.util.List;

/**
 * Observations that keep nothing, for tests of ingest built by hand whose traces must not depend on the learning write's
 * timing (it runs on a thread of its own); the learning itself is tested on DynamoDB Local.
 */
public final class NoTrafficObservations implements TrafficObservations {

    @Override
    public void record(String merchantId, ObservedEvent event, Instant at) {
    }

    @Override
    public List<ObservedTopic> list(String merchantId) {
        return List.of();
    }
}
