package dev.loyaltyrelay.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code messages} marketing messages to one recipient (one address of one merchant's customer) in any
 * {@code window}, whichever integration and topic they come through.
 */
public record FrequencyCap(int messages, Duration window) {

    /** More places than this would make one recipient's record large and the cap meaningless. */
    public static final int MOST_MESSAGES = 100;
    public static final Duration SHORTEST_WINDOW = Duration.ofHours(1);
    public static final Duration LONGEST_WINDOW = Duration.ofDays(31);

    public FrequencyCap {
        Objects.requireNonNull(window, "window");
        if (messages < 1 || messages > MOST_MESSAGES) {
            throw new IllegalArgumentException("messages must be 1 to " + MOST_MESSAGES);
        }
        if (window.compareTo(SHORTEST_WINDOW) < 0 || window.compareTo(LONGEST_WINDOW) > 0) {
            throw new IllegalArgumentException("window must be " + SHORTEST_WINDOW + " to " + LONGEST_WINDOW);
        }
    }
}
