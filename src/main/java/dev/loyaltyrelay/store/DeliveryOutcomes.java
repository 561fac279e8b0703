package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;
import static dev.loyaltyrelay.store.DeliveryItems.NEW;
import static dev.loyaltyrelay.store.DeliveryItems.attempts;
import static dev.loyaltyrelay.store.DeliveryItems.budgetFrom;
import static dev.loyaltyrelay.store.DeliveryItems.heldUntil;
import static dev.loyaltyrelay.store.DeliveryItems.leaseLapsed;
import static dev.loyaltyrelay.store.DeliveryItems.status;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger.AlreadyFinished;
import dev.loyaltyrelay.domain.DeliveryLedger.ClaimLost;
import dev.loyaltyrelay.domain.DeliveryLedger.Claimed;
import dev.loyaltyrelay.domain.DeliveryLedger.HeldElsewhere;
import dev.loyaltyrelay.domain.DeliveryLedger.LapsedMidCall;
import dev.loyaltyrelay.domain.DeliveryLedger.SettleResult;
import dev.loyaltyrelay.domain.DeliveryLedger.Settled;
import dev.loyaltyrelay.domain.DeliveryLedger.Settlement;
import dev.loyaltyrelay.domain.DeliveryLedger.WriteResult;
import dev.loyaltyrelay.domain.DeliveryLedger.Written;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import dev.loyaltyrelay.domain.StoreUnavailable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Outcomes written to delivery records: under the claim of the attempt that called, or settled without a call. */
record DeliveryOutcomes(DeliveryRecords records, DeliveryChanges changes) {

