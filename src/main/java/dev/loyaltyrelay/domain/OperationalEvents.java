package dev.loyaltyrelay.domain;

/**
 * Where {@link OperationalEvent}s go (EventBridge in AWS). Called after the fact is durably recorded, by the writer that
 * recorded it. Never throws: a fact that could not be published is logged (no personal data) and counted, and whatever
 * recorded it (a delivery, an admin call, a receipt) goes on as if it had been published, so a publish failure never
 * fails or retries a delivery.
 */
public interface OperationalEvents {

    void publish(OperationalEvent event);

    /** Many facts recorded by one call (a bulk consent upload): the same as publishing each, in fewer requests where the bus allows. */
    default void publishAll(java.util.List<OperationalEvent> events) {
        events.forEach(this::publish);
    }
}
