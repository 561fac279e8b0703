package dev.loyaltyrelay.store;

import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * What one conditional UpdateItem found: the failed condition is an answer, not an exception.
 *
 * @param applied whether the condition held and the update was written
 * @param item    the item as it was before the update (applied) or as it is (not applied), when the request asked for
 *                it ({@code ReturnValues}, {@code ReturnValuesOnConditionCheckFailure}); empty when absent or not asked for
 */
record ConditionalUpdate(boolean applied, Map<String, AttributeValue> item) {

    /** Sends the update; a store that cannot be reached still throws, as every call does ({@link DynamoCalls}). */
    static ConditionalUpdate send(String operation, DynamoDbClient dynamo, Consumer<UpdateItemRequest.Builder> request) {
        try {
            var response = DynamoCalls.call(operation, () -> dynamo.updateItem(request));
            return new ConditionalUpdate(true, response.hasAttributes() ? response.attributes() : Map.of());
        } catch (ConditionalCheckFailedException refused) {
            return new ConditionalUpdate(false, refused.hasItem() ? refused.item() : Map.of());
        }
    }
}
