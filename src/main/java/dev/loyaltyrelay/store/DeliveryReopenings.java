package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.DeliveryItems.encode;
import static dev.loyaltyrelay.store.DeliveryItems.trailEntry;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger.Reopening;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Fresh budgets for delivery records: a finished delivery reopened (resend, redrive), a waiting or unrecorded one renewed
 * (a redriven letter), and a reopening undone when its requeue failed. Each write carries its own token, so one applied
 * with its answer lost is still recognised as the caller's.
 */
record DeliveryReopenings(DeliveryRecords records, DeliveryChanges changes) {

    Optional<String> reopen(DeliveryRecord record, Reopening reopening, Instant now) {
        String token = UUID.randomUUID().toString();
        var update = new ItemUpdate();
        DeliveryChanges.reopening(update, reopening, token, now);
        update.set("priorStatus", s(record.status().name())).remove("finishedAt");
        // Only as the caller saw it: a delivery that moved on meanwhile (another reopening) is not reopened twice.
        String condition = update.name("status") + " = " + update.value(s(record.status().name())) + " AND "
                + update.name("counted") + " = " + update.value(s(encode(record.counted())));
        return records.updateIfOrOwn("reopen delivery", record.deliveryId(), update, condition, token) ? Optional.of(token) : Optional.empty();
    }

    boolean renewBudget(DeliveryJob job, Reopening reopening, Instant now) {
        String token = UUID.randomUUID().toString();
        var update = new ItemUpdate();
        changes.firstWrite(update, job, false, false);
        DeliveryChanges.reopening(update, reopening, token, now);
        String condition = "attribute_not_exists(" + update.name(Keys.PK) + ") OR (" + DeliveryChanges.claimable(update, now, false) + ")";
        return records.updateIfOrOwn("renew delivery budget", job.deliveryId(), update, condition, token);
    }

    boolean undoReopen(DeliveryRecord before, String reopenToken, Instant now) {
        String token = UUID.randomUUID().toString();
        var update = new ItemUpdate()
                .set("status", s(before.status().name()))
                .set("reason", s(Objects.toString(before.reason(), "")))
                .set("attempts", n(before.attempts()))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("finishedAt", n(now.toEpochMilli()))
                .set("token", s(token))
                .set("counted", s(encode(before.counted())))
                .append("trail", trailEntry(before.status(), "reopening_undone", false, 0, now));
        if (before.givenUpBy() != null) {
            update.set("givenUpBy", s(before.givenUpBy()));
        }
        String condition = DeliveryChanges.tokenAndStatus(update, reopenToken, DeliveryStatus.RETRY_SCHEDULED);
        return records.updateIfOrOwn("undo reopening", before.deliveryId(), update, condition, token);
    }
}
