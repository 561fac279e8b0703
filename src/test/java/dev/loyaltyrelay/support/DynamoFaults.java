package dev.loyaltyrelay.support;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Injects DynamoDB faults into the application's client, in the SDK itself (registered through
 * {@code quarkus.dynamodb.interceptors} in the test profile only). A fault fires on a matching attempt either
 * before the request is sent ({@link When#BEFORE_SENDING}: DynamoDB never sees it) or after DynamoDB applied it
 * ({@link When#AFTER_APPLYING}: its answer is lost, as on a broken connection). Both throw a retryable I/O
 * failure, so the SDK repeats the attempt as it would in AWS; a fault set to fire more times than the SDK's
 * attempts reaches the application as a store failure.
 */
public class DynamoFaults implements ExecutionInterceptor {

    /** Where in an attempt a fault fires. */
    public enum When { BEFORE_SENDING, AFTER_APPLYING }

    private record Fault(Predicate<SdkRequest> matches, When when, AtomicInteger remaining) {
    }

    /** Something another function does at the worst moment: just before a matching request is sent. */
    private record Interleaving(Predicate<SdkRequest> matches, Runnable action, AtomicInteger remaining) {
    }

    private static final List<Interleaving> INTERLEAVINGS = new CopyOnWriteArrayList<>();
    private static final List<Interleaving> AFTERWARDS = new CopyOnWriteArrayList<>();

    private static final List<Fault> FAULTS = new CopyOnWriteArrayList<>();
    private static final AtomicLong FIRED = new AtomicLong();

    /** Fails the next {@code times} attempts of requests that match. */
    public static void inject(Predicate<SdkRequest> matches, When when, int times) {
        FAULTS.add(new Fault(matches, when, new AtomicInteger(times)));
    }

    /** Runs {@code action} once, just before the next request that matches is sent (it may call DynamoDB itself). */
    public static void justBefore(Predicate<SdkRequest> matches, Runnable action) {
        INTERLEAVINGS.add(new Interleaving(matches, action, new AtomicInteger(1)));
    }

    /** Runs {@code action} once, just after the answer to the next request that matches came back (before its caller reads it). */
    public static void justAfter(Predicate<SdkRequest> matches, Runnable action) {
        AFTERWARDS.add(new Interleaving(matches, action, new AtomicInteger(1)));
    }

    public static void clear() {
        FAULTS.clear();
        INTERLEAVINGS.clear();
        AFTERWARDS.clear();
    }

    /** How many faults fired since start. */
    public static long fired() {
        return FIRED.get();
    }

    /** Matches UpdateItem requests on a record whose key starts with {@code pkPrefix} (e.g. {@code DELIVERY#}). */
    public static Predicate<SdkRequest> updateOf(String pkPrefix) {
        return request -> request instanceof UpdateItemRequest update && update.key().get("pk") != null
                && update.key().get("pk").s().startsWith(pkPrefix);
    }

    /** Matches UpdateItem requests on a record whose key starts with {@code pkPrefix} that name {@code attribute}. */
    public static Predicate<SdkRequest> updateOf(String pkPrefix, String attribute) {
        return request -> updateOf(pkPrefix).test(request) && (((UpdateItemRequest) request).updateExpression().contains(attribute)
                || ((UpdateItemRequest) request).expressionAttributeNames().containsValue(attribute));
    }

    /** Matches the query that loads a merchant's configuration. */
    public static Predicate<SdkRequest> configurationLoad() {
        return request -> request instanceof QueryRequest query && query.indexName() == null
                && query.expressionAttributeValues().values().stream().anyMatch(v -> v.s() != null && v.s().startsWith("M#"));
    }

    /** Matches reads of one item. */
    public static Predicate<SdkRequest> anyGetItem() {
        return request -> request instanceof GetItemRequest;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        for (Interleaving interleaving : INTERLEAVINGS) {
            if (interleaving.matches().test(context.request()) && interleaving.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                interleaving.action().run();
            }
        }
        fire(context.request(), When.BEFORE_SENDING);
    }

    /** Matches writes (Put or Update) of the item whose sort key is {@code sk}. */
    public static Predicate<SdkRequest> writeOf(String sk) {
        return request -> request instanceof UpdateItemRequest update && update.key().get("sk") != null && sk.equals(update.key().get("sk").s())
                || request instanceof software.amazon.awssdk.services.dynamodb.model.PutItemRequest put && put.item().get("sk") != null
                        && sk.equals(put.item().get("sk").s())
                || request instanceof TransactWriteItemsRequest transaction && transaction.transactItems().stream().anyMatch(item -> sk.equals(sortKeyOf(item)));
    }

    private static String sortKeyOf(software.amazon.awssdk.services.dynamodb.model.TransactWriteItem item) {
        java.util.Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> key = item.put() != null ? item.put().item()
                : item.update() != null ? item.update().key() : item.delete() != null ? item.delete().key() : item.conditionCheck().key();
        return key.get("sk") == null ? null : key.get("sk").s();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        for (Interleaving afterwards : AFTERWARDS) {
            if (afterwards.matches().test(context.request()) && afterwards.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                afterwards.action().run();
            }
        }
        fire(context.request(), When.AFTER_APPLYING);
    }

    private static void fire(SdkRequest request, When when) {
        for (Fault fault : FAULTS) {
            if (fault.when() == when && fault.matches().test(request) && fault.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                FIRED.incrementAndGet();
                throw SdkClientException.builder().message("injected DynamoDB fault (" + when + ")")
                        .cause(new IOException("injected connection failure")).build();
            }
        }
    }
}
