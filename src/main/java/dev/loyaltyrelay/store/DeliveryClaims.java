package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;
import static dev.loyaltyrelay.store.DeliveryItems.NEW;
import static dev.loyaltyrelay.store.DeliveryItems.attempts;
import static dev.loyaltyrelay.store.DeliveryItems.budgetFrom;
import static dev.loyaltyrelay.store.DeliveryItems.heldUntil;
import static dev.loyaltyrelay.store.DeliveryItems.leaseLapsed;
import static dev.loyaltyrelay.store.DeliveryItems.status;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger.AlreadyFinished;
import dev.loyaltyrelay.domain.DeliveryLedger.Budget;
import dev.loyaltyrelay.domain.DeliveryLedger.BudgetSpent;
import dev.loyaltyrelay.domain.DeliveryLedger.ClaimResult;
import dev.loyaltyrelay.domain.DeliveryLedger.Claimed;
import dev.loyaltyrelay.domain.DeliveryLedger.HeldElsewhere;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.StoreUnavailable;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Claims on delivery records: the lease under which one provider call is made, taken in one conditional write, and
 * given back when the store's answer to it was lost.
 */
record DeliveryClaims(DeliveryRecords records, DeliveryChanges changes, RelayConfig.Delivery settings) {

    ClaimResult claim(DeliveryJob job, Budget budget, String credentialsDigest, Instant now) {
        String token = UUID.randomUUID().toString();
        Instant leaseUntil = now.plus(settings.lease());
        var update = new ItemUpdate();
        changes.firstWrite(update, job, true);
        update.set("status", s(DeliveryStatus.SENDING.name()))
                .set("token", s(token))
                .set("leaseUntil", n(leaseUntil.toEpochMilli()))
                .set("claimedAt", n(now.toEpochMilli()))
                .set("updatedAt", n(now.toEpochMilli()))
                .setFromOld("priorStatus", "status", s(NEW))
                .setFromOld("priorToken", "token", s(NEW));
        if (credentialsDigest != null) {
            update.set("credentialsDigest", s(credentialsDigest));
        }
        // A new delivery is claimable while its age budget (from ingest) lasts; an existing one while it waits or its
        // lease lapsed, and its budget (calls made, time since ingest or its latest reopening) is not spent.
        String existingClaimable = "(" + DeliveryChanges.claimable(update, now, true) + ") AND " + update.name("attempts") + " < "
                + update.value(n(budget.maxAttempts())) + " AND " + update.name("budgetFrom") + " > "
                + update.value(n(budget.oldestStart().toEpochMilli()));
        boolean newStillInBudget = job.receivedAt().isAfter(budget.oldestStart());
        String condition = (newStillInBudget ? "attribute_not_exists(" + update.name(Keys.PK) + ") OR " : "") + "(" + existingClaimable + ")";
        ConditionalUpdate written;
        try {
            written = records.update("claim delivery", job.deliveryId(), update, condition);
        } catch (StoreUnavailable unanswered) {
            // The claim may have been written although no answer came back: give it up, or its lapse would read as a call.
            releaseIfOurs(job.deliveryId(), token);
            throw unanswered;
        }
        if (written.applied()) {
            Map<String, AttributeValue> previous = written.item();
            DeliveryStatus previousStatus = status(previous, "status");
            return new Claimed(job.deliveryId(), token, leaseUntil, attempts(previous), previousStatus == DeliveryStatus.SENDING,
                    previousStatus, budgetFrom(previous, job), previousStatus == DeliveryStatus.SENDING ? string(previous, "token") : null);
        }
        var existing = written.item();
        if (existing.isEmpty()) {
            return new BudgetSpent("age_exceeded", false, null);
        }
        if (token.equals(string(existing, "token"))) {
            // The SDK repeated our own claim after a lost answer: what it replaced is kept beside it.
            DeliveryStatus priorStatus = status(existing, "priorStatus");
            boolean tookOverALapse = priorStatus == DeliveryStatus.SENDING;
            return new Claimed(job.deliveryId(), token, leaseUntil, attempts(existing), tookOverALapse,
                    priorStatus, budgetFrom(existing, job), tookOverALapse ? string(existing, "priorToken") : null);
        }
        DeliveryStatus status = status(existing, "status");
        if (status.finished()) {
            return new AlreadyFinished(status);
        }
        if (status == DeliveryStatus.SENDING && !leaseLapsed(existing, now)) {
            return new HeldElsewhere(heldUntil(existing, now));
        }
        String reason = attempts(existing) >= budget.maxAttempts() ? "attempts_exhausted" : "age_exceeded";
        return new BudgetSpent(reason, status == DeliveryStatus.SENDING, string(existing, "reason"));
    }

    /**
     * Takes back a claim this caller may have written without hearing so: the delivery waits again (one UpdateItem, the
     * action the delivery functions' roles allow). A claim that replaced a lapsed one is left as it is, since that lapse
     * still means an earlier request may have gone out. Best effort: the store has just failed.
     */
    private void releaseIfOurs(String deliveryId, String token) {
        Counted pending = Counted.of(DeliveryStatus.RETRY_SCHEDULED, null);
        var update = new ItemUpdate()
                .set("status", s(DeliveryStatus.RETRY_SCHEDULED.name()))
                .set("reason", s("claim_released"))
                .set("leaseUntil", n(0))
                .set("counted", s(pending.encode()));
        String condition = DeliveryChanges.tokenAndStatus(update, token, DeliveryStatus.SENDING) + " AND " + update.name("priorStatus") + " IN ("
                + update.value(s(NEW)) + ", " + update.value(s(DeliveryStatus.RETRY_SCHEDULED.name())) + ", "
                + update.value(s(DeliveryStatus.DEFERRED.name())) + ")";
        try {
            records.update("release unanswered claim", deliveryId, update, condition);
        } catch (RuntimeException stillFailing) {
            // Its lease lapses; the lapse is read as a possible call (never a duplicate).
        }
    }
}
