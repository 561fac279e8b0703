package dev.loyaltyrelay.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.DeliveryQuery;
import dev.loyaltyrelay.domain.DeliveryLedger.Settlement;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.support.MutableClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A merchant's deliveries listed by time on DynamoDB Local: the order is the order of the receipt times, to the millisecond. */
@QuarkusTest
class DeliveryListingTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    DeliveryLedger ledger;
    @Inject
    MutableClock clock;

    DeliveryJob receivedAt(String instant) {
        clock.set(Instant.parse(instant));
        DeliveryJob job = fixture.zokoJob();
        ledger.settle(job, null, new Settlement(DeliveryStatus.REJECTED, DeliveryOutcome.Rejected.beforeCall("http_400"), null, false),
                clock.instant());
        return job;
    }

    List<String> listed(Instant from, Instant to) {
        return ledger.list(fixture.merchantId(), new DeliveryQuery(from, to, null, null, null, null, 10, null)).deliveries().stream()
                .map(DeliveryRecord::deliveryId).toList();
    }

    @Test
    void deliveriesReceivedWithinOneSecond_areListedNewestFirst_inTheOrderOfTheirMilliseconds() {
        fixture.freshMerchant();
        DeliveryJob whole = receivedAt("2026-11-18T10:00:00Z");
        DeliveryJob half = receivedAt("2026-11-18T10:00:00.500Z");
        DeliveryJob twentieth = receivedAt("2026-11-18T10:00:00.050Z");
        DeliveryJob next = receivedAt("2026-11-18T10:00:01Z");

        assertEquals(List.of(next.deliveryId(), half.deliveryId(), twentieth.deliveryId(), whole.deliveryId()), listed(null, null));
        assertEquals(List.of(half.deliveryId(), twentieth.deliveryId()),
                listed(Instant.parse("2026-11-18T10:00:00.001Z"), Instant.parse("2026-11-18T10:00:01Z")),
                "from is inclusive, to exclusive, compared to the millisecond");
    }
}
