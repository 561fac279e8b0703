package dev.loyaltyrelay.domain;

/** Where a delivery stands, as its record shows it. */
public enum DeliveryStatus {
    /** Claimed by a function that is working on it (or crashed while it was). */
    SENDING(false),
    /** Waiting in the queue for another attempt. */
    RETRY_SCHEDULED(false),
    /** Waiting for the end of the customer's quiet hours. */
    DEFERRED(false),
    /** The provider accepted it. */
    SENT(true),
    /** It will never be sent as it stands; the reason says why. */
    REJECTED(true),
    /** Sent, but whether the provider accepted it is unknown; not resent (see {@code relay.delivery.unknown-outcome}). */
    UNKNOWN(true),
    /** Not sent on purpose (consent, frequency). */
    SUPPRESSED(true),
    /** Out of attempts or age; moved to the provider's dead-letter queue. */
    EXHAUSTED(true);

    private final boolean finished;

    DeliveryStatus(boolean finished) {
        this.finished = finished;
    }

    /** A finished delivery is never attempted again; a repeat of its job is a duplicate. */
    public boolean finished() {
        return finished;
    }
}
