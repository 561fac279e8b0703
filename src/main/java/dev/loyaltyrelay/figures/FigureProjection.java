package dev.loyaltyrelay.figures;

import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.DeliveryFigures.Increment;
import dev.loyaltyrelay.domain.DeliveryFigures.Move;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The merchants' figures as a projection of the delivery records' changes: each change moves its delivery from the
 * counter it was in to the one it is in now. Because the changes come from the records table's stream, a record
 * written is a record counted, even when the function that wrote it died right after. Each change is applied at most
 * once: a marker beside each delivery's record keeps the position of the last change applied, and the transaction that
 * moves the counters moves the marker, so a batch Lambda repeats (after the function died past a commit, read again
 * from any point, longer or shorter) never counts a change twice.
 */
@ApplicationScoped
public class FigureProjection {

    /** Stream sequence numbers are at most 40 digits; padded, they compare as text in the order they compare as numbers. */
    static final int POSITION_DIGITS = 40;

    private final DeliveryFigures figures;

    FigureProjection(DeliveryFigures figures) {
        this.figures = figures;
    }

    /**
     * Applies the changes in order.
     *
     * @return the sequence number of the first change not applied (the batch is to be retried from there), or empty
     */
    Optional<String> apply(List<DeliveryChange> changes) {
        List<DeliveryChange> counting = changes.stream().filter(DeliveryChange::movesCounters).toList();
        int from = 0;
        while (from < counting.size()) {
            int to = chunkEnd(counting, from);
            List<DeliveryChange> pending = new ArrayList<>(counting.subList(from, to));
            try {
                // A change found applied before is left out and the rest tried again; each round leaves one out at least.
                while (!pending.isEmpty()) {
                    Set<String> appliedBefore = figures.applyOnce(pending.stream().map(FigureProjection::move).toList());
                    if (appliedBefore.isEmpty()) {
                        break;
                    }
                    pending.removeIf(change -> appliedBefore.contains(change.deliveryId()));
                }
            } catch (RuntimeException failed) {
                return Optional.of(counting.get(from).sequenceNumber());
            }
            from = to;
        }
        return Optional.empty();
    }

    /**
     * The end (exclusive) of the longest chunk from {@code from} that fits one transaction: one marker per change, one
     * item per merchant-day, and each delivery once (a second change of it starts the next chunk).
     */
    private static int chunkEnd(List<DeliveryChange> changes, int from) {
        Set<String> days = new HashSet<>();
        Set<String> deliveries = new HashSet<>();
        int to = from;
        while (to < changes.size()) {
            DeliveryChange change = changes.get(to);
            days.add(change.merchantId() + "\n" + change.day());
            if (!deliveries.add(change.deliveryId()) || days.size() + deliveries.size() > DeliveryFigures.MAX_ITEMS_AT_ONCE) {
                break;
            }
            to++;
        }
        return Math.max(to, from + 1);
    }

    private static Move move(DeliveryChange change) {
        List<Increment> increments = new ArrayList<>(2);
        if (change.before() != null) {
            increments.add(new Increment(change.merchantId(), change.day(), change.provider(), change.topic(), change.before().outcome(),
                    change.before().reason(), -1, change.beforeTemplate()));
        }
        if (change.after() != null) {
            increments.add(new Increment(change.merchantId(), change.day(), change.provider(), change.topic(), change.after().outcome(),
                    change.after().reason(), 1, change.afterTemplate()));
        }
        return new Move(change.deliveryId(), position(change.sequenceNumber()), increments);
    }

    /** The sequence number zero-padded to a fixed width (a number of more digits could not be ordered, and is refused). */
    static String position(String sequenceNumber) {
        if (!sequenceNumber.matches("\\d{1," + POSITION_DIGITS + "}")) {
            throw new IllegalArgumentException("not a stream sequence number");
        }
        return "0".repeat(POSITION_DIGITS - sequenceNumber.length()) + sequenceNumber;
    }
}