    /**
     * The claimed attempt's outcome, giving the lease up; {@code givenUpBy} only for a delivery given up ({@code EXHAUSTED});
     * {@code jobNotKept} (deflated) when the job could not be kept beside the record, so the record keeps it instead.
     */
    WriteResult record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, String givenUpBy, byte[] jobNotKept,
            Instant now) {
        var update = new ItemUpdate();
        if (jobNotKept != null) {
            update.set(DeliveryJobs.DEFLATED_JOB, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(jobNotKept)));
        }
        DeliveryChanges.outcome(update, status, outcome, nextAttemptAt, givenUpBy, now);
        if (status == DeliveryStatus.DEFERRED && nextAttemptAt != null) {
            // Deferred under a claim (an attempt that took a lapsed claim over): credited as an unclaimed deferral is. The
            // record is ours until this write, so what it shows now is what the credit is worked out from.
            Map<String, AttributeValue> read = records.read("read delivery before deferring", claim.deliveryId());
            long credit = deferralCredit(read, status(read, "priorStatus"), nextAttemptAt, changes.settings().maxDeferral(), now);
            update.set("budgetFrom", n(claim.budgetFrom().plusMillis(credit).toEpochMilli()))
                    .set("deferredMillis", n(number(read, "deferredMillis").orElse(0L) + credit));
        }
        if (outcome instanceof DeliveryOutcome.Suppressed suppressed && suppressed.recipientErased()) {
            // Erased while its attempt was being prepared: the claim wrote the address; this write takes it back.
            DeliveryChanges.scrubRecipient(update);
        }
        String condition = DeliveryChanges.tokenAndStatus(update, claim.token(), DeliveryStatus.SENDING);
        ConditionalUpdate written = records.update("record delivery outcome", claim.deliveryId(), update, condition);
        if (written.applied()) {
            return new Written();
        }
        var existing = written.item();
        // The SDK repeated our own write after a lost answer: the token is still ours and the status moved on.
        if (claim.token().equals(string(existing, "token")) && status(existing, "status") != DeliveryStatus.SENDING) {
            return new Written();
        }
        return new ClaimLost();
    }

    /** Races lost to another write of the record before a deferral gives up (the caller waits as for a store failure). */
    private static final int DEFERRAL_TRIES = 4;

    /**
     * {@link dev.loyaltyrelay.domain.DeliveryLedger#defer}: the record is read first (consistently), the credit worked out
     * from what it shows, and the deferral written on the condition that the record is still as read (its status and
     * token, which every other write of an unfinished delivery changes); a lost race reads again.
     */
    SettleResult defer(DeliveryJob job, DeliveryOutcome.Deferred deferred, Instant nextAttemptAt, Duration mostCredit,
            boolean overLapsedLease, Instant now) {
        for (int tries = 0; tries < DEFERRAL_TRIES; tries++) {
            Map<String, AttributeValue> read = records.read("read delivery before deferring", job.deliveryId());
            DeliveryStatus status = status(read, "status");
            if (status != null && status.finished()) {
                return new AlreadyFinished(status);
            }
            if (status == DeliveryStatus.SENDING && !leaseLapsed(read, now)) {
                return new HeldElsewhere(heldUntil(read, now));
            }
            if (status == DeliveryStatus.SENDING && !overLapsedLease) {
                return new LapsedMidCall();
            }
            long creditedSoFar = number(read, "deferredMillis").orElse(0L);
            long credit = deferralCredit(read, status, nextAttemptAt, mostCredit, now);
            Instant budgetFrom = budgetFrom(read, job).plusMillis(credit);

            String token = UUID.randomUUID().toString();
            var update = new ItemUpdate();
            changes.firstWrite(update, job, true, false);
            DeliveryChanges.outcome(update, DeliveryStatus.DEFERRED, deferred, nextAttemptAt, null, now);
            update.set("token", s(token)).setFromOld("priorStatus", "status", s(NEW))
                    .set("budgetFrom", n(budgetFrom.toEpochMilli()))
                    .set("deferredMillis", n(creditedSoFar + credit));
            String condition = read.isEmpty() ? "attribute_not_exists(" + update.name(Keys.PK) + ")"
                    : update.name("status") + " = " + update.value(s(status.name())) + " AND " + sameToken(update, string(read, "token"));
            if (records.update("defer delivery", job.deliveryId(), update, condition).applied()) {
                return new Settled(status, budgetFrom, attempts(read));
            }
        }
        throw new StoreUnavailable("defer delivery", new IllegalStateException("the record kept changing"));
    }

    /**
     * The age budget a deferral until {@code nextAttemptAt} earns: the part of the wait no deferral on the record covers
     * yet (one that was {@code DEFERRED} until later than now: a copy deferred earlier in the same quiet hours), and no
     * more than what is left of {@code mostCredit} over the delivery's life.
     *
     * @param statusBefore the status the record had before this attempt (its {@code priorStatus} under a claim)
     */
    static long deferralCredit(Map<String, AttributeValue> read, DeliveryStatus statusBefore, Instant nextAttemptAt, Duration mostCredit, Instant now) {
        Instant covered = now;
        Optional<Long> alreadyUntil = number(read, "nextAttemptAt");
        if (statusBefore == DeliveryStatus.DEFERRED && alreadyUntil.isPresent() && alreadyUntil.get() > now.toEpochMilli()) {
            covered = Instant.ofEpochMilli(alreadyUntil.get());
        }
        long creditedSoFar = number(read, "deferredMillis").orElse(0L);
        return Math.max(0, Math.min(Duration.between(covered, nextAttemptAt).toMillis(), mostCredit.toMillis() - creditedSoFar));
    }

    private static String sameToken(ItemUpdate update, String token) {
        return token == null ? "attribute_not_exists(" + update.name("token") + ")" : update.name("token") + " = " + update.value(s(token));
    }

    SettleResult settle(DeliveryJob job, Settlement settlement, Instant now) {
        String token = UUID.randomUUID().toString();
        DeliveryOutcome outcome = settlement.outcome();
        var update = new ItemUpdate();
        changes.firstWrite(update, job, !outcome.providerCalled());
        DeliveryChanges.outcome(update, settlement.status(), outcome, settlement.nextAttemptAt(), settlement.givenUpBy(), now);
        update.set("token", s(token)).setFromOld("priorStatus", "status", s(NEW));
        // Not over our own write: a wait repeated by the SDK would otherwise apply twice (and count twice).
        String condition = "(attribute_not_exists(" + update.name(Keys.PK) + ") OR ("
                + DeliveryChanges.claimable(update, now, settlement.overLapsedLease()) + ")) AND (attribute_not_exists("
                + update.name("token") + ") OR " + update.name("token") + " <> " + update.value(s(token)) + ")";
        ConditionalUpdate written = records.update("settle delivery", job.deliveryId(), update, condition);
        if (written.applied()) {
            var previous = written.item();
            return new Settled(status(previous, "status"), budgetFrom(previous, job), attempts(previous));
        }
        var existing = written.item();
        if (token.equals(string(existing, "token"))) {
            return new Settled(status(existing, "priorStatus"), budgetFrom(existing, job), attempts(existing));
        }
        DeliveryStatus status = status(existing, "status");
        if (status != null && status.finished()) {
            return new AlreadyFinished(status);
        }
        if (status == DeliveryStatus.SENDING && !leaseLapsed(existing, now)) {
            return new HeldElsewhere(heldUntil(existing, now));
        }
        return new LapsedMidCall();
    }
}
