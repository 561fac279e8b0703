package dev.loyaltyrelay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The application's DynamoDB and SQS calls on a timeline while {@link #start()} is on (registered among both clients'
 * interceptors by {@link BenchProfile}): per call its operation, the thread that made it, when the SDK began it, when its
 * request went on the wire, when the answer came off it and when the SDK handed it back. The bench splits a batch's wall
 * time with it: the time on the wire (the engine and the network) against the SDK's own time around it.
 */
public class CallTimeline implements ExecutionInterceptor {

    /** One call; nanos from {@link System#nanoTime()}. */
    public record Call(String service, String operation, long threadId, String thread, long start, long sent, long answered, long end,
            boolean failed) {
        long wireNanos() {
            return sent == 0 || answered == 0 ? 0 : answered - sent;
        }
    }

    private static final ExecutionAttribute<long[]> TIMES = new ExecutionAttribute<>("bench.timeline");
    private static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();
    private static volatile boolean on;

    public static void start() {
        CALLS.clear();
        on = true;
    }

    public static List<Call> stop() {
        on = false;
        return new ArrayList<>(CALLS);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (BenchMeters.quiet()) {
            return;
        }
        if (on) {
            attributes.putAttribute(TIMES, new long[] {System.nanoTime(), 0, 0});
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        long[] times = attributes.getAttribute(TIMES);
        if (times != null) {
            times[1] = System.nanoTime();
        }
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        long[] times = attributes.getAttribute(TIMES);
        if (times != null) {
            times[2] = System.nanoTime();
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (BenchMeters.quiet()) {
            return;
        }
        record(attributes, false);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes, true);
    }

    private static void record(ExecutionAttributes attributes, boolean failed) {
        long[] times = attributes.getAttribute(TIMES);
        if (times == null || !on) {
            return;
        }
        Thread thread = Thread.currentThread();
        CALLS.add(new Call(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                thread.threadId(), thread.isVirtual() ? "virtual" : thread.getName(), times[0], times[1], times[2], System.nanoTime(), failed));
    }
}
