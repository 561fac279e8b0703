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

    /**
     * One delivery's move between counters, as one change of its record made it.
     *
     * @param deliveryId the delivery
     * @param position   orders the changes of one delivery: the stream record's sequence number, zero-padded to 40 digits
     * @param increments the counters it takes from and adds to
     */
    record Move(String deliveryId, String position, List<Increment> increments) {
    }

    /**
     * Applies the moves in one transaction, each at most once however often and however late it is repeated (a stream
     * batch retried after its function died past the commit, longer or shorter than before): a move at or before the
     * last position applied for its delivery is never applied again. One move per delivery; at most
     * {@link #MAX_ITEMS_AT_ONCE} items, one per move and one per merchant-day.
     *
     * @return the deliveries whose move had been applied before: then nothing was written, and the others are to be
     *         applied again without them
     */
    java.util.Set<String> applyOnce(List<Move> moves);

    /** Items one {@link #applyOnce} may touch (a transaction's limit, as DynamoDB Local has it). */
    int MAX_ITEMS_AT_ONCE = 25;

    default void add(String merchantId, LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long delta) {
        add(List.of(new Increment(merchantId, day, provider, topic, outcome, reason, delta)));
    }

    /**
     * What one delivery is counted as, in one counter at a time: a delivery moves from one to the next as it
     * changes (pending while it waits, then its final outcome; back to pending when it is reopened), so the
     * figures always count each delivery once, in its latest state.
     *
     * @param outcome the counter's outcome
     * @param reason  the reason class ({@code http_400}, not {@code http_400:detail}); for pending, {@code waiting} (a
     *                retry) or the reason a deferred delivery waits for ({@code quiet_hours})
     */
    record Counted(Outcome outcome, String reason) {

        public static final String WAITING = "waiting";

        /** What a delivery in {@code status} with {@code reason} counts as; null while it is being attempted. */
        public static Counted of(DeliveryStatus status, String reason) {
            return switch (status) {
                case SENDING -> null;
                case RETRY_SCHEDULED -> new Counted(Outcome.PENDING, WAITING);
                // Still pending, under what it waits for, so the figures can say how many wait for quiet hours to end.
                case DEFERRED -> new Counted(Outcome.PENDING, reason == null ? WAITING : reasonClass(reason));
                case SENT -> new Counted(Outcome.SENT, reasonClass(reason));
                case REJECTED, EXHAUSTED -> new Counted(Outcome.FAILED, reasonClass(reason));
                case UNKNOWN -> new Counted(Outcome.UNKNOWN, reasonClass(reason));
                case SUPPRESSED -> new Counted(Outcome.SUPPRESSED, reasonClass(reason));
            };
        }

        /** The stored form, {@code OUTCOME|reason}. */
        public String encode() {
            return outcome.name() + "|" + reason;
        }

        /** The stored form read back; null for none. */
        public static Counted decode(String text) {
            if (text == null || text.isEmpty()) {
                return null;
            }
            int bar = text.indexOf('|');
            return new Counted(Outcome.valueOf(text.substring(0, bar)), text.substring(bar + 1));
        }

        /** The reason without its detail ({@code variable_missing:amount} counts as {@code variable_missing}). */
        public static String reasonClass(String reason) {
            if (reason == null) {
                return "none";
            }
            int colon = reason.indexOf(':');
            return colon < 0 ? reason : reason.substring(0, colon);
        }
    }

    /**
     * One counter change.
     *
     * @param template the delivery's template (or, for a flow, its event name), or null for a delivery recorded before
     *                 records carried it: its counter has no template part
     */
    record Increment(String merchantId, LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long delta,
            String template) {
        public Increment(String merchantId, LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long delta) {
            this(merchantId, day, provider, topic, outcome, reason, delta, null);
        }
    }

    List<Figure> read(String merchantId, LocalDate from, LocalDate to);

    /** @param template the counter's template, or null for one kept without */
    record Figure(LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long count, String template) {
    }
}
