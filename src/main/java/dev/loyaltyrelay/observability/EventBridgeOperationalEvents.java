package dev.loyaltyrelay.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.OperationalEvent;
import dev.loyaltyrelay.domain.OperationalEvents;
import dev.loyaltyrelay.domain.RelayMetrics;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
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

    /** EventBridge takes at most ten entries per PutEvents. */
    static final int ENTRIES_PER_CALL = 10;
    /** PutEvents calls under way at once for one bulk publish: 10,000 facts take 1,000 calls, within an admin call's time. */
    static final int CALLS_AT_ONCE = 8;

    /**
     * Ten entries per PutEvents, a few calls at once; an entry the bus refuses, or a call that fails, is logged and
     * counted per fact as {@link #publish} does.
     */
    @Override
    public void publishAll(List<OperationalEvent> events) {
        if (bus == null || client == null || events.size() <= 1) {
            events.forEach(this::publish);
            return;
        }
        var slots = new java.util.concurrent.Semaphore(CALLS_AT_ONCE);
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int from = 0; from < events.size(); from += ENTRIES_PER_CALL) {
                List<OperationalEvent> batch = events.subList(from, Math.min(from + ENTRIES_PER_CALL, events.size()));
                executor.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        publishBatch(batch);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
    }

    private void publishBatch(List<OperationalEvent> batch) {
        List<OperationalEvent> sent = new java.util.ArrayList<>();
        List<PutEventsRequestEntry> entries = new java.util.ArrayList<>();
        for (OperationalEvent event : batch) {
            try {
                entries.add(PutEventsRequestEntry.builder().eventBusName(bus).source(OperationalEvent.SOURCE)
                        .detailType(event.detailType()).detail(json.writeValueAsString(event.detail())).build());
                sent.add(event);
            } catch (JsonProcessingException e) {
                notPublished(event, e.getClass().getSimpleName());
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        try {
            PutEventsResponse response = client.putEvents(r -> r.entries(entries));
            for (int i = 0; i < sent.size(); i++) {
                String errorCode = i < response.entries().size() ? response.entries().get(i).errorCode() : null;
                if (errorCode != null) {
                    notPublished(sent.get(i), errorCode);
                } else {
                    metrics.increment(PUBLISHED, Map.of("detailType", sent.get(i).detailType()));
                }
            }
        } catch (RuntimeException e) {
            sent.forEach(event -> notPublished(event, e.getClass().getSimpleName()));
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
