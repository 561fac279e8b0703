package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.DeliveryBodies.Delivery;
import dev.loyaltyrelay.admin.DeliveryBodies.WebhookLookup;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.IngestLedger.ClaimRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET .../events/{nectorDeliveryId}}: what became of the webhook a merchant knows by Nector's
 * {@code x-nector-delivery-id}. Read from what ingest writes anyway, with no index and no write of its own: the id's claim
 * (keyed by merchant and id, so another merchant's id is simply not there) holds when it arrived and the delivery ids its
 * fan-out queued, or the earlier id whose event it repeated; the delivery records are then read by id. A held event is
 * read by its key. One lookup: a GetItem for the claim (two for a repeat), one for a held event when there is no
 * completed claim, and one per delivery (as many as the topic's mappings).
 *
 * <p>It answers while the claim is kept ({@code relay.ingest.claim-retention}, 48 h by default): the claim is the only
 * record of an id. An ignored webhook (unknown or unmapped topic) is counted, never recorded, so it is not found.
 */
@ApplicationScoped
public class WebhookLookupApi {

    // Collaborators injected into package-private fields, as the other admin API classes are.
    @Inject
    IngestLedger ingest;
    @Inject
    HeldEventStore held;
    @Inject
    DeliveryLedger deliveries;
    @Inject
    RelayConfig config;
    @Inject
    java.time.Clock clock;

    AdminResponse<WebhookLookup> lookup(AdminRequest<Void> request) {
        String merchantId = request.merchantId();
        String nectorDeliveryId = request.path("nectorDeliveryId");
        if (!dev.loyaltyrelay.application.ingest.NectorHeaders.isDeliveryId(nectorDeliveryId)) {
            throw ApiProblem.invalid("nectorDeliveryId", "not a delivery id ingest accepts: 1 to 128 printable ASCII characters, "
                    + "percent-encoded in the path where a URL needs it (%2F for /)");
        }
        java.time.Instant now = clock.instant();
        Optional<ClaimRecord> claim = ingest.find(merchantId, nectorDeliveryId, now);
        if (claim.isPresent() && claim.get().completedAt() != null) {
            ClaimRecord completed = claim.get();
            if (completed.repeatOf() != null) {
                // The same body came first under another id: the event's deliveries are that id's.
                List<Delivery> ofTheEvent = ingest.find(merchantId, completed.repeatOf(), now).map(first -> deliveriesOf(merchantId, first)).orElse(List.of());
                return AdminResponse.ok(new WebhookLookup(nectorDeliveryId, "duplicate", Fields.timestamp(completed.claimedAt()),
                        completed.repeatOf(), null, 0, ofTheEvent));
            }
            List<Delivery> queued = deliveriesOf(merchantId, completed);
            return AdminResponse.ok(new WebhookLookup(nectorDeliveryId, "queued", Fields.timestamp(completed.claimedAt()), null, null,
                    completed.queuedDeliveryIds().size(), queued));
        }
        Optional<HeldEvent> heldEvent = held.find(merchantId, nectorDeliveryId);
        if (heldEvent.isPresent()) {
            return AdminResponse.ok(new WebhookLookup(nectorDeliveryId, "held", Fields.timestamp(heldEvent.get().receivedAt()), null,
                    heldEvent.get().reason(), 0, List.of()));
        }
        if (claim.isPresent()) {
            return AdminResponse.ok(new WebhookLookup(nectorDeliveryId, "in_progress", Fields.timestamp(claim.get().claimedAt()), null, null,
                    0, List.of()));
        }
        throw new ApiProblem(404, "not_found", "no webhook with this x-nector-delivery-id was received for this merchant in the last "
                + config.ingest().claimRetention().toHours() + " hours (an ignored webhook, of an unknown or unmapped topic, is counted, not kept)");
    }

    /** The claim's deliveries as the deliveries API shows them; one whose record is gone (expired, erased) is left out. */
    private List<Delivery> deliveriesOf(String merchantId, ClaimRecord claim) {
        return claim.queuedDeliveryIds().stream().map(deliveries::find).flatMap(Optional::stream)
                .filter(record -> Objects.equals(record.merchantId(), merchantId))
                .map(record -> Delivery.of(record, false)).toList();
    }
}
