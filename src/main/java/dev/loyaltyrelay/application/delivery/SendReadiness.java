package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.application.delivery.IntegrationDirectory.SendingContext;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import dev.loyaltyrelay.domain.DeliveryOutcome.RetryLater;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.OutboundMessage;
import dev.loyaltyrelay.domain.ProviderGateway;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Everything before a delivery's claim, none of which can send: the integration loaded and switched on, its
 * credentials opened, the message rendered, the breaker closed, the provider's preparation (Wigzo's identify) done.
 * Nothing here escapes: each failure becomes the reason the job is not sent now.
 */
@ApplicationScoped
class SendReadiness {

    private static final Logger LOG = Logger.getLogger(SendReadiness.class);

    /** What is known before the claim: ready to send, or why not. */
    sealed interface Preparation {
    }

    record Ready(SendingContext context, OutboundMessage message) implements Preparation {
    }

    /** Not to be sent now: a {@link Rejected} or a {@link RetryLater}; the context when it was loaded. */
    record NotSent(DeliveryOutcome outcome, SendingContext context) implements Preparation {
        NotSent(DeliveryOutcome outcome) {
            this(outcome, null);
        }
    }

    private final IntegrationDirectory integrations;
    private final ProviderCatalogue providers;
    private final ProviderGateway gateway;
    private final DeliveryRules rules;

    SendReadiness(IntegrationDirectory integrations, ProviderCatalogue providers, ProviderGateway gateway, DeliveryRules rules) {
        this.integrations = integrations;
        this.providers = providers;
        this.gateway = gateway;
        this.rules = rules;
    }

    Preparation check(DeliveryJob job) {
        try {
            Optional<SendingContext> found = integrations.find(job.merchantId(), job.integrationId());
            if (found.isEmpty()) {
                return new NotSent(Rejected.beforeCall("integration_missing"));
            }
            SendingContext context = found.get();
            Integration integration = context.integration();
            if (!integration.enabled()) {
                return new NotSent(Rejected.beforeCall("integration_disabled"));
            }
            if (IntegrationAttention.stopsSending(integration)) {
                return new NotSent(Rejected.beforeCall("integration_needs_attention"));
            }
            if (job.mapping() != null && context.mappingNeedsAttention(job.mapping().mappingId())) {
                // Its template was refused: the same send would be refused again until the merchant saves the mapping.
                return new NotSent(Rejected.beforeCall(MappingAttention.MAPPING_NEEDS_ATTENTION));
            }
            Optional<ProviderProfile> profile = providers.profile(job.provider());
            if (profile.isEmpty()) {
                return new NotSent(Rejected.beforeCall(ProviderGateway.PROVIDER_UNKNOWN));
            }
            OutboundMessage message;
            switch (MessageComposer.compose(job, profile.get(), context.merchant())) {
                case MessageComposer.Refused refused -> {
                    return new NotSent(Rejected.beforeCall(refused.reason()));
                }
                case MessageComposer.Composed composed -> message = composed.message();
            }
            if (!gateway.accepting(context.integrationKey())) {
                return new NotSent(RetryLater.withoutCall("circuit_open", rules.settings().breakerDelay()));
            }
            Optional<DeliveryOutcome> notReady = gateway.prepare(context.integrationKey(), message, context.credentials());
            return notReady.<Preparation>map(outcome -> new NotSent(outcome, context)).orElseGet(() -> new Ready(context, message));
        } catch (SecretCipher.KeyServiceUnavailable keyServiceDown) {
            return new NotSent(RetryLater.withoutCall("credentials_unavailable", rules.settings().backoffBase()));
        } catch (SecretCipher.SecretUnavailable doesNotOpen) {
            // Tampered, sealed under another key, or not credentials at all: only new credentials help.
            return new NotSent(Rejected.beforeCall("credentials_unreadable"));
        } catch (StoreUnavailable storeDown) {
            return new NotSent(RetryLater.withoutCall("store_unavailable", rules.settings().backoffBase()));
        } catch (Throwable unexpected) {
            // A defect, not the job's fault: retried within the budget, then dead-lettered with this reason for a redrive.
            LOG.errorf("delivery %s: %s before the call", job.deliveryId(), unexpected.getClass().getName());
            return new NotSent(RetryLater.withoutCall("unexpected_error", rules.settings().backoffBase()));
        }
    }
}
