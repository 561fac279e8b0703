package dev.loyaltyrelay.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Records, as IAM sees them, the actions the application's DynamoDB and SQS clients perform: one (action, table or
 * queue) per call, and per item for a transaction (IAM authorises TransactWriteItems item by item: Put, Update,
 * Delete by their own actions, ConditionCheck by dynamodb:ConditionCheckItem).
 */
public class IamCallRecorder implements ExecutionInterceptor {

    /** An IAM action on a resource named as the SDK request named it (a table name, an index, a queue URL). */
    public record Call(String action, String resource) {
    }

    static final List<Call> CALLS = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        String operation = request.getClass().getSimpleName().replaceAll("Request$", "");
        String service = request.getClass().getPackageName().contains(".sqs.") ? "sqs" : "dynamodb";
        if (request instanceof TransactWriteItemsRequest transact) {
            for (TransactWriteItem item : transact.transactItems()) {
                if (item.put() != null) {
                    CALLS.add(new Call("dynamodb:PutItem", item.put().tableName()));
                }
                if (item.update() != null) {
                    CALLS.add(new Call("dynamodb:UpdateItem", item.update().tableName()));
                }
                if (item.delete() != null) {
                    CALLS.add(new Call("dynamodb:DeleteItem", item.delete().tableName()));
                }
                if (item.conditionCheck() != null) {
                    CALLS.add(new Call("dynamodb:ConditionCheckItem", item.conditionCheck().tableName()));
                }
            }
            return;
        }
        if (request instanceof BatchGetItemRequest batch) {
            batch.requestItems().keySet().forEach(table -> CALLS.add(new Call("dynamodb:BatchGetItem", table)));
            return;
        }
        if (request instanceof software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest batch) {
            batch.requestItems().keySet().forEach(table -> CALLS.add(new Call("dynamodb:BatchWriteItem", table)));
            return;
        }
        if (service.equals("sqs")) {
            String action = "sqs:" + operation.replaceAll("Batch$", "");
            CALLS.add(new Call(action, request.getValueForField("QueueUrl", String.class).orElse("?")));
            return;
        }
        String table = request.getValueForField("TableName", String.class).orElse("?");
        Optional<String> index = request.getValueForField("IndexName", String.class);
        CALLS.add(new Call("dynamodb:" + operation, index.map(i -> table + "/index/" + i).orElse(table)));
    }

    /**
     * The calls since the last take. EventBridge's calls are read from its stand-in's journal
     * ({@link dev.loyaltyrelay.support.EventBridgeStub}): one {@code events:PutEvents} on the bus each PutEvents named.
     */
    static List<Call> take() {
        List<Call> calls = new ArrayList<>(CALLS);
        CALLS.clear();
        dev.loyaltyrelay.support.EventBridgeStub.take().forEach(entry -> calls.add(new Call("events:PutEvents", "event-bus/" + entry.eventBusName())));
        return calls;
    }
}
