package dev.loyaltyrelay.observability;

import dev.loyaltyrelay.domain.RelayMetrics;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Flushes the metrics after each call of a {@link FlushMetrics} method, returned or thrown: one line per counter and
 * invocation, as {@link RelayMetrics#flush()} asks of every function's edge.
 */
@FlushMetrics
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class MetricsFlushing {

    private final RelayMetrics metrics;

    MetricsFlushing(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    @AroundInvoke
    Object flushAfter(InvocationContext invocation) throws Exception {
        try {
            return invocation.proceed();
        } finally {
            metrics.flush();
        }
    }
}
