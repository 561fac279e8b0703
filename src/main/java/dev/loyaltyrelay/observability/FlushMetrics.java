package dev.loyaltyrelay.observability;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a function's entry point: what the invocation counted is written once, when it ends, however it ends
 * ({@link MetricsFlushing}). Powertools' {@code @FlushMetrics} does the same on a handler; here one annotation on each
 * edge (ingest, delivery, admin, figures) replaces a {@code finally} each edge had to remember.
 */
@InterceptorBinding
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface FlushMetrics {
}
