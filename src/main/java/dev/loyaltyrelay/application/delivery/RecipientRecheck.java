package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.application.policy.CustomerPolicies;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The recipient's side of a delivery under its claim: their policy read once more, consistently, right before the
 * call; after it, the attempt's place in the cap kept or given back, and a provider's answer that they opted out
 * remembered.
 */
@ApplicationScoped
class RecipientRecheck {

    private static final Logger LOG = Logger.getLogger(RecipientRecheck.class);

    private final RecipientPolicies policies;
    private final ProviderCatalogue providers;
    private final CustomerPolicies checks;
    private final DeliveryReport report;

    RecipientRecheck(RecipientPolicies policies, ProviderCatalogue providers, CustomerPolicies checks, DeliveryReport report) {
        this.policies = policies;
        this.providers = providers;
        this.checks = checks;
        this.report = report;
    }

    /**
     * Why the job must not be sent after all: the recipient's policy is read once more, consistently, so an erasure or an
     * opt-out that landed after the batch's read is seen here and only one recorded while this very request was leaving
     * can still be missed. A read that fails lets the send go on (the batch's read seconds ago found nothing in the way):
     * waiting would leave the claim to lapse and read as a call that was never made.
     */
    Optional<DeliveryOutcome> beforeCall(DeliveryJob job) {
        RecipientPolicy policy;
        try {
            policy = policies.find(new RecipientKey(job.merchantId(), job.recipient()), channel(job)).orElse(null);
        } catch (RuntimeException unreadable) {
            LOG.warnf("delivery %s: recipient policy not read again (%s); going on with the batch's read", job.deliveryId(),
                    unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
        if (policy != null && policy.erasedSince(job.receivedAt())) {
            return Optional.of(new DeliveryOutcome.Suppressed(DeliveryOutcome.Suppressed.RECIPIENT_ERASED));
        }
        return checks.consent(job, policy);
    }

    /**
     * What the call gave, for the recipient: the attempt's place in the cap is given back unless the provider accepted the
     * message or may have; an answer that the recipient opted out is remembered as their opt-out of the provider's channel.
     */
    void afterCall(DeliveryJob job, Merchant merchant, String place, DeliveryOutcome outcome) {
        checks.afterSend(job, merchant, place, outcome);
        if (outcome instanceof DeliveryOutcome.Rejected rejected && CustomerPolicies.RECIPIENT_OPTED_OUT.equals(rejected.reason())) {
            report.providerOptOut(job.provider());
            Channel channel = channel(job);
            if (channel != null) {
                checks.providerReportedOptOut(job, channel);
            }
        }
    }

    private Channel channel(DeliveryJob job) {
        return providers.profile(job.provider()).map(ProviderProfile::channel).orElse(null);
    }
}
