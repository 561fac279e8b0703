package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.application.ingest.IngestOutcome.Accepted;
import dev.loyaltyrelay.application.ingest.IngestOutcome.BodySignature;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Queued;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Skipped;
import dev.loyaltyrelay.domain.DeliveryIds;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryQueue;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration.Route;
import dev.loyaltyrelay.domain.RecipientResolver;
import dev.loyaltyrelay.domain.TopicCategory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * One delivery job per route whose recipient resolves, on its provider's queue, then the claims completed with the
 * queued delivery ids. Each job's id is derived from the event's delivery id, the integration and the mapping, so a
 * fan-out done again queues the same ids. Each job carries the topic's category for the merchant, decided here once.
 */
final class DeliveryFanOut {

    private static final Logger LOG = Logger.getLogger(DeliveryFanOut.class);

    private final DeliveryQueue queue;
    private final IngestCounters counters;
    private final EventCatalogue catalogue;

    DeliveryFanOut(DeliveryQueue queue, IngestCounters counters, EventCatalogue catalogue) {
        this.queue = queue;
        this.counters = counters;
        this.catalogue = catalogue;
    }

    /**
     * @throws dev.loyaltyrelay.domain.QueueUnavailable when a queue cannot be reached (some jobs may be queued)
     * @throws dev.loyaltyrelay.domain.QueueRefused     when a queue will never take a job as it is
     */
    Accepted fanOut(Merchant merchant, WebhookEvent event, List<Route> routes, IngestClaims.Claims claims, BodySignature signature,
            Instant now) {
        String eventDeliveryId = claims.eventDeliveryId();
        List<DeliveryJob> jobs = new ArrayList<>();
        List<Queued> queued = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        TopicCategory category = catalogue.categoryFor(merchant, event.topic());
        // Integrations on the same common property resolve the same recipient: the number is parsed once per event.
        var resolutions = new java.util.EnumMap<dev.loyaltyrelay.domain.CommonProperty, RecipientResolver.Resolution>(
                dev.loyaltyrelay.domain.CommonProperty.class);
        for (Route route : routes) {
            var integration = route.integration();
            var mapping = route.mapping();
            var resolution = resolutions.computeIfAbsent(integration.commonProperty(),
                    property -> RecipientResolver.resolve(property, event.properties(), merchant.defaultCountry()));
            if (resolution instanceof RecipientResolver.Unresolved unresolved) {
                skipped.add(new Skipped(integration.provider().key(), integration.integrationId(), mapping.mappingId(), unresolved.reason()));
                counters.skipped(integration.provider().key(), unresolved.reason());
                continue;
            }
            var recipient = ((RecipientResolver.Resolved) resolution).recipient();
            String deliveryId = DeliveryIds.derive(merchant.merchantId(), eventDeliveryId, integration.integrationId(), mapping.mappingId());
            jobs.add(new DeliveryJob(DeliveryJob.SCHEMA_VERSION, deliveryId, merchant.merchantId(), eventDeliveryId, event.topic(),
                    integration.provider(), integration.integrationId(), recipient, mapping, mapping.propertiesFor(event.properties()), now, category));
            queued.add(new Queued(deliveryId, integration.provider().key(), integration.integrationId(), mapping.mappingId()));
        }
        if (!jobs.isEmpty()) {
            queue.enqueue(jobs);
        }
        claims.complete(queued.stream().map(Queued::deliveryId).toList(), now);
        for (Queued q : queued) {
            counters.queued(q.provider(), event.topic());
        }
        IngestLedger.Claim own = claims.own();
        LOG.infof("ingest: %s of merchant %s (%s): %d queued, %d skipped%s%s", own.nectorDeliveryId(), merchant.merchantId(), event.topic(),
                queued.size(), skipped.size(), own.takeover() ? ", after a lapsed claim" : "",
                eventDeliveryId.equals(own.nectorDeliveryId()) ? "" : ", as the event first received as " + eventDeliveryId);
        return new Accepted(signature, queued, skipped);
    }
}
