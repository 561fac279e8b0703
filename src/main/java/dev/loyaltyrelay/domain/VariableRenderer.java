package dev.loyaltyrelay.domain;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fills a template's variables, in the mapping's order, from a job's properties. The rules are the README's
 * ("Rendering"):
 * <ul>
 *   <li>a JSON number is written without exponent or trailing zeros ({@code 100.50} as {@code 100.5},
 *       {@code 1E+3} as {@code 1000}); one with more than 100 digits before or after its point cannot be rendered
 *       ({@code out_of_range}); strings are never reinterpreted as numbers (a coupon code {@code 00120}
 *       stays as it is);</li>
 *   <li>an ISO 8601 date ({@code 2026-12-15}) is written {@code 15 Dec 2026}; a date-time with an offset is
 *       written {@code 15 Dec 2026, 6:30 PM} in the merchant's timezone;</li>
 *   <li>a missing, null or blank property takes the variable's fallback; without one the variable cannot be
 *       rendered;</li>
 *   <li>for WhatsApp templates (Meta's parameter rules): newlines and tabs become a space, no more than four
 *       spaces in a row, and a value longer than 1,024 characters cannot be rendered (cutting it would
 *       change what the customer reads).</li>
 * </ul>
 * A variable that cannot be rendered fails the delivery permanently, naming the property.
 */
public final class VariableRenderer {

    public static final int WHATSAPP_PARAMETER_MAX_LENGTH = 1024;
    /** The most digits a number may have before or after its point to be rendered. */
    static final int MAX_NUMBER_DIGITS = 100;

    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ISO_DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})");
    /** Meta's limit on spaces in a row. */
    private static final int MAX_SPACES_IN_A_ROW = 4;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy, h:mm a", Locale.ENGLISH);

    private VariableRenderer() {
    }

    /** The outcome of rendering a mapping's variables. */
    public sealed interface Rendering permits Rendered, Unrenderable {
    }

    /** Every variable, in template order. */
    public record Rendered(List<String> values) implements Rendering {
        public Rendered {
            values = List.copyOf(values);
        }
    }

    /**
     * One variable could not be rendered.
     *
     * @param position 1-based position in the template
     * @param property the event property it reads
     * @param problem  {@code missing}, {@code not_a_single_value}, {@code too_long} or {@code empty}
     */
    public record Unrenderable(int position, String property, String problem) implements Rendering {
        /** A reason code for the delivery record, e.g. {@code variable_missing:amount}. */
        public String reason() {
            return "variable_" + problem + ":" + property;
        }
    }

    public static Rendering render(List<TemplateVariable> variables, Map<String, Object> properties, ZoneId zone,
            boolean whatsAppParameters) {
        List<String> values = new ArrayList<>(variables.size());
        int position = 0;
        for (TemplateVariable variable : variables) {
            position++;
            Object raw = properties.get(variable.property());
            String value;
            if (raw instanceof Map<?, ?> || raw instanceof List<?>) {
                return new Unrenderable(position, variable.property(), "not_a_single_value");
            }
            if (raw instanceof Number number && !writable(number)) {
                return new Unrenderable(position, variable.property(), "out_of_range");
            }
            value = raw == null ? null : format(raw, zone);
            if (value != null && whatsAppParameters) {
                value = whatsAppSafe(value);
            }
            if (value == null || readsAsNothing(value)) {
                if (variable.fallback() == null) {
                    return new Unrenderable(position, variable.property(), raw == null ? "missing" : "empty");
                }
                value = whatsAppParameters ? whatsAppSafe(variable.fallback()) : variable.fallback();
                if (readsAsNothing(value)) {
                    // Refused by the admin API since, but a mapping stored before may carry one.
                    return new Unrenderable(position, variable.property(), raw == null ? "missing" : "empty");
                }
            }
            if (whatsAppParameters && value.length() > WHATSAPP_PARAMETER_MAX_LENGTH) {
                return new Unrenderable(position, variable.property(), "too_long");
            }
            values.add(value);
        }
        return new Rendered(values);
    }

    /**
     * Whether a customer would read the value as nothing: empty, or only whitespace, Unicode spaces (no-break ones
     * too, which {@link String#isBlank} keeps), control and format characters (zero-width spaces and joiners, the byte
     * order mark) and the blank fillers (Hangul fillers, the blank Braille pattern).
     */
    public static boolean readsAsNothing(String value) {
        return value.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x2800);
    }

    /** One value as a customer reads it (see the class comment). */
    public static String format(Object value, ZoneId zone) {
        if (value instanceof Number number) {
            return plainNumber(number);
        }
        String text = value.toString();
        if (ISO_DATE.matcher(text).matches()) {
            try {
                return LocalDate.parse(text).format(DATE);
            } catch (DateTimeParseException notADate) {
                return text;
            }
        }
        if (ISO_DATE_TIME.matcher(text).matches()) {
            try {
                return OffsetDateTime.parse(normaliseOffset(text)).atZoneSameInstant(zone).format(DATE_TIME);
            } catch (DateTimeParseException notADateTime) {
                return text;
            }
        }
        return text;
    }

    /**
     * Whether a number can be written out in full: at most {@link #MAX_NUMBER_DIGITS} digits before and after the
     * point. {@code 1E2147483647} cannot (written out, it would take gigabytes); no loyalty event carries such a value.
     */
    static boolean writable(Number number) {
        if (number instanceof Double d && (d.isNaN() || d.isInfinite()) || number instanceof Float f && (f.isNaN() || f.isInfinite())) {
            return true;
        }
        BigDecimal decimal = number instanceof BigDecimal big ? big
                : number instanceof java.math.BigInteger integer ? new BigDecimal(integer) : new BigDecimal(number.toString());
        long integerDigits = (long) decimal.precision() - decimal.scale();
        return integerDigits <= MAX_NUMBER_DIGITS && decimal.scale() <= MAX_NUMBER_DIGITS;
    }

    static String plainNumber(Number number) {
        if (number instanceof Double d && (d.isNaN() || d.isInfinite()) || number instanceof Float f && (f.isNaN() || f.isInfinite())) {
            return number.toString();
        }
        BigDecimal decimal = number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
        String plain = decimal.stripTrailingZeros().toPlainString();
        return plain.equals("-0") ? "0" : plain;
    }

    /** Meta's template parameter rules: no line break or tab, at most four spaces in a row. */
    static String whatsAppSafe(String value) {
        // One pass, linear in the value's length (a regular expression with backtracking took seconds on 64K spaces):
        // a run of blanks holding a line break or tab becomes one space; a run of spaces keeps at most four.
        var safe = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c != ' ' && c != '\r' && c != '\n' && c != '\t') {
                safe.append(c);
                i++;
                continue;
            }
            int start = i;
            boolean breaksLine = false;
            while (i < value.length() && (value.charAt(i) == ' ' || value.charAt(i) == '\r' || value.charAt(i) == '\n' || value.charAt(i) == '\t')) {
                breaksLine |= value.charAt(i) != ' ';
                i++;
            }
            safe.append(breaksLine ? " " : " ".repeat(Math.min(i - start, MAX_SPACES_IN_A_ROW)));
        }
        return safe.toString().strip();
    }

    private static String normaliseOffset(String text) {
        // OffsetDateTime wants +05:30, Nector-style payloads may carry +0530.
        int length = text.length();
        if (length > 5 && (text.charAt(length - 5) == '+' || text.charAt(length - 5) == '-') && text.charAt(length - 3) != ':') {
            return text.substring(0, length - 2) + ":" + text.substring(length - 2);
        }
        return text;
    }
}
