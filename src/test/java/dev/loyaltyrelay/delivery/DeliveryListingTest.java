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

    @Inject
    dev.loyaltyrelay.domain.ReceiptLedger receipts;

    /**
     * The merchant index projects only some attributes (issue 16: a copy of the whole record, trail and all, was paid on
     * every write): a delivery listed through it reads as the record itself does, its trail aside, in every state the
     * listing shows (a receipt, a provider message id, a deferral's next attempt, a give-up, attempts, reasons).
     */
    @Test
    void aListedDelivery_readsAsItsRecord_butForTheTrail() {
        fixture.freshMerchant();
        clock.set(Instant.parse("2026-11-18T11:00:00Z"));
        DeliveryJob sent = fixture.zokoJob();
        var claimed = (DeliveryLedger.Claimed) ledger.claim(sent, null, DeliveryLedger.Budget.UNLIMITED, clock.instant());
        ledger.record(claimed, DeliveryStatus.SENT, new DeliveryOutcome.Sent("wamid.listing-" + sent.deliveryId(), 202), null, clock.instant());
        receipts.apply(fixture.merchantId(), sent.provider(), new dev.loyaltyrelay.domain.InboundEvent.Receipt("wamid.listing-" + sent.deliveryId(),
                dev.loyaltyrelay.domain.ReceiptState.DELIVERED, clock.instant(), null, null), clock.instant());
        DeliveryJob deferred = fixture.zokoJob();
        ledger.defer(deferred, null, new DeliveryOutcome.Deferred("quiet_hours", clock.instant().plusSeconds(3600)), clock.instant().plusSeconds(3600),
                java.time.Duration.ofHours(12), false, clock.instant());
        DeliveryJob givenUp = fixture.zokoJob();
        var again = (DeliveryLedger.Claimed) ledger.claim(givenUp, null, DeliveryLedger.Budget.UNLIMITED, clock.instant());
        ledger.recordGivenUp(again, DeliveryOutcome.Rejected.beforeCall("http_400"), "operator", clock.instant());
        DeliveryJob rejected = receivedAt("2026-11-18T11:00:01Z");

        var listed = ledger.list(fixture.merchantId(), new DeliveryQuery(null, null, null, null, null, null, 10, null)).deliveries();
        assertEquals(4, listed.size(), listed.toString());
        for (DeliveryRecord fromIndex : listed) {
            DeliveryRecord fromTable = ledger.find(fromIndex.deliveryId()).orElseThrow();
            for (var component : DeliveryRecord.class.getRecordComponents()) {
                if (!component.getName().equals("trail")) {
                    try {
                        assertEquals(component.getAccessor().invoke(fromTable), component.getAccessor().invoke(fromIndex),
                                component.getName() + " of " + fromTable);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        DeliveryRecord read = ledger.find(sent.deliveryId()).orElseThrow();
        org.junit.jupiter.api.Assertions.assertNotNull(read.receipt(), "the receipt is on the record: " + read);
        org.junit.jupiter.api.Assertions.assertNotNull(ledger.find(deferred.deliveryId()).orElseThrow().nextAttemptAt());
        org.junit.jupiter.api.Assertions.assertNotNull(ledger.find(givenUp.deliveryId()).orElseThrow().givenUpBy());
        org.junit.jupiter.api.Assertions.assertNotNull(ledger.find(rejected.deliveryId()).orElseThrow().reason());
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
