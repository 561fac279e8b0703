package dev.loyaltyrelay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.VariableRenderer.Rendered;
import dev.loyaltyrelay.domain.VariableRenderer.Unrenderable;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VariableRendererTest {

    static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    static VariableRenderer.Rendering render(Map<String, Object> properties, TemplateVariable... variables) {
        return VariableRenderer.render(List.of(variables), properties, KOLKATA, true);
    }

    @ParameterizedTest
    @CsvSource({"100, 100", "100.50, 100.5", "1E+3, 1000", "0.000, 0", "-0.0, 0", "12345678901234567890.10, 12345678901234567890.1", "2.5E-3, 0.0025"})
    void numbersAreWrittenWithoutExponentOrTrailingZeros(String json, String expected) {
        assertEquals(expected, VariableRenderer.format(new BigDecimal(json), KOLKATA));
        if (json.length() < 15) {
            assertEquals(expected, VariableRenderer.format(Double.parseDouble(json), KOLKATA));
        }
    }

    @Test
    void aFallbackOfUnicodeSpacesOnly_isNotAValue_theVariableIsNamedUnrenderable() {
        // Found by VariableRendererFuzzTest: the admin API trims ASCII spaces only, and an em space rendered as "".
        assertEquals(new Unrenderable(1, "name", "missing"), render(Map.of(), new TemplateVariable("name", "\u2003\u2003")));
        assertEquals(new Unrenderable(1, "name", "empty"), render(Map.of("name", "\u001c"), new TemplateVariable("name", "\u2003")));
        assertEquals(new Rendered(List.of("friend")), render(Map.of("name", "\u2003"), new TemplateVariable("name", "friend")));
    }

    @Test
    void aValueOfNoBreakOrZeroWidthSpaces_readsAsNothing_andTakesTheFallback() {
        // Found by an independent review: String.isBlank keeps U+00A0 and U+200B, and they were sent as the value.
        for (String invisible : List.of("\u00a0", "\u200b", "\u202f\u2007", "\ufeff", "\u3164", "\u2800", "\u200d\u2060")) {
            assertEquals(new Rendered(List.of("there")), render(Map.of("name", invisible), new TemplateVariable("name", "there")),
                    Integer.toHexString(invisible.codePointAt(0)));
            assertEquals(new Unrenderable(1, "name", "empty"), render(Map.of("name", invisible), new TemplateVariable("name", null)));
        }
        assertEquals(new Rendered(List.of("Riya\u00a0S")), render(Map.of("name", "Riya\u00a0S"), new TemplateVariable("name", "there")));
    }

    @Test
    void integersAndLongsStayWhole() {
        assertEquals("250", VariableRenderer.format(250, KOLKATA));
        assertEquals("9007199254740993", VariableRenderer.format(9007199254740993L, KOLKATA));
    }

    @Test
    void stringsAreNeverReadAsNumbers() {
        assertEquals("00120", VariableRenderer.format("00120", KOLKATA));
        assertEquals("1E+3", VariableRenderer.format("1E+3", KOLKATA));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-12-15|15 Dec 2026",
            "2026-12-15T13:00:00Z|15 Dec 2026, 6:30 PM",
            "2026-12-15T23:59:00+05:30|15 Dec 2026, 11:59 PM",
            "2026-12-15T20:00:00+0000|16 Dec 2026, 1:30 AM",
            "2026-02-30|2026-02-30"})
    void datesUseTheDocumentedFormat_inTheMerchantsTimezone(String value, String expected) {
        assertEquals(expected, VariableRenderer.format(value, KOLKATA));
    }

    @Test
    void variablesKeepTheMappingsOrder() {
        var rendering = render(Map.of("a", "first", "b", 2), new TemplateVariable("b", null), new TemplateVariable("a", null));
        assertEquals(new Rendered(List.of("2", "first")), rendering);
    }

    @Test
    void missingNullOrBlankTakesTheFallback() {
        var properties = new HashMap<String, Object>();
        properties.put("blank", "  ");
        properties.put("nothing", null);
        var rendering = render(properties, new TemplateVariable("absent", "friend"), new TemplateVariable("blank", "there"),
                new TemplateVariable("nothing", "-"));
        assertEquals(new Rendered(List.of("friend", "there", "-")), rendering);
    }

    @Test
    void withoutFallback_theFirstUnrenderableVariableIsNamed() {
        assertEquals(new Unrenderable(2, "amount", "missing"),
                render(Map.of("user_name", "Riya"), new TemplateVariable("user_name", null), new TemplateVariable("amount", null)));
        assertEquals("variable_missing:amount", new Unrenderable(2, "amount", "missing").reason());
        assertEquals(new Unrenderable(1, "user_name", "empty"), render(Map.of("user_name", " \n "), new TemplateVariable("user_name", null)));
        assertEquals(new Unrenderable(1, "items", "not_a_single_value"), render(Map.of("items", List.of(1, 2)), new TemplateVariable("items", "x")));
    }

    @Test
    void whatsAppParameters_haveNoLineBreaksOrTabs_andAtMostFourSpacesInARow() {
        var rendering = render(Map.of("text", "Hello\nRiya,\r\n\tyour   coins:        100  "), new TemplateVariable("text", null));
        assertEquals(new Rendered(List.of("Hello Riya, your   coins:    100")), rendering);
    }

    @Test
    void whatsAppParameters_longerThan1024_areNotCutButRefused() {
        assertEquals(new Rendered(List.of("x".repeat(1024))), render(Map.of("text", "x".repeat(1024)), new TemplateVariable("text", null)));
        assertEquals(new Unrenderable(1, "text", "too_long"), render(Map.of("text", "x".repeat(1025)), new TemplateVariable("text", null)));
    }

    @Test
    void otherChannels_keepTheTextAsItIs() {
        var rendering = VariableRenderer.render(List.of(new TemplateVariable("text", null)), Map.of("text", "a\nb"), KOLKATA, false);
        assertEquals(new Rendered(List.of("a\nb")), rendering);
    }
}
