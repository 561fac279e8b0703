package dev.loyaltyrelay.bench;

/**
 * Whether the bench's own SDK interceptors ({@link CapacityMeter}, {@link CallTimeline}, {@link SqsCallMeter}) do their
 * work: off while the whole-process ingest CPU is measured, so their request rebuilding and bookkeeping are not counted
 * as the SDK's share of our CPU. The test suite's interceptors (call counter, fault injection, IAM recorder) stay on.
 */
final class BenchMeters {

    private static volatile boolean quiet;

    private BenchMeters() {
    }

    static boolean quiet() {
        return quiet;
    }

    static void quiet(boolean value) {
        quiet = value;
    }
}
