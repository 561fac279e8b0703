package dev.loyaltyrelay.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Asks DynamoDB (Local) for the capacity of every call, indexes included ({@code ReturnConsumedCapacity=INDEXES}: the
 * application's own calls ask for TOTAL or nothing, which hides what the indexes cost), and adds it up: write units
 * of writes, read units of reads, by table and index. Benchmark only (the bench profile registers it).
 */
public class CapacityMeter implements ExecutionInterceptor {

    private static final AtomicLong ROUND_TRIPS = new AtomicLong();
    private static final AtomicLong WRITES = new AtomicLong();
    private static final Map<String, Double> WRITE_UNITS = new TreeMap<>();
    private static final Map<String, Double> READ_UNITS = new TreeMap<>();
    private static final Map<String, Long> WRITE_KINDS = new TreeMap<>();

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        if (BenchMeters.quiet()) {
            return context.request();
        }
        var indexes = ReturnConsumedCapacity.INDEXES;
        return switch (context.request()) {
            case PutItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case DeleteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case BatchWriteItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            case QueryRequest r -> r.toBuilder().returnConsumedCapacity(indexes).build();
            default -> context.request();
        };
    }

    private static boolean isWrite(Object request) {
        return request instanceof PutItemRequest || request instanceof UpdateItemRequest || request instanceof DeleteItemRequest
                || request instanceof BatchWriteItemRequest || request instanceof TransactWriteItemsRequest;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (BenchMeters.quiet()) {
            return;
        }
        ROUND_TRIPS.incrementAndGet();
        boolean write = isWrite(context.request());
        if (write) {
            WRITES.incrementAndGet();
            countKind(context.request());
        }
        context.response().getValueForField("ConsumedCapacity", Object.class).ifPresent(c -> add(c, write));
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (BenchMeters.quiet()) {
            return;
        }
        ROUND_TRIPS.incrementAndGet();
        if (context.exception() instanceof ConditionalCheckFailedException && isWrite(context.request())) {
            // DynamoDB bills a failed conditional write at least one write unit (DynamoDB Local returns no capacity for it).
            WRITES.incrementAndGet();
            synchronized (WRITE_UNITS) {
                WRITE_UNITS.merge("(failed conditions)", 1.0, Double::sum);
            }
        }
    }

    /** Which writes they were: the operation and the kind of item (its partition key up to the first {@code #}). */
    private static void countKind(Object request) {
        String kind = switch (request) {
            case PutItemRequest r -> "Put " + prefix(r.item().get("pk"));
            case UpdateItemRequest r -> "Update " + prefix(r.key().get("pk"));
            case DeleteItemRequest r -> "Delete " + prefix(r.key().get("pk"));
            case BatchWriteItemRequest r -> "BatchWrite";
            case TransactWriteItemsRequest r -> "TransactWrite";
            default -> "?";
        };
        synchronized (WRITE_UNITS) {
            WRITE_KINDS.merge(kind, 1L, Long::sum);
        }
    }

    private static String prefix(software.amazon.awssdk.services.dynamodb.model.AttributeValue key) {
        if (key == null || key.s() == null) {
            return "?";
        }
        int hash = key.s().indexOf('#');
        return hash < 0 ? key.s() : key.s().substring(0, hash + 1);
    }

    /** Writes by operation and kind of item, e.g. {@code Update DELIVERY#=40}. */
    public static Map<String, Long> writeKinds() {
        synchronized (WRITE_UNITS) {
            return new TreeMap<>(WRITE_KINDS);
        }
    }

    private static void add(Object consumed, boolean write) {
        if (consumed instanceof ConsumedCapacity c) {
            Map<String, Double> into = write ? WRITE_UNITS : READ_UNITS;
            synchronized (WRITE_UNITS) {
                String table = c.tableName() == null ? "?" : c.tableName();
                double indexUnits = 0;
                if (c.globalSecondaryIndexes() != null) {
                    for (var index : c.globalSecondaryIndexes().entrySet()) {
                        double units = units(index.getValue());
                        indexUnits += units;
                        into.merge(table + "/" + index.getKey(), units, Double::sum);
                    }
                }
                if (c.localSecondaryIndexes() != null) {
                    for (var index : c.localSecondaryIndexes().entrySet()) {
                        double units = units(index.getValue());
                        indexUnits += units;
                        into.merge(table + "/" + index.getKey(), units, Double::sum);
                    }
                }
                double total = c.capacityUnits() == null ? 0 : c.capacityUnits();
                double tableUnits = c.table() != null ? units(c.table()) : total - indexUnits;
                into.merge(table, tableUnits, Double::sum);
            }
        } else if (consumed instanceof List<?> list) {
            list.forEach(item -> add(item, write));
        }
    }

    private static double units(Capacity capacity) {
        return capacity.capacityUnits() == null ? 0 : capacity.capacityUnits();
    }

    public static void reset() {
        ROUND_TRIPS.set(0);
        WRITES.set(0);
        synchronized (WRITE_UNITS) {
            WRITE_UNITS.clear();
            READ_UNITS.clear();
            WRITE_KINDS.clear();
        }
    }

    public static long roundTrips() {
        return ROUND_TRIPS.get();
    }

    public static long writes() {
        return WRITES.get();
    }

    public static double writeUnits() {
        synchronized (WRITE_UNITS) {
            return WRITE_UNITS.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    public static double readUnits() {
        synchronized (WRITE_UNITS) {
            return READ_UNITS.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /** Write units by table and index, e.g. {@code relay-test-records/deliveriesByMerchant=12.0}. */
    public static Map<String, Double> writeUnitsByTarget() {
        synchronized (WRITE_UNITS) {
            return new TreeMap<>(WRITE_UNITS);
        }
    }
}
