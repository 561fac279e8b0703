package dev.loyaltyrelay.domain;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything ingest needs to know of a merchant, read in one query and cached briefly in a warm container.
 */
public record MerchantConfiguration(
        Merchant merchant,
        List<WebhookSecret> webhookSecrets,
        List<Integration> integrations,
        List<EventMapping> mappings) {

    public MerchantConfiguration {
        webhookSecrets = List.copyOf(webhookSecrets);
        integrations = List.copyOf(integrations);
        mappings = List.copyOf(mappings);
    }

    /** An enabled integration and one of its mappings for a topic. */
    public record Route(Integration integration, EventMapping mapping) {
    }

    /** The routes for {@code topic}, through enabled integrations only. */
    public List<Route> routesFor(String topic) {
        Map<String, Integration> byId = integrations.stream()
                .filter(Integration::enabled)
                .collect(Collectors.toMap(Integration::integrationId, Function.identity()));
        return mappings.stream()
                .filter(m -> m.topic().equals(topic) && byId.containsKey(m.integrationId()))
                .map(m -> new Route(byId.get(m.integrationId()), m))
                .toList();
    }
}
