package dev.loyaltyrelay.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts the application's SQS calls by operation (the bench profile adds it to the SQS client's interceptors). */
public class SqsCallMeter implements ExecutionInterceptor {

    private static final Map<String, AtomicLong> CALLS = new ConcurrentHashMap<>();

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (BenchMeters.quiet()) {
            return;
        }
        count(context.request().getClass().getSimpleName());
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        count(context.request().getClass().getSimpleName());
    }

    private static void count(String request) {
        CALLS.computeIfAbsent(request.replace("Request", ""), k -> new AtomicLong()).incrementAndGet();
    }

    public static void reset() {
        CALLS.clear();
    }

    /** Calls by operation, e.g. {@code SendMessageBatch=3}. */
    public static Map<String, Long> calls() {
        Map<String, Long> out = new TreeMap<>();
        CALLS.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
