package dev.loyaltyrelay.application.policy;

import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.Consent;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentChange;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientPolicy;
import dev.loyaltyrelay.domain.TopicCategory;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The customer's policies a message must pass before it goes out, checked in one order: <b>consent</b> (an opted-out
 * recipient is never sent to: {@code SUPPRESSED}, {@code opted_out}; a provider-reported opt-out holds for marketing topics
 * only, a merchant's for every topic; the job's category was decided at fan-out), then quiet hours (a deferral), then the frequency
 * cap (a suppression that must not be spent by a message deferred or suppressed before it). Quiet hours and the cap are
 * not built yet: their checks go between and after consent in {@link #check}, reading the same policy. Delivery runs the
 * checks on the batch's read and again under the claim; a test send runs them to say what a real event would meet.
 */
@ApplicationScoped
public class CustomerPolicies {

    /** The reason a delivery to a recipient who opted out of its channel is suppressed. */
    public static final String OPTED_OUT = DeliveryOutcome.Suppressed.OPTED_OUT;
    /** The reason a provider gives, classified, when its answer says the recipient opted out (Meta 131050). */
    public static final String RECIPIENT_OPTED_OUT = DeliveryOutcome.Rejected.RECIPIENT_OPTED_OUT;

    private static final Logger LOG = Logger.getLogger(CustomerPolicies.class);

    private final RecipientPolicies policies;
    private final Clock clock;

    CustomerPolicies(RecipientPolicies policies, Clock clock) {
        this.policies = policies;
        this.clock = clock;
    }

    /**
     * What the recipient's policy says about a message on {@code channel} now: empty to send, or the outcome that
     * replaces sending (suppressed or deferred), from the first check that stops it.
     *
     * @param job    the message's job (its merchant, recipient, topic and time are what the checks read)
     * @param policy the recipient's policy as read for the job's channel, or null when none is recorded
     */
    public Optional<DeliveryOutcome> check(DeliveryJob job, RecipientPolicy policy) {
        Optional<DeliveryOutcome> consent = consent(policy, job.category());
        if (consent.isPresent()) {
            return consent;
        }
        // Quiet hours, then the frequency cap, go here, in that order (issue 13).
        return Optional.empty();
    }

    /** The same checks for one recipient, their policy read now (consistently): for a test send, and under a claim. */
    public Optional<DeliveryOutcome> checkNow(DeliveryJob job, Channel channel) {
        return check(job, policies.find(new RecipientKey(job.merchantId(), job.recipient()), channel).orElse(null));
    }

    /**
     * A provider answered that the recipient opted out: the relay remembers it, so the next delivery on that channel is
     * suppressed before any request. A store that fails here is logged and left: the next such answer records it again.
     */
    public void providerReportedOptOut(DeliveryJob job, Channel channel) {
        RecipientKey recipient = new RecipientKey(job.merchantId(), job.recipient());
        String deliveryId = job.deliveryId();
        try {
            policies.recordConsent(List.of(new ConsentChange(recipient, channel, new Consent(true, clock.instant(), ConsentSource.PROVIDER))));
            LOG.infof("delivery %s: the provider says %s opted out of %s; recorded", deliveryId, recipient, channel);
        } catch (RuntimeException unrecorded) {
            LOG.warnf("delivery %s: the provider's opt-out of %s not recorded (%s)", deliveryId, channel, unrecorded.getClass().getSimpleName());
        }
    }

    /**
     * Whether the recipient's consent stops a message of {@code category}: an opt-out the merchant recorded stops every
     * topic on the channel; one a provider reported (Meta 131050: the user stopped <i>marketing</i> messages) stops
     * marketing topics only, so a transactional one (a coupon just created) still goes.
     */
    static boolean suppresses(RecipientPolicy policy, TopicCategory category) {
        if (policy == null || !policy.optedOut()) {
            return false;
        }
        return policy.consent().source() == ConsentSource.MERCHANT || category == TopicCategory.MARKETING;
    }

    private static Optional<DeliveryOutcome> consent(RecipientPolicy policy, TopicCategory category) {
        return suppresses(policy, category) ? Optional.of(new DeliveryOutcome.Suppressed(OPTED_OUT)) : Optional.empty();
    }
}
