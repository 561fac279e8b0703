package dev.loyaltyrelay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecipientResolverTest {

    static RecipientResolver.Resolution mobile(Object value, String country) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("user_mobile", value);
        return RecipientResolver.resolve(CommonProperty.MOBILE, properties, country);
    }

    static String address(RecipientResolver.Resolution resolution) {
        return assertInstanceOf(RecipientResolver.Resolved.class, resolution).recipient().address();
    }

    @Test
    void aRememberedAnswer_isTheNumbersInItsOwnCountry_only() {
        // The container remembers recent answers (issue 16): the same text under another default country is another question.
        for (int round = 0; round < 3; round++) {
            assertEquals("+919876543210", address(mobile("98765 43210", "IN")));
            assertEquals("+4915123456789", address(mobile("0151 23456789", "DE")));
            assertEquals("+33612345678", address(mobile("06 12 34 56 78", "FR")));
            assertInstanceOf(RecipientResolver.Unresolved.class, mobile("06 12 34 56 78", "IN"));
            assertInstanceOf(RecipientResolver.Unresolved.class, mobile("98765 4321", "IN"));
        }
        for (int i = 0; i < 5_000; i++) {
            // More distinct numbers than it remembers: it forgets and goes on answering rightly.
            assertEquals(String.format("+91987%07d", i), address(mobile(String.format("987%07d", i), "IN")));
        }
        assertEquals("+919876543210", address(mobile("98765 43210", "IN")));
    }

    @Test
    void mobiles_areNormalisedToE164_withTheMerchantsDefaultCountry() {
        assertEquals("+919876543210", address(mobile("98765 43210", "IN")));
        assertEquals("+919876543210", address(mobile("+91 98765-43210", "US")));
        assertEquals("+919876543210", address(mobile("09876543210", "IN")));
        assertEquals("+919876543210", address(mobile(919876543210L, "IN")), "a number sent as a JSON number");
        assertEquals("+14155552671", address(mobile("(415) 555-2671", "US")));
    }

    @Test
    void missingAndInvalidMobiles_sayWhich() {
        assertEquals("recipient_missing", ((RecipientResolver.Unresolved) mobile(null, "IN")).reason());
        assertEquals("recipient_missing", ((RecipientResolver.Unresolved) mobile("  ", "IN")).reason());
        assertEquals("recipient_invalid", ((RecipientResolver.Unresolved) mobile("12", "IN")).reason());
        assertEquals("recipient_invalid", ((RecipientResolver.Unresolved) mobile("call me", "IN")).reason());
        assertEquals("recipient_invalid", ((RecipientResolver.Unresolved) mobile(Map.of("a", 1), "IN")).reason());
    }

    @Test
    void emails_areTrimmedAndLowerCased_andNonsenseRefused() {
        var resolved = RecipientResolver.resolve(CommonProperty.EMAIL, Map.of("user_email", "  Riya@Example.COM "), "IN");
        assertEquals("riya@example.com", address(resolved));
        var invalid = RecipientResolver.resolve(CommonProperty.EMAIL, Map.of("user_email", "riya at example"), "IN");
        assertEquals("recipient_invalid", ((RecipientResolver.Unresolved) invalid).reason());
    }

    @Test
    void aRecipient_printsMasked() {
        var recipient = new Recipient(CommonProperty.MOBILE, "+919876543210");
        assertFalse(recipient.toString().contains("98765"));
        assertEquals("*********3210", recipient.masked());
        assertFalse(new Recipient(CommonProperty.EMAIL, "riya@example.com").toString().contains("riya"));
    }
}
