package dev.loyaltyrelay.domain;

import java.util.List;
import java.util.Map;

/** Counters the operators watch (ignored, held, repeated, refused events; deliveries by outcome). */
public interface RelayMetrics {

    /** Adds one to {@code name}, split by {@code dimensions} (identifiers and reason codes only, never personal data). */
    void increment(String name, Map<String, String> dimensions);

    /**
     * Adds one to {@code name}, published once under each of {@code dimensionSets} (each a subset of the keys of
     * {@code dimensions}): one count that an alarm reads by provider and status, and a dashboard by reason or topic,
     * without counting it twice.
     */
    default void increment(String name, Map<String, String> dimensions, List<List<String>> dimensionSets) {
        increment(name, dimensions);
    }

    /**
     * Writes what was counted since the last flush, summed by name and dimensions, and forgets it. Each function's edge
     * calls it once at the end of every invocation, as Powertools' metrics do: one line per counter and invocation.
     * Nothing to do for counters that are written at once.
     */
    default void flush() {
    }
}
