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
