package dev.loyaltyrelay.domain;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a customer's address from an event's {@code user_*} properties: mobile numbers to E.164 with the
 * merchant's default country, emails trimmed and lower-cased.
 */
public final class RecipientResolver {

    /** Deliberately loose: the provider is the judge of deliverability; this only refuses what cannot be an address. */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private RecipientResolver() {
    }

    /** Either a recipient or the reason there is none. */
    public sealed interface Resolution permits Resolved, Unresolved {
    }

    public record Resolved(Recipient recipient) implements Resolution {
    }

    /** @param reason {@code recipient_missing} or {@code recipient_invalid} */
    public record Unresolved(String reason) implements Resolution {
    }

    public static Resolution resolve(CommonProperty property, Map<String, Object> eventProperties, String defaultCountry) {
        Object raw = eventProperties.get(property.eventProperty());
        String text = raw == null ? "" : raw instanceof Number n ? numberText(n) : raw.toString().trim();
        if (text.isEmpty()) {
            return new Unresolved("recipient_missing");
        }
        Optional<String> address = switch (property) {
            case MOBILE -> mobileToE164(text, defaultCountry);
            case EMAIL -> normaliseEmail(text);
        };
        return address.<Resolution>map(a -> new Resolved(new Recipient(property, a)))
                .orElseGet(() -> new Unresolved("recipient_invalid"));
    }

    static final int MAX_EMAIL_LENGTH = 254;

    /**
     * A warm container's recent answers: ingest parses an event's number for the customer and again for its deliveries,
     * and a burst repeats the same customers (libphonenumber's parse and validation were a tenth of ingest's CPU).
     * Bounded: cleared when full, as a burst of distinct numbers has nothing to gain from any of it.
     */
    private static final int REMEMBERED_NUMBERS = 4_096;
    /** The longest text remembered: a written-out number with its spaces, dashes, brackets and prefix fits well within. */
    static final int MOST_REMEMBERED_LENGTH = 40;
    private static final java.util.concurrent.ConcurrentHashMap<String, Optional<String>> RECENT_NUMBERS = new java.util.concurrent.ConcurrentHashMap<>();

    public static Optional<String> mobileToE164(String text, String defaultCountry) {
        if (text.length() > MOST_REMEMBERED_LENGTH) {
            // Never a number worth remembering (E.164 has at most 15 digits): kept, 4,096 long texts would fill the heap.
            return parseToE164(text, defaultCountry);
        }
        String key = defaultCountry + '\u0000' + text;
        Optional<String> known = RECENT_NUMBERS.get(key);
        if (known != null) {
            return known;
        }
        Optional<String> e164 = parseToE164(text, defaultCountry);
        if (RECENT_NUMBERS.size() >= REMEMBERED_NUMBERS) {
            RECENT_NUMBERS.clear();
        }
        RECENT_NUMBERS.put(key, e164);
        return e164;
    }

    private static Optional<String> parseToE164(String text, String defaultCountry) {
        try {
            var number = PHONES.parse(text, defaultCountry);
            if (!PHONES.isValidNumber(number)) {
                return Optional.empty();
            }
            return Optional.of(PHONES.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    public static Optional<String> normaliseEmail(String text) {
        String email = text.trim().toLowerCase(Locale.ROOT);
        if (email.length() > MAX_EMAIL_LENGTH) {
            // RFC 5321's limit; a longer "email" is no one's, and would not fit a store index key either.
            return Optional.empty();
        }
        return EMAIL.matcher(email).matches() ? Optional.of(email) : Optional.empty();
    }

    /** A JSON number carrying a phone number: integral digits only, never an exponent. */
    private static String numberText(Number number) {
        return new java.math.BigDecimal(number.toString()).toPlainString();
    }
}
