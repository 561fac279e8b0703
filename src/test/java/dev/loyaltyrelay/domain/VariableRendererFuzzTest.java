package dev.loyaltyrelay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the variable renderer with event properties of any content (dates and date-times that
 * almost parse, numbers of any scale, Unicode spaces and line breaks, nesting) and the fallbacks the admin API
 * accepts. Every rendering either names the variable it could not fill, or fills every variable, in order, with a
 * value a customer can read: never blank, and under WhatsApp's parameter rules (no line break or tab, at most four
 * spaces in a row, at most 1024 characters) when the provider sends WhatsApp templates. Nothing else is thrown.
 */
class VariableRendererFuzzTest {

    /** Characters random strings rarely hold, given to the fuzzer as they are. */
    private static final List<String> INVISIBLES = List.of("\u00a0", "\u200b", "\u2007", "\u202f", "\ufeff", "\u3164", "\u2800", "\u200d",
            "\u2028", "\u0085", "\u001c", "\u180e", "\u2060");
    private static final List<String> ZONES = List.of("Asia/Kolkata", "UTC", "America/St_Johns", "Pacific/Kiritimati", "Asia/Kathmandu");
    private static final List<String> SHAPES = List.of("2026-02-30", "2026-11-20", "2026-11-20T10:00:00Z", "2026-11-20T10:00:00+0530",
            "2026-11-20T10:00+05:30", "9999-12-31T23:59:59.999999999-1800", "0000-01-01", "2026-13-01T25:61:61Z");

    /** Spaces, separators, controls, format characters and the blank fillers: written apart from the code under test. */
    private static final java.util.regex.Pattern INVISIBLE = java.util.regex.Pattern.compile(
            "[\\s\\p{Z}\\p{Cc}\\p{Cf}\\x{115F}\\x{1160}\\x{3164}\\x{FFA0}\\x{2800}]*");

    @FuzzTest(maxDuration = "10s")
    void everyVariableIsFilledReadablyOrNamedAsUnrenderable(FuzzedDataProvider data) {
        boolean whatsApp = data.consumeBoolean();
        ZoneId zone = ZoneId.of(data.pickValue(ZONES));
        var variables = new ArrayList<TemplateVariable>();
        var properties = new LinkedHashMap<String, Object>();
        int count = data.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            String property = "p" + i;
            variables.add(new TemplateVariable(property, adminAcceptedFallback(data)));
            if (data.consumeInt(0, 5) > 0) {
                properties.put(property, value(data));
            }
        }

        var rendering = VariableRenderer.render(variables, properties, zone, whatsApp);

        if (rendering instanceof VariableRenderer.Rendered rendered) {
            assertEquals(variables.size(), rendered.values().size(), "one value per variable");
            for (String value : rendered.values()) {
                assertFalse(INVISIBLE.matcher(value).matches(), "a variable was filled with a value that reads as nothing");
                if (whatsApp) {
                    assertTrue(value.length() <= VariableRenderer.WHATSAPP_PARAMETER_MAX_LENGTH, "longer than WhatsApp takes");
                    assertTrue(value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\t') < 0, "a line break or tab");
                    assertFalse(value.contains("     "), "more than four spaces in a row");
                }
            }
        } else {
            var unrenderable = (VariableRenderer.Unrenderable) rendering;
            assertTrue(unrenderable.position() >= 1 && unrenderable.position() <= variables.size());
            assertEquals(variables.get(unrenderable.position() - 1).property(), unrenderable.property());
        }
    }

    /**
     * A fallback as a mapping may carry it: trimmed, not empty, at most 1024 characters (a mapping stored before the admin
     * API refused invisible fallbacks may hold one); or none.
     */
    private static String adminAcceptedFallback(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return null;
        }
        String text = (data.consumeBoolean() ? data.pickValue(INVISIBLES) : "") + data.consumeString(1100).trim();
        return text.isEmpty() || text.length() > 1024 ? null : text;
    }

    private static Object value(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 9)) {
            case 0 -> data.pickValue(SHAPES);
            case 1 -> data.consumeBoolean();
            case 2 -> data.consumeLong();
            case 3 -> new BigDecimal(BigInteger.valueOf(data.consumeLong()), data.consumeInt(-2_000, 2_000));
            case 4 -> data.consumeDouble();
            case 5 -> Map.of("nested", data.consumeString(10));
            case 6 -> List.of(data.consumeString(10));
            case 7 -> data.pickValue(INVISIBLES) + data.consumeString(4);
            default -> data.consumeString(1_200);
        };
    }
}
