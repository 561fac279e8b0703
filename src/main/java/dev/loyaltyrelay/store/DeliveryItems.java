package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.ReceiptState;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A delivery record's item read back: the {@link DeliveryRecord} it holds, and the attributes its writes decide on. Also the
 * form of one trail entry, written by the changes and read back here.
 */
final class DeliveryItems {

    /** {@code priorStatus} of a delivery whose first write it was. */
    static final String NEW = "NEW";
    /** What an erased recipient's address, masked address and kept job read as. */
    static final String ERASED = Recipient.ERASED;
    private static final String NOTHING_COUNTED = "";

    private DeliveryItems() {
    }

    static DeliveryRecord recordFrom(String deliveryId, Map<String, AttributeValue> item) {
        List<DeliveryRecord.TrailEntry> trail = new ArrayList<>();
        AttributeValue trailValue = item.get("trail");
        if (trailValue != null && trailValue.hasL()) {
            for (AttributeValue entry : trailValue.l()) {
                var m = entry.m();
                trail.add(new DeliveryRecord.TrailEntry(Instant.ofEpochMilli(number(m, "at").orElse(0L)),
                        DeliveryStatus.valueOf(string(m, "status")), string(m, "reason"), bool(m, "called", false),
                        number(m, "httpStatus").orElse(0L).intValue()));
            }
        }
        return new DeliveryRecord(deliveryId, string(item, "merchantId"),
                Provider.fromKey(string(item, "provider")).orElseThrow(), string(item, "integrationId"), string(item, "topic"),
                string(item, "recipientMasked"), DeliveryStatus.valueOf(string(item, "status")), string(item, "reason"),
                attempts(item), string(item, "providerMessageId"),
                Instant.ofEpochMilli(number(item, "receivedAt").orElse(0L)), instant(item, "updatedAt"), instant(item, "nextAttemptAt"),
                string(item, "givenUpBy"), Counted.decode(string(item, "counted")), trail, receipt(item));
    }

    /** The record's receipt; a state this version does not know reads as none. */
    private static DeliveryRecord.DeliveryReceipt receipt(Map<String, AttributeValue> item) {
        String state = string(item, "receipt");
        if (state == null) {
            return null;
        }
        for (ReceiptState known : ReceiptState.values()) {
            if (known.key().equals(state)) {
                return new DeliveryRecord.DeliveryReceipt(known, instant(item, "receiptAt"), string(item, "receiptReason"));
            }
        }
        return null;
    }

    /** One entry of the record's trail: a provider call or a decision. */
    static AttributeValue trailEntry(DeliveryStatus status, String reason, boolean called, int httpStatus, Instant now) {
        var entry = new HashMap<String, AttributeValue>();
        entry.put("at", n(now.toEpochMilli()));
        entry.put("status", s(status.name()));
        entry.put("reason", s(reason));
        entry.put("called", bool(called));
        if (httpStatus > 0) {
            entry.put("httpStatus", n(httpStatus));
        }
        return AttributeValue.fromM(entry);
    }

    /** The status in {@code attribute} ({@code status} or {@code priorStatus}); null for none or a new delivery. */
    static DeliveryStatus status(Map<String, AttributeValue> item, String attribute) {
        String text = string(item, attribute);
        return text == null || NEW.equals(text) ? null : DeliveryStatus.valueOf(text);
    }

    static boolean leaseLapsed(Map<String, AttributeValue> item, Instant now) {
        return number(item, "leaseUntil").orElse(0L) < now.toEpochMilli();
    }

    /** Until when another function's live lease holds the delivery. */
    static Instant heldUntil(Map<String, AttributeValue> item, Instant now) {
        return Instant.ofEpochMilli(number(item, "leaseUntil").orElse(now.toEpochMilli()));
    }

    static int attempts(Map<String, AttributeValue> item) {
        return number(item, "attempts").orElse(0L).intValue();
    }

    static Instant budgetFrom(Map<String, AttributeValue> item, DeliveryJob job) {
        return number(item, "budgetFrom").map(Instant::ofEpochMilli).orElse(job.receivedAt());
    }

    /** What a delivery counts as, in its stored form ({@code counted}); empty for nothing. */
    static String encode(Counted counted) {
        return counted == null ? NOTHING_COUNTED : counted.encode();
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        return number(item, name).filter(millis -> millis > 0).map(Instant::ofEpochMilli).orElse(null);
    }
}
