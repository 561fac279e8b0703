package dev.loyaltyrelay.observability;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a function's entry point taking the Lambda {@code Context}: every line logged during the invocation carries its
 * AWS request id, and the log context is cleared when the invocation ends ({@link InvocationLogContext}).
 */
@InterceptorBinding
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface LogsWithRequestId {
}
