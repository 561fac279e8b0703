package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.DeliveryRecord;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The calls on delivery records ({@code DELIVERY#<id>} / {@code DELIVERY}) in the records table: conditional updates that
 * say what they found, consistent reads, and queries of the records' indexes.
 */
record DeliveryRecords(DynamoDbClient dynamo, Tables tables) {

    static final String DELIVERY = "DELIVERY";

    /** One conditional update of a delivery record; its item comes back as it was before (applied) or as it is (refused). */
    ConditionalUpdate update(String operation, String deliveryId, ItemUpdate update, String condition) {
        return ConditionalUpdate.send(operation, dynamo, r -> r.tableName(tables.records())
                .key(key(deliveryId))
                .updateExpression(update.expression())
                .conditionExpression(condition)
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values())
                .returnValues(ReturnValue.ALL_OLD)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
    }

    /** One conditional update of a delivery record; false when its condition failed (the record changed meanwhile). */
    boolean updateIf(String operation, String deliveryId, ItemUpdate update, String condition) {
        return update(operation, deliveryId, update, condition).applied();
    }

    /**
     * An update that writes a fresh {@code token}: refused, it may still be ours, applied by an attempt whose answer was
     * lost and then repeated by the SDK against its own result. The token it wrote tells.
     */
    boolean updateIfOrOwn(String operation, String deliveryId, ItemUpdate update, String condition, String token) {
        ConditionalUpdate outcome = update(operation, deliveryId, update, condition);
        return outcome.applied() || token.equals(string(outcome.item(), "token"));
    }

    Optional<DeliveryRecord> find(String deliveryId) {
        var item = DynamoCalls.call("read delivery", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(key(deliveryId)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(DeliveryItems.recordFrom(deliveryId, item));
    }

    /** The record's item as it is now (consistently), or an empty map when there is none. */
    Map<String, AttributeValue> read(String operation, String deliveryId) {
        var item = DynamoCalls.call(operation, () -> dynamo.getItem(r -> r.tableName(tables.records()).key(key(deliveryId)).consistentRead(true))).item();
        return item == null ? Map.of() : item;
    }

    /** One page of a query of the records table ({@code query} names the index and conditions), from {@code startKey} or the start. */
    QueryResponse query(String operation, Map<String, AttributeValue> startKey, Consumer<QueryRequest.Builder> query) {
        return DynamoCalls.call(operation, () -> dynamo.query(r -> {
            query.accept(r.tableName(tables.records()));
            if (startKey != null) {
                r.exclusiveStartKey(startKey);
            }
        }));
    }

    static Map<String, AttributeValue> key(String deliveryId) {
        return Map.of(Keys.PK, s(Keys.delivery(deliveryId)), Keys.SK, s(DELIVERY));
    }

    /** The delivery id of a record's item, or of its key as an index returns it. */
    static String deliveryId(Map<String, AttributeValue> item) {
        return string(item, Keys.PK).substring(Keys.delivery("").length());
    }
}
