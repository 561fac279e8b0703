package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.s;

import dev.loyaltyrelay.domain.DeliveryLedger.DeliveryPage;
import dev.loyaltyrelay.domain.DeliveryLedger.DeliveryQuery;
import dev.loyaltyrelay.domain.DeliveryLedger.InvalidCursor;
import dev.loyaltyrelay.domain.DeliveryRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** A merchant's delivery records, newest first, through the records table's index by merchant, filtered and paged. */
record DeliveryListing(DeliveryRecords records) {

    /** Index pages read at the most to fill one filtered page. */
    private static final int MAX_READS = 10;

    DeliveryPage list(String merchantId, DeliveryQuery query) {
        var names = new HashMap<String, String>(Map.of("#merchantId", "merchantId", "#listedAt", Keys.LISTED_AT));
        var values = new HashMap<String, AttributeValue>(Map.of(":merchantId", s(merchantId),
                ":from", s(query.from() == null ? "0" : Keys.sortableTime(query.from())),
                ":to", s(query.to() == null ? "9" : Keys.sortableTime(query.to()))));
        var filters = new ArrayList<String>();
        filter(filters, names, values, "status", query.status() == null ? null : query.status().name());
        filter(filters, names, values, "topic", query.topic());
        filter(filters, names, values, "provider", query.provider() == null ? null : query.provider().key());
        filter(filters, names, values, "recipient", query.recipient());
        filter(filters, names, values, "reason", query.reason());
        List<DeliveryRecord> found = new ArrayList<>();
        Map<String, AttributeValue> startKey = Cursors.decode(query.cursor());
        if (startKey != null && (startKey.get("merchantId") == null || !merchantId.equals(startKey.get("merchantId").s()))) {
            // A cursor of another merchant's listing (or made up) is the caller's mistake, not a store failure.
            throw new InvalidCursor();
        }
        // A filtered page may come back short; read on (a bounded number of pages) until the page is full.
        for (int reads = 0; reads < MAX_READS && found.size() < query.limit(); reads++) {
            Map<String, AttributeValue> from = startKey;
            int wanted = query.limit() - found.size();
            QueryResponse response;
            try {
                response = records.query("list deliveries", from, r -> {
                    r.indexName(Keys.DELIVERIES_BY_MERCHANT_INDEX)
                            .keyConditionExpression("#merchantId = :merchantId AND #listedAt BETWEEN :from AND :to")
                            .expressionAttributeNames(names).expressionAttributeValues(values)
                            .scanIndexForward(false).limit(wanted);
                    if (!filters.isEmpty()) {
                        r.filterExpression(String.join(" AND ", filters));
                    }
                });
            } catch (StoreRefused refused) {
                if (from != null) {
                    // The start key came from the caller's cursor and DynamoDB will not start there: a made-up cursor.
                    throw new InvalidCursor();
                }
                throw refused;
            }
            response.items().forEach(item -> found.add(DeliveryItems.recordFrom(DeliveryRecords.deliveryId(item), item)));
            startKey = Cursors.next(response);
            if (startKey == null) {
                break;
            }
        }
        return new DeliveryPage(found, Cursors.encode(startKey));
    }

    private static void filter(List<String> filters, Map<String, String> names, Map<String, AttributeValue> values, String attribute, String value) {
        if (value != null) {
            names.put("#f_" + attribute, attribute);
            values.put(":f_" + attribute, s(value));
            filters.add("#f_" + attribute + " = :f_" + attribute);
        }
    }
}
