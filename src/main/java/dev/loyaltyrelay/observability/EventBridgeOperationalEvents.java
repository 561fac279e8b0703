package dev.loyaltyrelay.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.OperationalEvent;
import dev.loyaltyrelay.domain.OperationalEvents;
import dev.loyaltyrelay.domain.RelayMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClientBuilder;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes each {@link OperationalEvent} to the merchant-facing EventBridge bus ({@code RELAY_EVENT_BUS}), one
 * PutEvents call per fact, synchronously: the caller has recorded the fact already, and publishing right after it
 * (rather than from a stream) keeps it to the one writer that made it true. The plain SDK client with the URL connection
 * client, as the other AWS clients use (Quarkiverse's EventBridge extension does not resolve here).
 *
 * <p>Without a bus (tests of other things, the local run) each fact is written to the log as it would be published: its
 * detail holds no personal data, so the line is safe, and the local run's console shows it.
 *
 * <p>A failure (a refused entry, a 5xx after the SDK's retries, a timeout) is logged with the fact's type and merchant
 * and counted ({@value #NOT_PUBLISHED}); it never reaches the caller.
 */
@ApplicationScoped
public class EventBridgeOperationalEvents implements OperationalEvents {

    private static final Logger LOG = Logger.getLogger(EventBridgeOperationalEvents.class);
    static final String PUBLISHED = "OperationalEventPublished";
    static final String NOT_PUBLISHED = "OperationalEventNotPublished";

    private final RelayMetrics metrics;
    private final ObjectMapper json;
    private final String bus;
    private final EventBridgeClient client;

    EventBridgeOperationalEvents(RelayConfig config, RelayMetrics metrics, ObjectMapper json) {
        this.metrics = metrics;
        this.json = json;
        RelayConfig.Events events = config.events();
        this.bus = events.bus().filter(name -> !name.isBlank()).orElse(null);
        this.client = bus == null ? null : clientOrNone(events);
    }

    /** The client, or none when it cannot be built (no region): then every fact is counted as not published. */
    private static EventBridgeClient clientOrNone(RelayConfig.Events events) {
        try {
            return client(events);
        } catch (RuntimeException e) {
            LOG.warnf("operational events: no EventBridge client (%s); facts will be counted as not published", e.getClass().getSimpleName());
            return null;
        }
    }

    private static EventBridgeClient client(RelayConfig.Events events) {
        EventBridgeClientBuilder builder = EventBridgeClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                // Standard retries (3 attempts) within one bound: a delivery waits for the publish.
                .overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(events.callTimeout()).build());
        events.endpointOverride().ifPresent(builder::endpointOverride);
        events.region().map(Region::of).ifPresent(builder::region);
        return builder.build();
    }

    static final String RECIPIENT_HASH = "recipientHash";

    @Override
    public void publish(OperationalEvent event) {
        String detail;
        try {
            detail = json.writeValueAsString(event.detail());
        } catch (JsonProcessingException e) {
            notPublished(event, e.getClass().getSimpleName());
            return;
        }
        if (bus == null) {
            // Shown in the local run's log so the fact can be seen; the recipient's hash is the merchant's bus's alone (a
            // pseudonym of the address, matched against their customer list), so it never reaches a log.
            var shown = new java.util.LinkedHashMap<>(event.detail());
            shown.remove(RECIPIENT_HASH);
            LOG.infof("operational event (no RELAY_EVENT_BUS, not published): %s %s %s", OperationalEvent.SOURCE, event.detailType(), shown);
            return;
        }
        if (client == null) {
            notPublished(event, "no client");
            return;
        }
        try {
            PutEventsResponse response = client.putEvents(r -> r.entries(PutEventsRequestEntry.builder().eventBusName(bus)
                    .source(OperationalEvent.SOURCE).detailType(event.detailType()).detail(detail).build()));
            if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
                notPublished(event, response.entries().isEmpty() ? "failed entry" : response.entries().get(0).errorCode());
                return;
            }
            metrics.increment(PUBLISHED, Map.of("detailType", event.detailType()));
        } catch (RuntimeException e) {
            // The SDK's message may quote the request: only the exception's type is logged.
            notPublished(event, e.getClass().getSimpleName());
        }
    }

    private void notPublished(OperationalEvent event, String why) {
        metrics.increment(NOT_PUBLISHED, Map.of("detailType", event.detailType()));
        LOG.warnf("operational event %s of merchant %s not published: %s", event.detailType(), event.merchantId(), why);
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
