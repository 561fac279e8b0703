package dev.loyaltyrelay.support;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Counts the application's DynamoDB round trips and the write units DynamoDB reports for them (registered
 * through {@code quarkus.dynamodb.interceptors}), so a test can print the cost of one ingested event.
 */
public class DynamoCallCounter implements ExecutionInterceptor {

    private static final AtomicLong ROUND_TRIPS = new AtomicLong();
    private static final DoubleAdder WRITE_UNITS = new DoubleAdder();
    private static final AtomicLong WRITES = new AtomicLong();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        ROUND_TRIPS.incrementAndGet();
        String operation = context.request().getClass().getSimpleName();
        if (operation.startsWith("Put") || operation.startsWith("Update") || operation.startsWith("Delete")
                || operation.startsWith("BatchWrite") || operation.startsWith("TransactWrite")) {
            WRITES.incrementAndGet();
        }
        // One ConsumedCapacity for single-item calls, a list of them (one per table) for transactions and batches.
        context.response().getValueForField("ConsumedCapacity", Object.class).ifPresent(DynamoCallCounter::addWriteUnits);
    }

    private static void addWriteUnits(Object consumed) {
        if (consumed instanceof ConsumedCapacity c) {
            WRITE_UNITS.add(c.capacityUnits() == null ? 0 : c.capacityUnits());
        } else if (consumed instanceof List<?> list) {
            list.forEach(DynamoCallCounter::addWriteUnits);
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        ROUND_TRIPS.incrementAndGet();
        if (context.exception() instanceof ConditionalCheckFailedException) {
            // A failed conditional write still consumes a write unit in DynamoDB.
            WRITES.incrementAndGet();
            WRITE_UNITS.add(1);
        }
    }

    public static void reset() {
        ROUND_TRIPS.set(0);
        WRITES.set(0);
        WRITE_UNITS.reset();
    }

    public static long roundTrips() {
        return ROUND_TRIPS.get();
    }

    public static long writes() {
        return WRITES.get();
    }

    public static double writeUnits() {
        return WRITE_UNITS.sum();
    }
}
