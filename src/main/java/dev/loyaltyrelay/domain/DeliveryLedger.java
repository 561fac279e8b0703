package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The delivery records: one per delivery id. Every change is one conditional write, so a job the queue delivers
 * twice is sent once. Every write also sets what the delivery counts as in the figures ({@code counted}): the figures
 * are a projection of the records' changes (their stream), so they follow the records and count each delivery once.
 * <p>
 * A provider call is made only under a claim ({@link #claim}), taken as the last step before the message request:
 * everything that can fail without sending (loading the integration, opening credentials, rendering, an open
 * breaker, a preparatory request) happens before it, and ends the delivery or makes it wait with {@link #settle},
 * which never takes a claim. A claim whose lease lapsed therefore means a request may have reached the provider.
 * <p>
 * Every write carries a fresh token and keeps the state it replaced, so a write the SDK repeats after a lost
 * answer is recognised as the caller's own and not mistaken for another function's.
 * Methods throw {@link StoreUnavailable} when the store cannot be reached.
 */
public interface DeliveryLedger {

    /**
     * Claims the delivery for one provider call, with a lease, in one conditional write. Succeeds for a new delivery,
     * one waiting for a retry, and one whose lease lapsed (then {@link Claimed#previousAttemptMayHaveSent()}), and
     * only while its budget is not spent. {@code jobJson}, when given, is kept on the record for a resend.
     */
    default ClaimResult claim(DeliveryJob job, String jobJson, Budget budget, Instant now) {
        return claim(job, jobJson, budget, null, now);
    }

    /**
     * {@link #claim(DeliveryJob, String, Budget, Instant)} of an attempt that sends with the integration's credentials
     * whose digest is {@code credentialsDigest}: the record keeps it, so a failure the provider reports later is laid at
     * those credentials' door only while they are still the integration's.
     */
    ClaimResult claim(DeliveryJob job, String jobJson, Budget budget, String credentialsDigest, Instant now);

    /**
     * Writes the outcome of the claimed attempt and gives the lease up. A {@code DEFERRED} outcome earns the credit a
     * deferral without a claim does ({@link #defer}).
     *
     * @return {@link Written}, or {@link ClaimLost} when the lease lapsed and another function took the delivery over
     *         (its record stands)
     */
    WriteResult record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now);

    /**
     * {@link #record} of a delivery given up ({@code EXHAUSTED}): {@code outcome} is its last failure, {@code givenUpBy}
     * the budget that ended it ({@code attempts_exhausted}, {@code age_exceeded}, {@code receives_exhausted}).
     */
    WriteResult recordGivenUp(Claimed claim, DeliveryOutcome outcome, String givenUpBy, Instant now);

    /**
     * Ends a delivery, or makes it wait, without a provider call and without a claim: refused before the call
     * (rendering, configuration), waiting (breaker open, store unavailable) or given up. Succeeds for a new delivery
     * and one waiting for a retry; over a lapsed lease only when {@link Settlement#overLapsedLease()}.
     */
    SettleResult settle(DeliveryJob job, String jobJson, Settlement settlement, Instant now);

    /**
     * Records the delivery {@code DEFERRED} until {@code nextAttemptAt}, without a claim (quiet hours are decided before
     * one is taken, so a function that dies here has sent nothing). A deferral spends none of the age budget: its start
     * moves on by the part of the wait no deferral on the record covers yet (a second copy of the job deferred in the
     * same quiet hours credits nothing more), and by {@code mostCredit} over the delivery's life at the most, so a
     * delivery deferred day after day still ends. Refused as {@link #settle} is: a finished delivery, a live claim
     * elsewhere, a lapsed claim (unless {@code overLapsedLease}).
     *
     * @return {@link Settled} with the budget's start after the credit
     */
    SettleResult defer(DeliveryJob job, String jobJson, DeliveryOutcome.Deferred deferred, Instant nextAttemptAt, java.time.Duration mostCredit,
            boolean overLapsedLease, Instant now);

    /** The delivery's record, if one was ever written. */
    Optional<DeliveryRecord> find(String deliveryId);

    /** The job as the delivery first carried it (for a resend), if the record still has it. */
    Optional<String> job(String deliveryId);

    /**
     * Makes the delivery claimable again with a fresh attempt and age budget, if it still is as {@code record} shows
     * it (it then counts as pending again). A trail entry says why.
     *
     * @return the reopening's token (for {@link #undoReopen}), or empty when the record changed meanwhile
     */
    Optional<String> reopen(DeliveryRecord record, Reopening reopening, Instant now);

    /**
     * Gives a delivery that is waiting, or was never recorded, a fresh attempt and age budget (a redrive of its letter,
     * which may have waited on the dead-letter queue for days). Returns false when it is neither (being attempted, or
     * finished meanwhile).
     */
    boolean renewBudget(DeliveryJob job, String jobJson, Reopening reopening, Instant now);

    /**
     * Puts a reopened delivery back as {@code before} showed it, when nothing took it up since (its requeue
     * failed). Returns false when it changed meanwhile.
     */
    boolean undoReopen(DeliveryRecord before, String reopenToken, Instant now);

    /** A merchant's deliveries, newest first, filtered and paged. */
    DeliveryPage list(String merchantId, DeliveryQuery query);

    /**
     * Erasure: replaces the recipient of every delivery of the merchant to {@code recipient} and drops the kept job;
     * a delivery still waiting for a retry is ended {@code SUPPRESSED} ({@code recipient_erased}), so its queued job
     * is never sent. Returns how many records were changed.
     */
    int eraseRecipient(String merchantId, Recipient recipient, Instant now);

    /** Why a finished delivery is reopened; the trail says it. */
    enum Reopening {
        /** The operator redrove the provider's dead letters: only a delivery given up ({@code EXHAUSTED}). */
        REDRIVE("reopened_by_redrive"),
        /** The merchant asked for this delivery to be sent again: any finished delivery. */
        RESEND("resend_requested");

        private final String reason;

        Reopening(String reason) {
            this.reason = reason;
        }

        /** The reason code the record and its trail show. */
        public String reason() {
            return reason;
        }
    }

    /**
     * The limits within which a delivery may still be attempted.
     *
     * @param maxAttempts provider calls allowed in all
     * @param oldestStart the delivery's budget (from ingest, or its latest reopening) must have started after this
     */
    record Budget(int maxAttempts, Instant oldestStart) {
        /** No limit: for a claim taken only to record an outcome already known, with no call. */
        public static final Budget UNLIMITED = new Budget(Integer.MAX_VALUE, Instant.EPOCH);
    }

    /**
     * A change made without a provider call.
     *
     * @param status          the new status
     * @param outcome         why
     * @param nextAttemptAt   when a waiting delivery is due again, else null
     * @param overLapsedLease whether it may replace a lapsed claim (the caller has decided what the lapsed attempt means)
     * @param givenUpBy       for {@code EXHAUSTED}: the budget that ended it; else null
     */
    record Settlement(DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, boolean overLapsedLease, String givenUpBy) {
        public Settlement(DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, boolean overLapsedLease) {
            this(status, outcome, nextAttemptAt, overLapsedLease, null);
        }
    }

    /**
     * @param from      received at or after, or null
     * @param to        received before, or null
     * @param status    only this status, or null
     * @param topic     only this topic, or null
     * @param provider  only this provider, or null
     * @param recipient only to this address (E.164 or lower-cased email), or null
     * @param limit     page size
     * @param cursor    where the previous page ended, or null
     * @param reason    only this reason ({@code opted_out}, {@code recipient_opted_out}, ...), or null
     */
    record DeliveryQuery(Instant from, Instant to, DeliveryStatus status, String topic, Provider provider, String recipient, int limit,
            String cursor, String reason) {
        public DeliveryQuery(Instant from, Instant to, DeliveryStatus status, String topic, Provider provider, String recipient, int limit,
                String cursor) {
            this(from, to, status, topic, provider, recipient, limit, cursor, null);
        }
    }

    /** A page cursor that this ledger did not give out. */
    final class InvalidCursor extends RuntimeException {
        public InvalidCursor() {
            super("invalid cursor", null, false, false);
        }
    }

    /** One page, and the cursor of the next (null at the end). */
    record DeliveryPage(List<DeliveryRecord> deliveries, String nextCursor) {
    }

    sealed interface ClaimResult permits Claimed, AlreadyFinished, HeldElsewhere, BudgetSpent {
    }

    sealed interface SettleResult permits Settled, AlreadyFinished, HeldElsewhere, LapsedMidCall {
    }

    sealed interface WriteResult permits Written, ClaimLost {
    }

    /**
     * This caller owns the delivery until {@code leaseUntil}.
     *
     * @param deliveryId                 the delivery
     * @param token                      proves ownership when the outcome is recorded
     * @param leaseUntil                 until when
     * @param attemptsSoFar              provider calls made by earlier attempts
     * @param previousAttemptMayHaveSent an earlier claim lapsed: its request may have reached the provider
     * @param previousStatus             the status before this claim, or null for a new delivery
     * @param budgetFrom                 when the delivery's age budget started: ingest, or its latest reopening
     * @param lapsedToken                the token of the claim that lapsed, when {@code previousAttemptMayHaveSent}; else null
     */
    record Claimed(String deliveryId, String token, Instant leaseUntil, int attemptsSoFar, boolean previousAttemptMayHaveSent,
            DeliveryStatus previousStatus, Instant budgetFrom, String lapsedToken) implements ClaimResult {
    }

    /** The delivery already ended ({@code status}); nothing is to be done. */
    record AlreadyFinished(DeliveryStatus status) implements ClaimResult, SettleResult {
    }

    /** Another function holds a live lease on it. */
    record HeldElsewhere(Instant leaseUntil) implements ClaimResult, SettleResult {
    }

    /**
     * The delivery could be claimed but has no budget left: it is to be given up without a call.
     *
     * @param reason                     {@code attempts_exhausted} or {@code age_exceeded}
     * @param previousAttemptMayHaveSent its last claim lapsed: a request may have reached the provider
     * @param lastReason                 the reason its record showed (its last failure), or null for a new delivery
     */
    record BudgetSpent(String reason, boolean previousAttemptMayHaveSent, String lastReason) implements ClaimResult {
    }

    /**
     * The settlement was written.
     *
     * @param previousStatus the status it replaced, or null for a new delivery
     * @param budgetFrom     when the delivery's age budget started
     * @param attemptsSoFar  provider calls made before this change
     */
    record Settled(DeliveryStatus previousStatus, Instant budgetFrom, int attemptsSoFar) implements SettleResult {
    }

    /** An earlier claim lapsed: a request may have reached the provider; the caller decides what that means first. */
    record LapsedMidCall() implements SettleResult {
    }

    /** The outcome was written. */
    record Written() implements WriteResult {
    }

    /** The claim was lost to another function. */
    record ClaimLost() implements WriteResult {
    }
}
