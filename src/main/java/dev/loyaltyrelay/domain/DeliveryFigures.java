package dev.loyaltyrelay.domain;

import java.time.LocalDate;
import java.util.List;

/**
 * Counters kept as deliveries end, for the merchant's figures ("how to measure success"): per day of receipt
 * (UTC), provider, topic, outcome and reason. Reading a range costs one query, never a scan of deliveries.
 * Methods throw {@link StoreUnavailable}.
 */
public interface DeliveryFigures {

    /** The outcomes counted: sent, failed (rejected or given up), unknown, suppressed, and pending (a gauge). */
    enum Outcome { SENT, FAILED, UNKNOWN, SUPPRESSED, PENDING }

    /** Adds every increment; increments of one merchant and day cost one write together. */
    void add(List<Increment> increments);

    default void add(String merchantId, LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long delta) {
        add(List.of(new Increment(merchantId, day, provider, topic, outcome, reason, delta)));
    }

    /** One counter change. */
    record Increment(String merchantId, LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long delta) {
    }

    List<Figure> read(String merchantId, LocalDate from, LocalDate to);

    record Figure(LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long count) {
    }
}
