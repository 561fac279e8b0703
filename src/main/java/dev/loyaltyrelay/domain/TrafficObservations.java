package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.List;

/**
 * What a merchant's authentic traffic has shown of each topic: its properties' names and JSON types, how often and when
 * each was last seen, and which body-HMAC scheme its signatures matched. Never a value. Methods throw
 * {@link StoreUnavailable} when the store cannot be reached.
 */
public interface TrafficObservations {

    /** At most this many distinct property names are kept per merchant and topic; more are counted, not kept. */
    int MAX_NAMES_PER_TOPIC = 200;

    /** Adds one authentic event of {@code event.topic()} received at {@code at} to the merchant's observations. */
    void record(String merchantId, ObservedEvent event, Instant at);

    /** Every topic the merchant's traffic has shown, with what it showed; empty when none. */
    List<ObservedTopic> list(String merchantId);
}
