package dev.loyaltyrelay.storm;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

/**
 * The storm's faults: what each kind is, the share of chances it takes, and how often it fired. Every fault is drawn
 * from one seeded generator (printed with the table), but which call draws it depends on the threads' order, so a
 * seed repeats the rates, not the exact interleaving.
 */
final class Chaos {

    /** A kind of fault, where it strikes and the share of its chances it takes. */
    enum Kind {
        PROVIDER_500("provider answers 500", 0.02),
        PROVIDER_503("provider answers 503", 0.02),
        PROVIDER_429("provider answers 429 with Retry-After", 0.02),
        RESET_BEFORE_READ("connection reset before the request is read", 0.005),
        RESET_AFTER_READ("connection reset after the request is read", 0.005),
        SLOW_ANSWER("answer slower than the call timeout", 0.004),
        REFUSED_KEY("401 for the integration whose key is rotated mid-run", 1.0),
        PROVIDER_DOWN("503 while one provider is down (a simulated hour)", 1.0),
        STORE_CALL_FAILED("DynamoDB call fails (all of the SDK's attempts)", 0.004),
        STORE_THROTTLED("DynamoDB attempt throttled (the SDK retries)", 0.002),
        STORE_ANSWER_LOST("DynamoDB applies a write, its answer is lost (the SDK repeats it)", 0.004),
        QUEUE_CALL_FAILED("SQS call fails (all of the SDK's attempts)", 0.004),
        QUEUE_ANSWER_LOST("SQS applies a call, its answer is lost (the SDK repeats it)", 0.004),
        CRASH_AFTER_CLAIM("function dies between the claim and the call", 0.004),
        CRASH_DURING_CALL("function dies during the provider call", 0.004),
        CRASH_BEFORE_RECORD("function dies between the call and the record", 0.004),
        QUEUE_REDELIVERY("SQS hands a message out twice", 0.03);

        final String description;
        final double rate;

        Kind(String description, double rate) {
            this.description = description;
            this.rate = rate;
        }
    }

    static final long SEED = Long.getLong("storm.seed", 20261201L);
    private static final Random RANDOM = new Random(SEED);
    private static final Map<Kind, LongAdder> FIRED = new EnumMap<>(Kind.class);
    /** Faults of the store and the queues by the call they struck: {@code STORE_CALL_FAILED claim}. */
    private static final Map<String, LongAdder> BY_CALL = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static volatile boolean active;

    static {
        for (Kind kind : Kind.values()) {
            FIRED.put(kind, new LongAdder());
        }
    }

    private Chaos() {
    }

    static void active(boolean on) {
        active = on;
    }

    static boolean active() {
        return active;
    }

    /** Whether a fault of {@code kind} strikes at this chance (never while the storm is calm). */
    static boolean strikes(Kind kind) {
        if (!active || RANDOM.nextDouble() >= kind.rate) {
            return false;
        }
        FIRED.get(kind).increment();
        return true;
    }

    /** Like {@link #strikes(Kind)}, counted also under the call it strikes. */
    static boolean strikes(Kind kind, String call) {
        if (!strikes(kind)) {
            return false;
        }
        BY_CALL.computeIfAbsent(kind + " " + call, key -> new LongAdder()).increment();
        return true;
    }

    static Map<String, Long> firedByCall() {
        var counts = new java.util.TreeMap<String, Long>();
        BY_CALL.forEach((key, count) -> counts.put(key, count.sum()));
        return counts;
    }

    /** Counts a fault that strikes by rule, not by chance. */
    static void struck(Kind kind) {
        FIRED.get(kind).increment();
    }

    static long fired(Kind kind) {
        return FIRED.get(kind).sum();
    }

    /** A number drawn from the storm's generator. */
    static double draw() {
        return RANDOM.nextDouble();
    }
}
