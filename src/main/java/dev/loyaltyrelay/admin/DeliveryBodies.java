package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.HeldEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The bodies of the routes on what happened to a merchant's events ({@link DeliveriesApi}, {@link FiguresApi},
 * {@link ErasureApi}, {@link HeldEventsApi}, {@link DeadLettersApi}), as {@code docs/openapi.yaml} names their schemas
 * (OpenApiDocumentTest holds each record and its schema together).
 */
final class DeliveryBodies {

    private DeliveryBodies() {
    }

    /**
     * {@code WebhookLookup}: what became of one Nector webhook, found by its {@code x-nector-delivery-id}. {@code outcome}
     * is {@code queued} (its deliveries below), {@code duplicate} (the same body came first under {@code duplicateOf};
     * the deliveries are that event's), {@code held} ({@code heldReason}; replay it from the held events) or
     * {@code in_progress} (claimed, its fan-out not completed: being processed, or failed and awaiting Nector's retry).
     */
    @RegisterForReflection
    record WebhookLookup(String nectorDeliveryId, String outcome, String receivedAt,
            @JsonInclude(JsonInclude.Include.NON_NULL) String duplicateOf, @JsonInclude(JsonInclude.Include.NON_NULL) String heldReason,
            int queued, List<Delivery> deliveries) {
    }

    /** {@code Delivery}: {@code givenUpBy} only for a delivery given up, {@code trail} only when one delivery is read. */
    @RegisterForReflection
    record Delivery(String deliveryId, String provider, String integrationId, String topic, String recipient, String status, String reason,
            @JsonInclude(JsonInclude.Include.NON_NULL) String givenUpBy, int attempts, String providerMessageId, String receivedAt,
            String updatedAt, String nextAttemptAt, @JsonInclude(JsonInclude.Include.NON_NULL) List<Step> trail,
            @JsonInclude(JsonInclude.Include.NON_NULL) Receipt receipt) {

        static Delivery of(DeliveryRecord record, boolean withTrail) {
            return new Delivery(record.deliveryId(), record.provider().key(), record.integrationId(), record.topic(), record.recipientMasked(),
                    record.status().name().toLowerCase(Locale.ROOT), record.reason(), record.givenUpBy(), record.attempts(),
                    record.providerMessageId(), Fields.timestamp(record.receivedAt()), Fields.timestamp(record.updatedAt()),
                    Fields.timestamp(record.nextAttemptAt()), withTrail ? record.trail().stream().map(Step::of).toList() : null,
                    record.receipt() == null ? null : new Receipt(record.receipt().state().key(), Fields.timestamp(record.receipt().at()),
                            record.receipt().reason()));
        }
    }

    /** {@code DeliveryReceipt}: what the provider reported after it accepted the message; only once it reported something. */
    @RegisterForReflection
    record Receipt(String state, String at, @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
    }

    /** One step of a delivery's trail; {@code httpStatus} null when no answer came. */
    @RegisterForReflection
    record Step(String at, String status, String reason, boolean providerCalled, Integer httpStatus) {

        static Step of(DeliveryRecord.TrailEntry entry) {
            return new Step(Fields.timestamp(entry.at()), entry.status().name().toLowerCase(Locale.ROOT), entry.reason(), entry.providerCalled(),
                    entry.httpStatus() == 0 ? null : entry.httpStatus());
        }
    }

    /** {@code DeliveryPage}. */
    @RegisterForReflection
    record DeliveryPage(List<Delivery> deliveries, String nextCursor) {
    }

    /** {@code Requeued}: {@code note} only when a resend was already pending. */
    @RegisterForReflection
    record Requeued(String deliveryId, String status, @JsonInclude(JsonInclude.Include.NON_NULL) String note) {
    }

    /** {@code Figures}: counts by outcome, and by provider, topic and reason; receipts where providers report them. */
    @RegisterForReflection
    record Figures(String from, String to, Map<String, Long> totals, Double deliveryRate, Map<String, Map<String, Long>> byProvider,
            Map<String, Map<String, Long>> byTopic, Map<String, Long> byReason, Receipts receipts, String definition) {
    }

    /**
     * {@code ReceiptFigures}: for the providers that report receipts only, what became of the messages they accepted, by
     * provider, by topic and by template ({@code <provider>:<template id>}; messages recorded before records named their
     * template are in the other two only).
     */
    @RegisterForReflection
    record Receipts(Map<String, ReceiptRates> byProvider, Map<String, ReceiptRates> byTopic, Map<String, ReceiptRates> byTemplate) {
    }

    /**
     * {@code ReceiptRates}: messages the provider accepted ({@code sent}), those reported delivered (read ones included)
     * and read, and the two rates over {@code sent} (null when nothing was sent).
     */
    @RegisterForReflection
    record ReceiptRates(long sent, long delivered, long read, Double deliveredRate, Double readRate) {
    }

    /** A held event (an item of {@code HeldEventList}). */
    @RegisterForReflection
    record Held(String nectorDeliveryId, String topic, String reason, String detail, String receivedAt) {

        static Held of(HeldEvent event) {
            return new Held(event.nectorDeliveryId(), event.topic(), event.reason(), event.detail(), Fields.timestamp(event.receivedAt()));
        }
    }

    /** {@code HeldEventList}. */
    @RegisterForReflection
    record HeldEventList(List<Held> heldEvents, String nextCursor) {
    }

    /** {@code HeldEventReplay}: where to go on from, and how many at most. */
    @RegisterForReflection
    record HeldEventReplay(String cursor, Long max) {
    }

    /** One replayed event: ingest's status and answer (an item of {@code ReplayResult}). */
    @RegisterForReflection
    record Replayed(String nectorDeliveryId, String topic, int httpStatus, String result) {
    }

    /** {@code ReplayResult}. */
    @RegisterForReflection
    record ReplayResult(List<Replayed> replayed, String nextCursor, String stoppedBy) {
    }

    /** {@code TestRecipient}: exactly one of mobile and email. */
    @RegisterForReflection
    record TestRecipient(String mobile, String email) {
    }

    /** {@code Erasure}: how much was erased. */
    @RegisterForReflection
    record Erasure(int customerRecords, int addresses, int deliveryRecords, String note) {
    }

    /** {@code DeadLetterCount}. */
    @RegisterForReflection
    record DeadLetterCount(String provider, int approximateCount) {
    }

    /** {@code Redrive}: how many letters this call takes at most. */
    @RegisterForReflection
    record Redrive(Long max) {
    }

    /** {@code Redriven}. */
    @RegisterForReflection
    record Redriven(String provider, int requeued, Map<String, Integer> alreadyEnded, int unreadable, int remaining, String stoppedBy,
            boolean complete) {
    }
}
