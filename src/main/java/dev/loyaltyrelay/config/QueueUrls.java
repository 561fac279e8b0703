package dev.loyaltyrelay.config;

import dev.loyaltyrelay.domain.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Each provider's delivery queue ({@code relay-queues.<provider>}) and dead-letter queue
 * ({@code relay-dead-letter-queues.<provider>}), read by the provider's key so that a new provider needs no
 * configuration class: its function is given {@code RELAY_QUEUES_<PROVIDER>} and {@code RELAY_DEAD_LETTER_QUEUES_<PROVIDER>}.
 * They sit beside {@link RelayConfig}'s {@code relay.} prefix, not under it: that mapping refuses keys it does not
 * declare, and an empty value in a mapped {@code Map} would stop the function
 * (the built-in five keep the names {@code <PROVIDER>_QUEUE_URL} and {@code <PROVIDER>_DLQ_URL} through
 * {@code application.properties}). Each function is given only the queues it uses: ingest all five delivery queues,
 * a delivery function its own two, the admin function all ten; an unset or empty value is no queue.
 */
@ApplicationScoped
public class QueueUrls {

    private final Config config;

    QueueUrls(Config config) {
        this.config = config;
    }

    /** @throws IllegalStateException when this function was not given the provider's queue */
    public String queue(Provider provider) {
        return config.getOptionalValue("relay-queues." + provider.key(), String.class)
                .orElseThrow(() -> new IllegalStateException("no queue URL configured for " + provider.key()));
    }

    /** The provider's dead-letter queue URL, when this function was given it. */
    public Optional<String> deadLetterQueue(Provider provider) {
        return config.getOptionalValue("relay-dead-letter-queues." + provider.key(), String.class);
    }
}
