package dev.loyaltyrelay.domain;

import java.time.Instant;

/**
 * The delivery records: one per delivery id, claimed with a lease before the provider is called, so a job
 * delivered twice by the queue is sent once. Methods throw {@link StoreUnavailable} when the store cannot be reached.
 */
public interface DeliveryLedger {

    /**
     * Claims the delivery in one conditional write, which also marks that an attempt is starting
     * ({@link DeliveryStatus#SENDING}). Succeeds for a new delivery, one waiting for a retry, and one whose
     * lease has lapsed (then {@link Claimed#previousAttemptMayHaveSent()} tells whether the lapsed attempt may
     * have called the provider). {@code jobJson}, when given, is kept on the record so the merchant can resend it.
     */
    ClaimResult claim(DeliveryJob job, String jobJson, Instant now);

    /** {@link #claim(DeliveryJob, String, Instant)} without keeping the job for a resend. */
    default ClaimResult claim(DeliveryJob job, Instant now) {
        return claim(job, null, now);
    }

    /**
     * Writes the outcome of the claimed attempt and gives the lease up. Returns false when the claim was lost
     * (the lease lapsed and another function took the delivery over): that function's record stands.
     */
    boolean record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now);

    /** The delivery's record, if one was ever claimed. */
    java.util.Optional<DeliveryRecord> find(String deliveryId);

    /** The job as the delivery first carried it (for a resend), if the record still has it. */
    java.util.Optional<String> job(String deliveryId);

    /**
     * Makes a finished delivery claimable again with a fresh budget (redrive from the DLQ, resend by the merchant).
     * Returns false when the delivery is not finished (it is still being worked on) or has no record.
     */
    boolean reopen(String deliveryId, Instant now);

    /** A merchant's deliveries, newest first, filtered and paged. */
    DeliveryPage list(String merchantId, DeliveryQuery query);

    /** Replaces the recipient of every delivery of the merchant to {@code address} (erasure); returns how many. */
    int eraseRecipient(String merchantId, String address);

    /**
     * @param from      received at or after, or null
     * @param to        received before, or null
     * @param status    only this status, or null
     * @param topic     only this topic, or null
     * @param provider  only this provider, or null
     * @param recipient only to this address (E.164 or lower-cased email), or null
     * @param limit     page size
     * @param cursor    where the previous page ended, or null
     */
    record DeliveryQuery(Instant from, Instant to, DeliveryStatus status, String topic, Provider provider, String recipient, int limit,
            String cursor) {
    }

    /** A page cursor that this ledger did not give out. */
    final class InvalidCursor extends RuntimeException {
        public InvalidCursor() {
            super("invalid cursor", null, false, false);
        }
    }

    /** One page, and the cursor of the next (null at the end). */
    record DeliveryPage(java.util.List<DeliveryRecord> deliveries, String nextCursor) {
    }

    sealed interface ClaimResult permits Claimed, AlreadyFinished, HeldElsewhere {
    }

    /**
     * This caller owns the delivery until {@code leaseUntil}.
     *
     * @param deliveryId                 the delivery
     * @param token                      proves ownership when the outcome is recorded
     * @param leaseUntil                 until when
     * @param attemptsSoFar              provider calls made by earlier attempts
     * @param previousAttemptMayHaveSent an earlier attempt lapsed while {@code SENDING}: it may have reached the provider
     * @param previousStatus             the status before this claim, or null for a new delivery
     * @param budgetFrom                 when the delivery's age budget started: ingest, or its latest redrive or resend
     */
    record Claimed(String deliveryId, String token, Instant leaseUntil, int attemptsSoFar, boolean previousAttemptMayHaveSent,
            DeliveryStatus previousStatus, Instant budgetFrom) implements ClaimResult {
    }

    /** The delivery already ended ({@code status}); nothing is to be done. */
    record AlreadyFinished(DeliveryStatus status) implements ClaimResult {
    }

    /** Another function holds a live lease on it. */
    record HeldElsewhere(Instant leaseUntil) implements ClaimResult {
    }
}
