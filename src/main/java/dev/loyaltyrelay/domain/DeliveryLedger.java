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
     * have called the provider).
     */
    ClaimResult claim(DeliveryJob job, Instant now);

    /**
     * Writes the outcome of the claimed attempt and gives the lease up. Returns false when the claim was lost
     * (the lease lapsed and another function took the delivery over): that function's record stands.
     */
    boolean record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now);

    /** The delivery's record, if one was ever claimed. */
    java.util.Optional<DeliveryRecord> find(String deliveryId);

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
     */
    record Claimed(String deliveryId, String token, Instant leaseUntil, int attemptsSoFar, boolean previousAttemptMayHaveSent)
            implements ClaimResult {
    }

    /** The delivery already ended ({@code status}); nothing is to be done. */
    record AlreadyFinished(DeliveryStatus status) implements ClaimResult {
    }

    /** Another function holds a live lease on it. */
    record HeldElsewhere(Instant leaseUntil) implements ClaimResult {
    }
}
