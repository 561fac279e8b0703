package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.QuietHours;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Duration;
import java.time.format.DateTimeFormatter;

/**
 * The bodies of {@link MarketingLimitsApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest
 * holds each record and its schema together).
 */
final class LimitsBodies {

    static final String MESSAGES = "a whole number from 1 to 100";
    static final String WINDOW = "an ISO 8601 duration from PT1H to P31D, e.g. PT12H, P1D, P7D";
    static final String TIME = "a time of day as HH:mm, e.g. 21:00";

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private LimitsBodies() {
    }

    /**
     * PUT's body ({@code MarketingLimits}): both parts replace what the merchant had; a part left out or null is removed.
     * {@code timezone} is read-only: it may repeat the merchant's (so a GET's answer can be sent back as it is), not
     * change it.
     */
    @RegisterForReflection
    record MarketingLimitsChange(FrequencyCapFields frequencyCap, QuietHoursFields quietHours, String timezone) {
    }

    /** {@code MarketingLimits}: the merchant's cap and quiet hours (null: none), and the timezone the quiet hours are read on. */
    @RegisterForReflection
    record MarketingLimitsView(FrequencyCapFields frequencyCap, QuietHoursFields quietHours, String timezone) {

        static MarketingLimitsView of(Merchant merchant) {
            return new MarketingLimitsView(merchant.marketingLimits().cap().map(FrequencyCapFields::of).orElse(null),
                    merchant.marketingLimits().quiet().map(QuietHoursFields::of).orElse(null), merchant.timezone().getId());
        }
    }

    /** {@code FrequencyCap}: at most {@code messages} marketing messages to one recipient in any {@code window}. */
    @RegisterForReflection
    record FrequencyCapFields(@JsonProperty(required = true) @JsonPropertyDescription(MESSAGES) Long messages,
            @JsonProperty(required = true) @JsonPropertyDescription(WINDOW) String window) {

        static FrequencyCapFields of(FrequencyCap cap) {
            return new FrequencyCapFields((long) cap.messages(), window(cap.window()));
        }

        /** Whole days as days ({@code P1D}, {@code P7D}), anything else as hours, minutes and seconds ({@code PT12H}). */
        static String window(Duration window) {
            long seconds = window.getSeconds();
            return seconds % 86_400 == 0 && window.getNano() == 0 ? "P" + seconds / 86_400 + "D" : window.toString();
        }
    }

    /** {@code QuietHours}: from (included) until (excluded) on the merchant's wall clock, across midnight when from is later. */
    @RegisterForReflection
    record QuietHoursFields(@JsonProperty(required = true) @JsonPropertyDescription(TIME) String from,
            @JsonProperty(required = true) @JsonPropertyDescription(TIME) String until) {

        static QuietHoursFields of(QuietHours quiet) {
            return new QuietHoursFields(HH_MM.format(quiet.from()), HH_MM.format(quiet.until()));
        }
    }
}
