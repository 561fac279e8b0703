package dev.loyaltyrelay.config;

import dev.loyaltyrelay.domain.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;

/**
 * Each provider's delivery queue and dead-letter queue, read by the provider's key so that a new provider needs no
 * configuration class and no line of {@code application.properties}: in AWS, {@code template.yaml}'s Globals give every
 * function {@code <KEY>_QUEUE_URL} and {@code <KEY>_DLQ_URL} for every provider (upper case); the local run and the
 * tests set {@code relay-queues.<key>} and {@code relay-dead-letter-queues.<key>}, which win. Neither sits under
 * {@link RelayConfig}'s {@code relay.} prefix: that mapping refuses keys it does not declare, and an empty value in a
 * mapped {@code Map} would stop the function. An unset or empty value is no queue.
 */
@ApplicationScoped
public class QueueUrls {

    private final Config config;
    /** Read once per provider: a configuration lookup per queued job was 5% of ingest's CPU (issue 16). */
    private final Map<String, String> queues = new ConcurrentHashMap<>();

    QueueUrls(Config config) {
        this.config = config;
    }

    /** @throws IllegalStateException when this function was not given the provider's queue */
    public String queue(Provider provider) {
        String known = queues.get(provider.key());
        if (known != null) {
            return known;
        }
        String url = url("relay-queues.", "_QUEUE_URL", provider)
                .orElseThrow(() -> new IllegalStateException("no queue URL configured for " + provider.key()));
        queues.put(provider.key(), url);
        return url;
    }

    /** The provider's dead-letter queue URL, when this function was given it. */
    public Optional<String> deadLetterQueue(Provider provider) {
        return url("relay-dead-letter-queues.", "_DLQ_URL", provider);
    }

    private Optional<String> url(String propertyPrefix, String environmentSuffix, Provider provider) {
        return config.getOptionalValue(propertyPrefix + provider.key(), String.class)
                .or(() -> config.getOptionalValue(provider.key().toUpperCase(Locale.ROOT) + environmentSuffix, String.class));
    }
}
