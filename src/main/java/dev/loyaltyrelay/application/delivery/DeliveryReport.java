package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryLedger.AlreadyFinished;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.OperationalEvent;
import dev.loyaltyrelay.domain.OperationalEvents;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RelayMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What the delivery functions count and log: identifiers, statuses and reason codes, the recipient masked. The
 * counters' names are the ones operators' alarms and dashboards read.
 */
@ApplicationScoped
class DeliveryReport {

    static final String OUTCOME = "DeliveryOutcome";
    static final String OUTCOME_UNKNOWN = "DeliveryOutcomeUnknown";
    static final String DUPLICATE = "DeliveryDuplicate";
    static final String LEASE_CONFLICT = "DeliveryLeaseConflict";
    static final String POISON = "DeliveryPoison";
    static final String PROVIDER_OPT_OUT = "RecipientOptOutFromProvider";
    /**
     * What {@link #OUTCOME} is published under (each with stage and function): by provider and status (the alarms'
     * rates), by reason (what failed), by topic (the dashboard's outcomes per topic). template.yaml's alarms name the
     * first set exactly; an alarm cannot search.
     */
    static final List<List<String>> OUTCOME_DIMENSION_SETS = List.of(
            List.of("provider", "status"),
            List.of("provider", "status", "reason"),
            List.of("provider", "topic", "status"));

    private static final Logger LOG = Logger.getLogger(JobDelivery.class);
    private final RelayMetrics metrics;
    private final OperationalEvents events;

    DeliveryReport(RelayMetrics metrics, OperationalEvents events) {
        this.metrics = metrics;
        this.events = events;
    }

    /**
     * The delivery was given up and this attempt's write recorded it {@code EXHAUSTED} (the write that won: a duplicate
     * of the job finds the delivery finished and reports nothing): counted, logged, and published to the merchant.
     */
    void givenUp(InFlight delivery, DeliveryOutcome outcome, String givenUpBy) {
        outcome(delivery, DeliveryStatus.EXHAUSTED, outcome, " (" + givenUpBy + ")");
        var job = delivery.job();
        events.publish(new OperationalEvent.DeliveryExhausted(job.merchantId(), job.deliveryId(), job.nectorDeliveryId(),
                job.integrationId(), delivery.provider().key(), job.topic(), outcome.reason(), givenUpBy));
    }

    void outcome(InFlight delivery, DeliveryStatus status, DeliveryOutcome outcome, String note) {
        // Jobs are made only for mappings, and a mapping only for a topic of the catalogue: topic is a bounded dimension.
        metrics.increment(OUTCOME, Map.of("provider", delivery.provider().key(), "status", status.name(),
                "reason", Counted.reasonClass(outcome.reason()), "topic", delivery.job().topic()), OUTCOME_DIMENSION_SETS);
        LOG.infof("delivery %s %s %s to %s: %s (%s)%s", delivery.deliveryId(), delivery.provider().key(), delivery.job().topic(),
                delivery.job().recipient().masked(), status, outcome.reason(), note);
    }

    void unknown(Provider provider, String reason, String policy) {
        metrics.increment(OUTCOME_UNKNOWN, Map.of("provider", provider.key(), "reason", reason, "policy", policy.toLowerCase(Locale.ROOT)));
    }

    void duplicate(InFlight delivery, AlreadyFinished finished) {
        metrics.increment(DUPLICATE, Map.of("provider", delivery.provider().key()));
        LOG.infof("delivery %s ended before (%s): duplicate dropped", delivery.deliveryId(), finished.status());
    }

    void leaseConflict(Provider provider) {
        metrics.increment(LEASE_CONFLICT, Map.of("provider", provider.key()));
    }

    /** A provider answered that the recipient opted out (the opt-out is then recorded). */
    void providerOptOut(Provider provider) {
        metrics.increment(PROVIDER_OPT_OUT, Map.of("provider", provider.key()));
    }

    void poison(Provider provider, String deliveryId, String reason) {
        metrics.increment(POISON, Map.of("provider", provider.key(), "reason", reason));
        LOG.warnf("message on the %s queue dead-lettered: %s (delivery %s)", provider.key(), reason, deliveryId);
    }
}
