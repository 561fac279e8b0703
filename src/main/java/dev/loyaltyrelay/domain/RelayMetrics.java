package dev.loyaltyrelay.domain;

import java.util.Map;

/** Counters the operators watch (ignored, held, repeated, refused events; deliveries by outcome). */
public interface RelayMetrics {

    /** Adds one to {@code name}, split by {@code dimensions} (identifiers and reason codes only, never personal data). */
    void increment(String name, Map<String, String> dimensions);
}
