package dev.loyaltyrelay.storm;

import dev.loyaltyrelay.storm.Chaos.Kind;
import java.io.IOException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.NonRetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsRequest;

/**
 * The storm's faults in the application's DynamoDB and SQS clients (registered through {@code quarkus.dynamodb.interceptors}
 * and {@code quarkus.sqs.interceptors} in {@link StormProfile} only), and the crashes that strike at a store call:
 * <ul>
 *   <li>a whole call fails before it is sent (the application sees the store or queue unavailable);</li>
 *   <li>an attempt is throttled (the SDK backs off and retries it);</li>
 *   <li>a call is applied and its answer lost (the SDK repeats it: a write applied twice, a message sent twice);</li>
 *   <li>the invocation dies right after its claim was applied, or right before the outcome of a call is written.</li>
 * </ul>
 * Every call of an invocation that died fails before it is sent.
 */
public class StormFaults implements ExecutionInterceptor {

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (Invocation.currentIsDead()) {
            throw NonRetryableException.builder().message("the invocation has died").build();
        }
        Kind failed = request instanceof SqsRequest ? Kind.QUEUE_CALL_FAILED : Kind.STORE_CALL_FAILED;
        if (Chaos.strikes(failed, callOf(request))) {
            throw NonRetryableException.builder().message("injected " + failed).cause(new IOException("injected")).build();
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (Invocation.currentIsDead()) {
            throw NonRetryableException.builder().message("the invocation has died").build();
        }
        if (isOutcomeAfterACall(request) && Invocation.current() != null && Chaos.strikes(Kind.CRASH_BEFORE_RECORD)) {
            Invocation.current().die();
            throw NonRetryableException.builder().message("the invocation died before writing its outcome").build();
        }
        if (request instanceof DynamoDbRequest && Chaos.strikes(Kind.STORE_THROTTLED, callOf(request))) {
            throw DynamoDbException.builder().statusCode(400).message("injected throttling")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").errorMessage("injected").build()).build();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        boolean applied = context.httpResponse().statusCode() == 200;
        if (applied && isClaim(request) && Invocation.current() != null) {
            Invocation.current().claimed(((UpdateItemRequest) request).key().get("pk").s().substring("DELIVERY#".length()));
        }
        if (applied && isClaim(request) && Invocation.current() != null && Chaos.strikes(Kind.CRASH_AFTER_CLAIM)) {
            Invocation.current().die();
            throw NonRetryableException.builder().message("the invocation died after its claim").build();
        }
        boolean write = request instanceof UpdateItemRequest || request instanceof SendMessageRequest
                || request instanceof ChangeMessageVisibilityRequest
                || request instanceof software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest
                || request instanceof software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest
                || request instanceof software.amazon.awssdk.services.dynamodb.model.PutItemRequest
                || request instanceof software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
        Kind lost = request instanceof SqsRequest ? Kind.QUEUE_ANSWER_LOST : Kind.STORE_ANSWER_LOST;
        if (applied && write && Chaos.strikes(lost, callOf(request))) {
            throw SdkClientException.builder().message("injected " + lost).cause(new IOException("injected connection reset")).build();
        }
    }

    /** The delivery's claim: the conditional update that sets {@code claimedAt}. */
    static boolean isClaim(SdkRequest request) {
        return request instanceof UpdateItemRequest update && deliveryKey(update)
                && update.expressionAttributeNames().containsValue("claimedAt");
    }

    /** The write of what a provider call came to, under the claim's token. */
    static boolean isOutcomeAfterACall(SdkRequest request) {
        return request instanceof UpdateItemRequest update && deliveryKey(update) && !isClaim(request)
                && update.expressionAttributeNames().containsValue("attempts") && update.conditionExpression() != null
                && !update.conditionExpression().contains("attribute_not_exists")
                && update.expressionAttributeNames().containsValue("token");
    }

    private static boolean deliveryKey(UpdateItemRequest update) {
        return update.key().get("pk") != null && update.key().get("pk").s() != null && update.key().get("pk").s().startsWith("DELIVERY#");
    }

    /** The call a fault strikes, as the table names it. */
    static String callOf(SdkRequest request) {
        if (isClaim(request)) {
            return "claim";
        }
        if (request instanceof UpdateItemRequest update && deliveryKey(update)) {
            return "record";
        }
        if (request instanceof QueryRequest || request instanceof GetItemRequest || request instanceof BatchGetItemRequest) {
            return "load";
        }
        if (request instanceof SendMessageRequest || request instanceof software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest) {
            return "send";
        }
        if (request instanceof ChangeMessageVisibilityRequest
                || request instanceof software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest) {
            return "visibility change";
        }
        String name = request.getClass().getSimpleName();
        return name.endsWith("Request") ? name.substring(0, name.length() - "Request".length()) : name;
    }
}
