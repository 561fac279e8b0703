package dev.loyaltyrelay.observability;

import com.amazonaws.services.lambda.runtime.Context;
import dev.loyaltyrelay.application.LogContext;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.util.Map;

/**
 * Puts the invocation's AWS request id (from the Lambda {@link Context} argument) in the log context of a
 * {@link LogsWithRequestId} method and, however the call ends, gives back the context that was there before: none on
 * Lambda's thread, so nothing of one invocation (a merchant id) is left on the next one's lines; the caller's own where an
 * edge is called from inside another (the local run). Outside {@link MetricsFlushing}, so the flush runs in the context.
 */
@LogsWithRequestId
@Interceptor
@Priority(Interceptor.Priority.APPLICATION - 10)
public class InvocationLogContext {

    @AroundInvoke
    Object withRequestId(InvocationContext invocation) throws Exception {
        Map<String, Object> before = LogContext.snapshot();
        String requestId = requestId(invocation.getParameters());
        // An edge called by another without a Context of its own (the local run) keeps the caller's request id.
        LogContext.startInvocation(requestId != null ? requestId : (String) before.get(LogContext.AWS_REQUEST_ID));
        try {
            return invocation.proceed();
        } finally {
            LogContext.restore(before);
        }
    }

    private static String requestId(Object[] parameters) {
        for (Object parameter : parameters) {
            if (parameter instanceof Context lambda) {
                return lambda.getAwsRequestId();
            }
        }
        return null;
    }
}
