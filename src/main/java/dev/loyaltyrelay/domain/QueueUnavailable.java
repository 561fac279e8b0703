package dev.loyaltyrelay.domain;

/** A delivery queue refused or could not take a job; nothing may be assumed enqueued. */
public class QueueUnavailable extends RuntimeException {
    public QueueUnavailable(String reason, Throwable cause) {
        super(reason, cause);
    }
}
