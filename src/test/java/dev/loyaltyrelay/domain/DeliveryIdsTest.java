package dev.loyaltyrelay.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliveryIdsTest {

    @Test
    void theSameDelivery_alwaysGetsTheSameId() {
        assertEquals(DeliveryIds.derive("m1", "n-1", "zoko-1", "wallet"), DeliveryIds.derive("m1", "n-1", "zoko-1", "wallet"));
        assertTrue(DeliveryIds.derive("m1", "n-1", "zoko-1", "wallet").matches("dlv_[0-9a-f]{32}"));
    }

    @Test
    void anyPartChanged_givesAnotherId_andPartsCannotBeShiftedIntoEachOther() {
        String id = DeliveryIds.derive("m1", "n-1", "zoko-1", "wallet");
        assertNotEquals(id, DeliveryIds.derive("m2", "n-1", "zoko-1", "wallet"));
        assertNotEquals(id, DeliveryIds.derive("m1", "n-2", "zoko-1", "wallet"));
        assertNotEquals(id, DeliveryIds.derive("m1", "n-1", "zoko-2", "wallet"));
        assertNotEquals(id, DeliveryIds.derive("m1", "n-1", "zoko-1", "coupon"));
        assertNotEquals(DeliveryIds.derive("ab", "c", "i", "m"), DeliveryIds.derive("a", "bc", "i", "m"));
    }
}
