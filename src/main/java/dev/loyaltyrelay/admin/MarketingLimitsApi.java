package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.LimitsBodies.FrequencyCapFields;
import dev.loyaltyrelay.admin.LimitsBodies.MarketingLimitsChange;
import dev.loyaltyrelay.admin.LimitsBodies.MarketingLimitsView;
import dev.loyaltyrelay.admin.LimitsBodies.QuietHoursFields;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.QuietHours;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A merchant's marketing limits: the frequency cap and the quiet hours (read on the merchant's timezone), which hold for
 * marketing topics only. They live on the merchant's profile item in the config table, written as an attribute of their
 * own ({@link ConfigurationStore#saveMarketingLimits}), so a settings change made from an older read keeps them.
 */
@ApplicationScoped
public class MarketingLimitsApi {

    private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):([0-5][0-9])");

    @Inject
    ConfigurationStore store;

    AdminResponse<MarketingLimitsView> get(AdminRequest<Void> request) {
        return AdminResponse.ok(MarketingLimitsView.of(request.merchant().merchant()));
    }

    AdminResponse<MarketingLimitsView> put(AdminRequest<MarketingLimitsChange> request) {
        Merchant merchant = request.merchant().merchant();
        MarketingLimitsChange change = request.body();
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        FrequencyCap cap = change.frequencyCap() == null ? null : checked(errors, () -> cap(change.frequencyCap()));
        QuietHours quiet = change.quietHours() == null ? null : checked(errors, () -> quietHours(change.quietHours()));
        if (change.timezone() != null && !change.timezone().equals(merchant.timezone().getId())) {
            errors.add(new ApiProblem.FieldError("timezone", "read-only here: the merchant's timezone is changed with PUT /v1/admin/merchants/{merchantId}"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "invalid_request", "the request has an invalid field", errors);
        }
        MarketingLimits limits = new MarketingLimits(cap, quiet);
        store.saveMarketingLimits(merchant.merchantId(), limits);
        return AdminResponse.ok(MarketingLimitsView.of(merchant.withMarketingLimits(limits)));
    }

    private static FrequencyCap cap(FrequencyCapFields given) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        Long messages = checked(errors, () -> {
            if (given.messages() == null) {
                throw ApiProblem.invalid("frequencyCap.messages", "required, " + LimitsBodies.MESSAGES);
            }
            return Fields.whole("frequencyCap.messages", given.messages(), 1, FrequencyCap.MOST_MESSAGES).orElseThrow();
        });
        Duration window = checked(errors, () -> window("frequencyCap.window", given.window()));
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "invalid_request", "the request has an invalid field", errors);
        }
        return new FrequencyCap(Math.toIntExact(messages), window);
    }

    private static QuietHours quietHours(QuietHoursFields given) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        LocalTime from = checked(errors, () -> time("quietHours.from", given.from()));
        LocalTime until = checked(errors, () -> time("quietHours.until", given.until()));
        if (errors.isEmpty() && from.equals(until)) {
            errors.add(new ApiProblem.FieldError("quietHours.until", "must differ from quietHours.from"));
        }
        if (!errors.isEmpty()) {
            throw new ApiProblem(400, "invalid_request", "the request has an invalid field", errors);
        }
        return new QuietHours(from, until);
    }

    /** The window as an ISO 8601 duration from PT1H to P31D, in whole seconds (it is stored as seconds). */
    static Duration window(String field, String text) {
        String value = Fields.requiredText(field, text, 32);
        Duration window;
        try {
            window = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(field, LimitsBodies.WINDOW);
        }
        if (window.getNano() != 0 || window.compareTo(FrequencyCap.SHORTEST_WINDOW) < 0 || window.compareTo(FrequencyCap.LONGEST_WINDOW) > 0) {
            throw ApiProblem.invalid(field, LimitsBodies.WINDOW + ", in whole seconds");
        }
        return window;
    }

    /** A wall-clock time as HH:mm (00:00 to 23:59). */
    static LocalTime time(String field, String text) {
        String value = Fields.requiredText(field, text, 16);
        var matched = HH_MM.matcher(value);
        if (!matched.matches()) {
            throw ApiProblem.invalid(field, LimitsBodies.TIME);
        }
        return LocalTime.of(Integer.parseInt(matched.group(1)), Integer.parseInt(matched.group(2)));
    }

    /** The value {@code check} gives, or null with its refusal's fields added to {@code errors}. */
    private static <T> T checked(List<ApiProblem.FieldError> errors, Supplier<T> check) {
        try {
            return check.get();
        } catch (ApiProblem refused) {
            errors.addAll(refused.errors());
            return null;
        }
    }
}
