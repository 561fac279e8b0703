package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.domain.DeliveryFigures;
import java.util.ArrayList;
import java.util.List;

/** The figure increments of one batch, collected by its concurrent deliveries and written once after it. */
final class FigureTally {

    private final List<DeliveryFigures.Increment> increments = new ArrayList<>();

    synchronized void add(DeliveryFigures.Increment increment) {
        increments.add(increment);
    }

    synchronized List<DeliveryFigures.Increment> increments() {
        return List.copyOf(increments);
    }
}
