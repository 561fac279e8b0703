package dev.loyaltyrelay.domain;

/**
 * A queue refused a job for what it is (larger than a message may be, say), not because it could not be reached:
 * sending it again cannot help. The message carries a reason code, never the job.
 */
public class QueueRefused extends RuntimeException {

    private final String reason;

    public QueueRefused(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** A code: {@code job_too_large}, or the queue's own error code. */
    public String reason() {
        return reason;
    }
}
