package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryFigures.Outcome;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.InboundEvent.Receipt;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ReceiptLedger;
import dev.loyaltyrelay.domain.ReceiptState;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Receipts on delivery records: the delivery is found through the records table's index by provider message id, and
 * its receipt moves on in one conditional update (the record's merchant and provider must be the receipt's, its status
 * {@code SENT}, its receipt of a lower rank), which also moves what it counts as in the figures ({@code SENT|delivered},
 * {@code SENT|read}, {@code FAILED|<reason>}) and appends the receipt to its trail.
 */
@ApplicationScoped
public class DynamoReceiptLedger implements ReceiptLedger {

    /** Ids the index may hold for one message id (the same id at two providers, or two merchants): read a few, not all. */
    private static final int MOST_MATCHES = 10;
    private static final int MOST_PAGES = 20;

    private final DeliveryRecords records;
    private final DeliveryJobs jobs;

    DynamoReceiptLedger(DynamoDbClient dynamo, Tables tables, RelayConfig config) {
        this.records = new DeliveryRecords(dynamo, tables);
        this.jobs = new DeliveryJobs(dynamo, tables, config.delivery().recordRetention());
    }

    @Override
    public ReceiptResult apply(String merchantId, Provider provider, Receipt receipt, Instant now) {
        var found = records.query("find delivery by provider message id", null, q -> q.indexName(Keys.DELIVERIES_BY_PROVIDER_MESSAGE_INDEX)
                .keyConditionExpression("#id = :id").expressionAttributeNames(Map.of("#id", "providerMessageId"))
                .expressionAttributeValues(Map.of(":id", s(receipt.providerMessageId()))).limit(MOST_MATCHES));
        ReceiptResult result = new Unmatched();
        for (Map<String, AttributeValue> key : found.items()) {
            String deliveryId = DeliveryRecords.deliveryId(key);
            var update = new ItemUpdate();
            ReceiptState state = receipt.state();
            // A failure is followed up (an opt-out, a refused template or account) from the job, read before the receipt
            // moves on: a store that does not answer fails the receipt whole, and its repeat finds it still to apply.
            String jobJson = state == ReceiptState.FAILED ? jobs.read(deliveryId).orElse(null) : null;
            Counted counted = state == ReceiptState.FAILED ? new Counted(Outcome.FAILED, Counted.reasonClass(receipt.reason()))
                    : new Counted(Outcome.SENT, state.key());
            update.set("receipt", s(state.key()))
                    .set("receiptRank", n(state.rank()))
                    .set("receiptAt", n(receipt.at().toEpochMilli()))
                    .set("updatedAt", n(now.toEpochMilli()))
                    .set("counted", s(counted.encode()))
                    .append("trail", DeliveryItems.trailEntry(DeliveryStatus.SENT, "receipt_" + state.key()
                            + (receipt.reason() == null ? "" : ":" + receipt.reason()), false, 0, now));
            if (receipt.reason() != null) {
                update.set("receiptReason", s(receipt.reason()));
            }
            // A failure counts only before any other report: a message reported delivered or read did reach the customer.
            String moves = state == ReceiptState.FAILED ? "attribute_not_exists(" + update.name("receiptRank") + ")"
                    : "(attribute_not_exists(" + update.name("receiptRank") + ") OR " + update.name("receiptRank") + " < " + update.value(n(state.rank())) + ")";
            String condition = update.name("merchantId") + " = " + update.value(s(merchantId)) + " AND " + update.name("provider") + " = "
                    + update.value(s(provider.key())) + " AND " + update.name("status") + " = " + update.value(s(DeliveryStatus.SENT.name()))
                    + " AND " + moves;
            ConditionalUpdate written = records.update("apply receipt", deliveryId, update, condition);
            if (written.applied()) {
                return new Applied(deliveryId, jobJson, string(written.item(), "credentialsDigest"));
            }
            Map<String, AttributeValue> existing = written.item();
            if (merchantId.equals(string(existing, "merchantId")) && provider.key().equals(string(existing, "provider"))) {
                result = new Unchanged(deliveryId);
            }
        }
        return result;
    }

    @Override
    public List<AwaitingReceipt> awaitingReceipts(String merchantId, String integrationId, Instant since, int limit) {
        List<AwaitingReceipt> awaiting = new ArrayList<>();
        Map<String, String> names = new HashMap<>(Map.of("#merchant", "merchantId", "#listed", Keys.LISTED_AT, "#status", "status",
                "#integration", "integrationId", "#rank", "receiptRank", "#messageId", "providerMessageId"));
        Map<String, AttributeValue> values = Map.of(":merchant", s(merchantId), ":from", s(Keys.sortableTime(since)), ":sent",
                s(DeliveryStatus.SENT.name()), ":integration", s(integrationId));
        Map<String, AttributeValue> start = null;
        for (int page = 0; page < MOST_PAGES && awaiting.size() < limit; page++) {
            Map<String, AttributeValue> from = start;
            var response = records.query("list deliveries awaiting receipts", from, q -> q.indexName(Keys.DELIVERIES_BY_MERCHANT_INDEX)
                    .keyConditionExpression("#merchant = :merchant AND #listed >= :from")
                    .filterExpression("#status = :sent AND #integration = :integration AND attribute_exists(#messageId)"
                            + " AND attribute_not_exists(#rank)")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            for (Map<String, AttributeValue> item : response.items()) {
                if (awaiting.size() < limit) {
                    ReceiptState current = null;
                    long rank = number(item, "receiptRank").orElse(0L);
                    for (ReceiptState state : ReceiptState.values()) {
                        if (state.rank() == rank) {
                            current = state;
                        }
                    }
                    awaiting.add(new AwaitingReceipt(DeliveryRecords.deliveryId(item), string(item, "providerMessageId"), current));
                }
            }
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                break;
            }
            start = response.lastEvaluatedKey();
        }
        return awaiting;
    }
}
