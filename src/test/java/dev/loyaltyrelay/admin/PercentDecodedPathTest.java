package dev.loyaltyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A path segment that carries another system's id (Nector's delivery id) is read as RFC 3986 writes it, and only so. */
class PercentDecodedPathTest {

    @Test
    void escapesAreDecoded_plusIsItself_andPrintableAsciiStandsForItself() {
        assertEquals("nd/1?x#y%", AdminRoutes.percentDecoded("nectorDeliveryId", "nd%2F1%3Fx%23y%25"));
        assertEquals("nd+~@!$.", AdminRoutes.percentDecoded("nectorDeliveryId", "nd+~@!$%2E"));
    }

    @Test
    void aBrokenEscapeOrARawNonAsciiCharacter_isAClientsMistake_neverAnAliasOfAnotherId() {
        for (String segment : new String[] {"nd%", "nd%2", "nd%zz", "ndŁ", "nd\u0041\u0301", "nd x"}) {
            ApiProblem problem = assertThrows(ApiProblem.class, () -> AdminRoutes.percentDecoded("nectorDeliveryId", segment), segment);
            assertEquals(400, problem.status(), segment);
        }
    }
}
