package dev.loyaltyrelay.application;

import dev.loyaltyrelay.domain.Identifiers;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * The ids every log line of a piece of work carries, as MDC entries: the JSON log format (prod profile) writes them as
 * fields of each line, so CloudWatch Logs Insights finds an invocation's, a merchant's or a delivery's lines without
 * parsing messages. The MDC is per thread: a function's edge sets the request id on the invocation's thread, and a
 * delivery job, running on a virtual thread of its own, sets its ids inside its task ({@link #forJob}). Only ids go
 * here, never an address, a secret or a value of an event.
 */
public final class LogContext {

    /** The Lambda request id of the invocation ({@code Context.getAwsRequestId()}). */
    public static final String AWS_REQUEST_ID = "awsRequestId";
    public static final String MERCHANT_ID = "merchantId";
    /** Nector's {@code x-nector-delivery-id}. */
    public static final String NECTOR_DELIVERY_ID = "nectorDeliveryId";
    /** Our delivery id (one per webhook and mapping). */
    public static final String DELIVERY_ID = "deliveryId";

    private LogContext() {
    }

    /** What the MDC of this thread holds now: to give back after a nested piece of work ({@link #restore}). */
    public static Map<String, Object> snapshot() {
        return Map.copyOf(MDC.getMap());
    }

    /** Replaces this thread's MDC with {@code before} (empty: cleared). */
    public static void restore(Map<String, Object> before) {
        MDC.clear();
        before.forEach(MDC::put);
    }

    /** Starts an invocation's context on this thread: only its request id, where the invocation has one. */
    public static void startInvocation(String awsRequestId) {
        MDC.clear();
        putIfPresent(AWS_REQUEST_ID, awsRequestId);
    }

    /** The current invocation's request id on this thread, or null. */
    public static String awsRequestId() {
        Object id = MDC.get(AWS_REQUEST_ID);
        return id == null ? null : id.toString();
    }

    /** The merchant the work is for, once known; an id of the wrong form (a sender's path) is not put. */
    public static void merchant(String merchantId) {
        if (merchantId != null && Identifiers.isValid(merchantId)) {
            MDC.put(MERCHANT_ID, merchantId);
        }
    }

    /** Nector's delivery id, once read and checked (visible ASCII, at most 128 characters). */
    public static void nectorDelivery(String nectorDeliveryId) {
        putIfPresent(NECTOR_DELIVERY_ID, nectorDeliveryId);
    }

    /**
     * One delivery job's context on the thread that runs it: the invocation's request id (read on the handler's thread
     * and handed over) and the job's ids, any of which may be null (an unreadable job has none). Closing clears it.
     */
    public static Scope forJob(String awsRequestId, String merchantId, String nectorDeliveryId, String deliveryId) {
        Map<String, Object> before = snapshot();
        MDC.clear();
        putIfPresent(AWS_REQUEST_ID, awsRequestId);
        merchant(merchantId);
        putIfPresent(NECTOR_DELIVERY_ID, nectorDeliveryId);
        putIfPresent(DELIVERY_ID, deliveryId);
        return () -> restore(before);
    }

    /** A context set for a piece of work; closing gives back what was there before. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static void putIfPresent(String key, String value) {
        if (value != null && !value.isEmpty()) {
            MDC.put(key, value);
        }
    }
}
