package dev.loyaltyrelay.figures;

import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.DeliveryFigures.Increment;
import dev.loyaltyrelay.domain.DeliveryIds;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The merchants' figures as a projection of the delivery records' changes: each change moves its delivery from the
 * counter it was in to the one it is in now. Because the changes come from the records table's stream, a record
 * written is a record counted, even when the function that wrote it died right after. A batch is applied in chunks,
 * each one transaction with a token derived from its first and last change, so a batch retried after the function
 * died past a commit is not counted twice.
 */
@ApplicationScoped
public class FigureProjection {

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
            List<DeliveryChange> chunk = counting.subList(from, to);
            try {
                figures.addOnce(increments(chunk), token(chunk));
            } catch (RuntimeException failed) {
                return Optional.of(chunk.getFirst().sequenceNumber());
            }
            from = to;
        }
        return Optional.empty();
    }

    /** The end (exclusive) of the longest chunk from {@code from} that touches at most one transaction's worth of items. */
    private static int chunkEnd(List<DeliveryChange> changes, int from) {
        Set<String> items = new HashSet<>();
        int to = from;
        while (to < changes.size()) {
            DeliveryChange change = changes.get(to);
            items.add(change.merchantId() + "\n" + change.day());
            if (items.size() > DeliveryFigures.MAX_ITEMS_AT_ONCE) {
                break;
            }
            to++;
        }
        return to;
    }

    private static List<Increment> increments(List<DeliveryChange> chunk) {
        List<Increment> increments = new ArrayList<>(chunk.size() * 2);
        for (DeliveryChange change : chunk) {
            if (change.before() != null) {
                increments.add(new Increment(change.merchantId(), change.day(), change.provider(), change.topic(), change.before().outcome(),
                        change.before().reason(), -1));
            }
            if (change.after() != null) {
                increments.add(new Increment(change.merchantId(), change.day(), change.provider(), change.topic(), change.after().outcome(),
                        change.after().reason(), 1));
            }
        }
        return increments;
    }

    /** The same chunk of the same batch always gets the same token (36 characters at most, as DynamoDB wants). */
    private static String token(List<DeliveryChange> chunk) {
        return DeliveryIds.sha256Hex("figures", chunk.getFirst().eventId(), chunk.getLast().eventId(), Integer.toString(chunk.size()))
                .substring(0, 36);
    }
}
