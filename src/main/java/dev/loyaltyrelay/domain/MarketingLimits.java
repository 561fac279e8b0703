package dev.loyaltyrelay.domain;

import java.util.Optional;

/**
 * How often, and when, a merchant's marketing messages may reach a recipient; transactional topics pass both. Either
 * part may be absent (null): no cap, no quiet hours.
 *
 * @param frequencyCap the cap, or null
 * @param quietHours   the quiet hours on the merchant's wall clock, or null
 */
public record MarketingLimits(FrequencyCap frequencyCap, QuietHours quietHours) {

    /** No cap and no quiet hours: what a merchant has until it sets them. */
    public static final MarketingLimits NONE = new MarketingLimits(null, null);

    public Optional<FrequencyCap> cap() {
        return Optional.ofNullable(frequencyCap);
    }

    public Optional<QuietHours> quiet() {
        return Optional.ofNullable(quietHours);
    }
}
