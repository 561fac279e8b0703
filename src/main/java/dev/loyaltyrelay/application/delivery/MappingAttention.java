package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.OperationalEvent.MappingNeedsAttention;
import dev.loyaltyrelay.domain.OperationalEvents;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * The one writer of a mapping's attention flag, set when the provider refuses the mapping's template (Meta's codes that
 * need the mapping: the template disabled, or parameters that do not fit it). The rules:
 * <ul>
 *   <li>set once, by the first refusal: a later one keeps the first reason and time;</li>
 *   <li>it stops sending through the mapping ({@code mapping_needs_attention}, before any call): every send would be
 *       refused the same way;</li>
 *   <li>only the merchant saving the mapping again (PUT) clears it; a mapping deleted meanwhile is not brought back.</li>
 * </ul>
 * The store applies them in the one conditional write that sets the flag; the writer that set it, and only that one,
 * then tells the merchant's systems ({@code Mapping Needs Attention}).
 */
@ApplicationScoped
public class MappingAttention {

    /** The reason a delivery through a flagged mapping is rejected, without a call. */
    public static final String MAPPING_NEEDS_ATTENTION = "mapping_needs_attention";

    private final ConfigurationStore store;
    private final OperationalEvents events;
    private final Clock clock;

    MappingAttention(ConfigurationStore store, OperationalEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The provider refused the template of the mapping {@code job} was sent through.
     *
     * @return whether the flag was set now (false: already flagged, or the mapping is gone)
     * @throws dev.loyaltyrelay.domain.StoreUnavailable when the flag cannot be written
     */
    public boolean templateRefused(DeliveryJob job, Rejected refusal) {
        boolean flagged = store.flagMapping(job.merchantId(), job.integrationId(), job.mapping().mappingId(), job.mapping().templateId(),
                new EventMapping.Attention(refusal.reason(), clock.instant()));
        if (flagged) {
            events.publish(new MappingNeedsAttention(job.merchantId(), job.integrationId(), job.mapping().mappingId(),
                    job.provider().key(), job.topic(), job.mapping().templateId(), refusal.reason()));
        }
        return flagged;
    }
}
