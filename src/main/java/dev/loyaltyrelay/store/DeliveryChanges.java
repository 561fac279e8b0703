package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.DeliveryItems.ERASED;
import static dev.loyaltyrelay.store.DeliveryItems.trailEntry;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger.Reopening;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import java.time.Instant;

/**
 * What the writes of a delivery record set, and the conditions they share: a first write's fields, an outcome, a
 * reopening, an erased recipient. Every change names what the delivery now counts as ({@code counted}).
 */
record DeliveryChanges(RecipientKeyring keyring, RelayConfig.Delivery settings) {

    /** The keyed hash a merchant's recipient is indexed by ({@link Keys#RECIPIENT_KEY}). */
    String recipientKey(String merchantId, Recipient recipient) {
        return keyring.hash(new RecipientKey(merchantId, recipient));
    }

    /** What every first write of a delivery sets: who it is for and what it carries, and when its budget started. */
    void firstWrite(ItemUpdate update, DeliveryJob job, boolean withAttempts) {
        firstWrite(update, job, withAttempts, true);
    }

    /** @param budgetFromReceipt whether a new record's budget starts at ingest (false: the caller sets it) */
    void firstWrite(ItemUpdate update, DeliveryJob job, boolean withAttempts, boolean budgetFromReceipt) {
        boolean erased = ERASED.equals(job.recipient().address());
        update.setOnce("merchantId", s(job.merchantId()))
                .setOnce("provider", s(job.provider().key()))
                .setOnce("integrationId", s(job.integrationId()))
                .setOnce("mappingId", s(job.mapping().mappingId()))
                .setOnce("topic", s(job.topic()))
                .setOnce("template", s(job.mapping().templateId() != null ? job.mapping().templateId() : job.mapping().effectiveEventName()))
                .setOnce("nectorDeliveryId", s(job.nectorDeliveryId()))
                .setOnce("recipientKind", s(job.recipient().kind().name()))
                .setOnce("receivedAt", n(job.receivedAt().toEpochMilli()))
                .setOnce(Keys.LISTED_AT, s(Keys.listedAt(job.receivedAt(), job.deliveryId())))
                .setOnce(Keys.EXPIRES_AT, n(job.receivedAt().plus(settings.recordRetention()).getEpochSecond()));
        if (budgetFromReceipt) {
            update.setOnce("budgetFrom", n(job.receivedAt().toEpochMilli()));
        }
        if (erased) {
            // Whatever an earlier write kept of the person goes: the address, its index key and the job.
            scrubRecipient(update);
        } else {
            update.setOnce("recipient", s(job.recipient().address()))
                    .setOnce("recipientMasked", s(job.recipient().masked()))
                    .setOnce(Keys.RECIPIENT_KEY, s(recipientKey(job.merchantId(), job.recipient())));
        }
        if (withAttempts) {
            update.setOnce("attempts", n(0));
        }
    }

    /**
     * What an outcome sets on the record, and what the delivery now counts as (keeping what it counted as before); a
     * provider call counts as an attempt, anything else as a wait.
     */
    static void outcome(ItemUpdate update, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, String givenUpBy,
            Instant now) {
        update.set("status", s(status.name()))
                .set("reason", s(outcome.reason()))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("leaseUntil", n(0));
        Counted counted = Counted.of(status, outcome.reason());
        if (counted != null) {
            update.set("counted", s(counted.encode()));
        }
        if (outcome instanceof DeliveryOutcome.Sent sent && sent.providerMessageId() != null) {
            update.set("providerMessageId", s(sent.providerMessageId()));
        }
        if (status.finished()) {
            update.set("finishedAt", n(now.toEpochMilli()));
        }
        if (givenUpBy != null) {
            update.set("givenUpBy", s(givenUpBy));
        } else {
            update.remove("givenUpBy");
        }
        if (nextAttemptAt != null) {
            update.set("nextAttemptAt", n(nextAttemptAt.toEpochMilli()));
        } else {
            // A scheduled retry's time means nothing once the delivery has moved on.
            update.remove("nextAttemptAt");
        }
        if (outcome.providerCalled() || status.finished() || status == DeliveryStatus.DEFERRED) {
            update.append("trail", trailEntry(status, outcome.reason(), outcome.providerCalled(), httpStatus(outcome), now));
        }
        update.add(outcome.providerCalled() ? "attempts" : "waits", 1);
    }

    /** A fresh attempt and age budget: the delivery waits again (counted as pending), with {@code token}; the trail says why. */
    static void reopening(ItemUpdate update, Reopening reopening, String token, Instant now) {
        update.set("status", s(DeliveryStatus.RETRY_SCHEDULED.name()))
                .set("reason", s(reopening.reason()))
                .set("attempts", n(0))
                .set("budgetFrom", n(now.toEpochMilli()))
                .set("reopenedAt", n(now.toEpochMilli()))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("leaseUntil", n(0))
                .set("token", s(token))
                .set("counted", s(Counted.of(DeliveryStatus.RETRY_SCHEDULED, null).encode()))
                .append("trail", trailEntry(DeliveryStatus.RETRY_SCHEDULED, reopening.reason(), false, 0, now))
                .remove("givenUpBy")
                .remove("nextAttemptAt");
    }

    /**
     * Takes the person out of the record: the address and its masked form read as erased, the index key and a job the
     * record carries (one that could not be kept apart) go. The job kept apart ({@link DeliveryJobs}) is forgotten by
     * whoever scrubs, before the scrub.
     */
    static ItemUpdate scrubRecipient(ItemUpdate update) {
        return update.set("recipient", s(ERASED)).set("recipientMasked", s(ERASED)).remove(DeliveryJobs.DEFLATED_JOB).remove(Keys.RECIPIENT_KEY);
    }

    /** Condition: the record still carries {@code token} and is in {@code status}. */
    static String tokenAndStatus(ItemUpdate update, String token, DeliveryStatus status) {
        return update.name("token") + " = " + update.value(s(token)) + " AND " + update.name("status") + " = " + update.value(s(status.name()));
    }

    /** Condition: waiting for a retry or quiet hours, or a lease that lapsed ({@code withLapsedLease}). */
    static String claimable(ItemUpdate update, Instant now, boolean withLapsedLease) {
        String status = update.name("status");
        String waiting = status + " IN (" + update.value(s(DeliveryStatus.RETRY_SCHEDULED.name())) + ", "
                + update.value(s(DeliveryStatus.DEFERRED.name())) + ")";
        if (!withLapsedLease) {
            return waiting;
        }
        return waiting + " OR (" + status + " = " + update.value(s(DeliveryStatus.SENDING.name())) + " AND " + update.name("leaseUntil")
                + " < " + update.value(n(now.toEpochMilli())) + ")";
    }

    private static int httpStatus(DeliveryOutcome outcome) {
        return switch (outcome) {
            case DeliveryOutcome.Sent sent -> sent.httpStatus();
            case DeliveryOutcome.RetryLater retry -> retry.httpStatus();
            case DeliveryOutcome.Rejected rejected -> rejected.httpStatus();
            default -> 0;
        };
    }
}
