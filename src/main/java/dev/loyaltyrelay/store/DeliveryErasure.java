package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.DeliveryItems.trailEntry;

import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Recipient;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Erasure from delivery records: found by the keyed hash of the merchant's recipient (the records table's recipient
 * index), each record loses the person's address and kept job, and one still waiting is ended so it is never sent.
 */
record DeliveryErasure(DeliveryRecords records, DeliveryChanges changes, DeliveryJobs jobs) {

    int eraseRecipient(String merchantId, Recipient recipient, Instant now) {
        String recipientKey = changes.recipientKey(merchantId, recipient);
        int erased = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            var response = records.query("find a recipient's deliveries", startKey, r -> r.indexName(Keys.DELIVERIES_BY_RECIPIENT_INDEX)
                    .keyConditionExpression("#recipientKey = :recipientKey")
                    .expressionAttributeNames(Map.of("#recipientKey", Keys.RECIPIENT_KEY))
                    .expressionAttributeValues(Map.of(":recipientKey", s(recipientKey))));
            for (var key : response.items()) {
                Optional<DeliveryRecord> found = records.find(DeliveryRecords.deliveryId(key));
                if (found.isEmpty() || !merchantId.equals(found.get().merchantId())) {
                    continue;
                }
                DeliveryRecord record = found.get();
                // The job's tombstone first: the scrub takes the record out of this index, so an erasure that failed after it
                // would not find the record again when repeated.
                jobs.forget(record.deliveryId(), record.receivedAt());
                boolean waiting = record.status() == DeliveryStatus.RETRY_SCHEDULED || record.status() == DeliveryStatus.DEFERRED;
                if (!waiting || !suppressErased(record, now)) {
                    var update = DeliveryChanges.scrubRecipient(new ItemUpdate());
                    // Only an existing record: a write to one that went meanwhile would leave a partial item.
                    records.updateIf("erase delivery recipient", record.deliveryId(), update, "attribute_exists(" + update.name(Keys.PK) + ")");
                }
                erased++;
            }
            startKey = Cursors.next(response);
        } while (startKey != null);
        return erased;
    }

    /** Ends a waiting delivery of an erased recipient, so its queued job is dropped as a duplicate when it comes back. */
    private boolean suppressErased(DeliveryRecord record, Instant now) {
        String reason = DeliveryOutcome.Suppressed.RECIPIENT_ERASED;
        Counted suppressed = Counted.of(DeliveryStatus.SUPPRESSED, reason);
        String token = UUID.randomUUID().toString();
        var update = new ItemUpdate()
                .set("status", s(DeliveryStatus.SUPPRESSED.name()))
                .set("reason", s(reason))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("finishedAt", n(now.toEpochMilli()))
                .set("token", s(token))
                .set("priorStatus", s(record.status().name()))
                .set("counted", s(suppressed.encode()))
                .append("trail", trailEntry(DeliveryStatus.SUPPRESSED, reason, false, 0, now))
                .remove("nextAttemptAt");
        DeliveryChanges.scrubRecipient(update);
        String condition = update.name("status") + " = " + update.value(s(record.status().name()));
        return records.updateIfOrOwn("suppress erased delivery", record.deliveryId(), update, condition, token);
    }
}
