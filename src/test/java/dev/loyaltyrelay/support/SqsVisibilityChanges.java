package dev.loyaltyrelay.support;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;

/**
 * Records the visibility timeouts the application's SQS client set and the queue accepted (registered through
 * {@code quarkus.sqs.interceptors} in the test profile): one entry per message of a ChangeMessageVisibility or a
 * ChangeMessageVisibilityBatch that the queue answered without an error. A test reads how long a message stays
 * hidden from the value the function set, instead of waiting in real time to see it not come back.
 */
public class SqsVisibilityChanges implements ExecutionInterceptor {

    /** A visibility timeout the queue accepted for the message received with {@code receiptHandle}. */
    public record Change(String queueUrl, String receiptHandle, int seconds) {
    }

    private static final List<Change> CHANGES = new CopyOnWriteArrayList<>();
    /** Reviewer's hook: while set, every SendMessage of the application's client fails as if the queue were unreachable. */
    private static volatile boolean refusingSends;

    public static void refuseSends(boolean refuse) {
        refusingSends = refuse;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (refusingSends && context.request() instanceof software.amazon.awssdk.services.sqs.model.SendMessageRequest) {
            throw software.amazon.awssdk.core.exception.SdkClientException.create("queue unreachable (test)");
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof ChangeMessageVisibilityRequest change) {
            CHANGES.add(new Change(change.queueUrl(), change.receiptHandle(), change.visibilityTimeout()));
        } else if (context.request() instanceof ChangeMessageVisibilityBatchRequest batch
                && context.response() instanceof ChangeMessageVisibilityBatchResponse answer) {
            Set<String> refused = answer.failed().stream().map(BatchResultErrorEntry::id).collect(Collectors.toSet());
            batch.entries().stream().filter(entry -> !refused.contains(entry.id()))
                    .forEach(entry -> CHANGES.add(new Change(batch.queueUrl(), entry.receiptHandle(), entry.visibilityTimeout())));
        }
    }

    /** The changes accepted for the message received with {@code receiptHandle}, in order. */
    public static List<Change> of(String receiptHandle) {
        return CHANGES.stream().filter(change -> change.receiptHandle().equals(receiptHandle)).toList();
    }

    /** The changes accepted on the queue at {@code queueUrl}, in order. */
    public static List<Change> onQueue(String queueUrl) {
        return CHANGES.stream().filter(change -> change.queueUrl().equals(queueUrl)).toList();
    }

    public static void clear() {
        CHANGES.clear();
    }
}
