package dev.loyaltyrelay.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * What kind of message a topic is: one the customer's own action or account calls for ({@code TRANSACTIONAL}: a coupon
 * just created, an order update), or one the store sends to bring the customer back ({@code MARKETING}: a nudge, a
 * reminder, a review request). A provider-reported opt-out (Meta 131050) stops marketing only; quiet hours and the
 * frequency cap apply to marketing only.
 */
public enum TopicCategory {
    TRANSACTIONAL, MARKETING;

    /** The lower-case name used in the catalogue, the job and the admin API. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TopicCategory> fromKey(String key) {
        for (TopicCategory category : values()) {
            if (category.key().equals(key)) {
                return Optional.of(category);
            }
        }
        return Optional.empty();
    }
}
