package dev.loyaltyrelay.application.policy;

import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.FrequencyCaps;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.OperationalEvent;
import dev.loyaltyrelay.domain.OperationalEvents;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientPolicy;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.TopicCategory;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The customer's policies a message must pass before it goes out, checked in this order:
 * <ol>
 * <li><b>consent</b>: an opted-out recipient is never sent to ({@code SUPPRESSED}, {@code opted_out}); a
 * provider-reported opt-out holds for marketing topics only, a merchant's for every topic;</li>
 * <li><b>quiet hours</b> (marketing only): inside the merchant's quiet hours the message is {@code DEFERRED}
 * ({@code quiet_hours}) until they end;</li>
 * <li><b>the frequency cap</b> (marketing only): the message takes one of the recipient's places in the window, or is
 * {@code SUPPRESSED} ({@code frequency_cap}) when none is free.</li>
 * </ol>
 * The cap comes last, so a message stopped by consent or deferred by quiet hours never uses a place. Consent is read for
 * the batch ({@link #consent}) and again, consistently, under the claim; quiet hours and the cap are checked before the
 * claim ({@link #marketingLimits}), so a deferral is recorded without one and a function that dies taking a place has
 * sent nothing; an attempt that then does not call, or whose call fails, gives its place back ({@link #giveBack},
 * {@link #afterSend}). The job's category was decided at fan-out.
 */
@ApplicationScoped
public class CustomerPolicies {

    /** The reason a delivery to a recipient who opted out of its channel is suppressed. */
    public static final String OPTED_OUT = DeliveryOutcome.Suppressed.OPTED_OUT;
    /** The reason a provider gives, classified, when its answer says the recipient opted out (Meta 131050). */
    public static final String RECIPIENT_OPTED_OUT = DeliveryOutcome.Rejected.RECIPIENT_OPTED_OUT;
    /** The reason a marketing delivery waits for the end of the merchant's quiet hours. */
    public static final String QUIET_HOURS = "quiet_hours";
    /** The reason a marketing delivery over the merchant's frequency cap is suppressed. */
    public static final String FREQUENCY_CAP = "frequency_cap";

    private static final Logger LOG = Logger.getLogger(CustomerPolicies.class);

    private final RecipientPolicies policies;
    private final FrequencyCaps caps;
    private final OperationalEvents events;
    private final Clock clock;

    CustomerPolicies(RecipientPolicies policies, FrequencyCaps caps, OperationalEvents events, Clock clock) {
        this.policies = policies;
        this.caps = caps;
        this.events = events;
        this.clock = clock;
    }

    /**
     * The first check alone, on a policy read for a whole batch: whether the recipient's consent stops the message.
     *
     * @param policy the recipient's policy as read for the job's channel, or null when none is recorded
     */
    public Optional<DeliveryOutcome> consent(DeliveryJob job, RecipientPolicy policy) {
        return suppresses(policy, job.category()) ? Optional.of(new DeliveryOutcome.Suppressed(OPTED_OUT)) : Optional.empty();
    }

    /**
     * The marketing limits, in order, before the delivery is claimed: inside the merchant's quiet hours the message is
     * deferred (nothing written here: the delivery is then recorded deferred without a claim); otherwise it takes a place
     * in the cap for the send attempt {@code place} (a fresh id: the delivery's place, taken or taken over, is held by it
     * until it is kept or given back; a place kept by an earlier send of the delivery is gone on), or is suppressed
     * {@code frequency_cap}. Empty when
     * the message may go; a marketing message under a cap then holds {@code place} until {@link #afterSend} or
     * {@link #giveBack}. Transactional topics meet neither.
     *
     * @throws StoreUnavailable when the cap's places cannot be read or written: the message must not go without its place
     */
    public Optional<DeliveryOutcome> marketingLimits(DeliveryJob job, Merchant merchant, String place) {
        Optional<DeliveryOutcome> quiet = quietHours(job, merchant, clock.instant());
        if (quiet.isPresent() || !limited(job, merchant)) {
            return quiet;
        }
        FrequencyCap cap = merchant.marketingLimits().frequencyCap();
        return caps.take(recipient(job), job.deliveryId(), place, cap, clock.instant()) ? Optional.empty()
                : Optional.of(new DeliveryOutcome.Suppressed(FREQUENCY_CAP));
    }

    /**
     * What the attempt's call gave, for the cap: its place is kept when the provider accepted the message or may have
     * (an unknown outcome, whatever the policy for those does next) and given back otherwise, so a failed attempt does
     * not use the cap (the places of earlier attempts that did send stay).
     */
    public void afterSend(DeliveryJob job, Merchant merchant, String place, DeliveryOutcome outcome) {
        if (!mayHaveReached(outcome)) {
            giveBack(job, merchant, place);
            return;
        }
        if (!limited(job, merchant)) {
            return;
        }
        try {
            caps.keep(recipient(job), job.deliveryId(), place, clock.instant());
        } catch (RuntimeException unkept) {
            // The place stays held by this attempt; only a later attempt of the same delivery can take it over.
            LOG.warnf("delivery %s: its frequency cap place not marked kept (%s)", job.deliveryId(), unkept.getClass().getSimpleName());
        }
    }

    /**
     * Gives the attempt's place back: it will not call (no claim, or its recipient's policy stopped it under the claim),
     * or its call failed. A place that cannot be given back stays used until the window passes (fewer messages, never
     * more).
     */
    public void giveBack(DeliveryJob job, Merchant merchant, String place) {
        if (!limited(job, merchant)) {
            return;
        }
        try {
            caps.giveBack(recipient(job), job.deliveryId(), place);
        } catch (RuntimeException unreturned) {
            LOG.warnf("delivery %s: its frequency cap place not given back (%s); it is used until the window passes", job.deliveryId(),
                    unreturned.getClass().getSimpleName());
        }
    }

    /**
     * What a real event to this recipient would meet now, taking nothing: the consent read now (consistently), the quiet
     * hours, and whether the cap has a free place (for a test send).
     */
    public Optional<DeliveryOutcome> wouldMeet(DeliveryJob job, Merchant merchant, Channel channel) {
        Instant now = clock.instant();
        RecipientPolicy policy = policies.find(recipient(job), channel).orElse(null);
        Optional<DeliveryOutcome> stopped = consent(job, policy).or(() -> quietHours(job, merchant, now));
        if (stopped.isPresent() || !limited(job, merchant)) {
            return stopped;
        }
        FrequencyCap cap = merchant.marketingLimits().frequencyCap();
        return caps.inUse(recipient(job), cap, now) >= cap.messages() ? Optional.of(new DeliveryOutcome.Suppressed(FREQUENCY_CAP)) : Optional.empty();
    }

    /**
     * A provider answered that the recipient opted out: the relay remembers it, so the next delivery on that channel is
     * suppressed before any request. A store that fails here is logged and left: the next such answer records it again.
     */
    public void providerReportedOptOut(DeliveryJob job, Channel channel) {
        providerReportedOptOut(job, channel, clock.instant());
    }

    /** {@link #providerReportedOptOut(DeliveryJob, Channel)} of a report made at {@code at} (a receipt, arriving later). */
    public void providerReportedOptOut(DeliveryJob job, Channel channel, java.time.Instant at) {
        RecipientKey recipient = recipient(job);
        String deliveryId = job.deliveryId();
        try {
            RecipientPolicies.ProviderOptOut recorded = policies.recordProviderOptOut(recipient, channel, at);
            if (recorded.recorded()) {
                LOG.infof("delivery %s: the provider says %s opted out of %s; recorded", deliveryId, recipient.recipient().masked(), channel);
                // Only the write that opted the recipient out publishes: a repeated job, or a receipt saying the same,
                // refreshes the provider's opt-out (REFRESHED) and publishes nothing.
                if (recorded == RecipientPolicies.ProviderOptOut.OPTED_OUT_NOW) {
                    events.publish(new OperationalEvent.RecipientOptedOut(job.merchantId(), channel.name(),
                            OperationalEvent.recipientHash(job.merchantId(), recipient.recipient()), "provider", job.provider().key(),
                            deliveryId, job.topic()));
                }
            } else {
                LOG.infof("delivery %s: the provider says %s opted out of %s; an opt-out that stops more stands", deliveryId, recipient.recipient().masked(),
                        channel);
            }
        } catch (RuntimeException unrecorded) {
            LOG.warnf("delivery %s: the provider's opt-out of %s not recorded (%s)", deliveryId, channel, unrecorded.getClass().getSimpleName());
        }
    }

    /**
     * Whether the recipient's consent stops a message of {@code category}: an opt-out the merchant recorded, or the
     * customer asked for (a STOP reply), stops every topic on the channel; one a provider reported (Meta 131050: the user stopped <i>marketing</i> messages) stops
     * marketing topics only, so a transactional one (a coupon just created) still goes.
     */
    static boolean suppresses(RecipientPolicy policy, TopicCategory category) {
        if (policy == null || !policy.optedOut()) {
            return false;
        }
        return policy.consent().source() != ConsentSource.PROVIDER || category == TopicCategory.MARKETING;
    }

    /** Deferred to the end of the merchant's quiet hours, when a marketing message falls inside them. */
    private static Optional<DeliveryOutcome> quietHours(DeliveryJob job, Merchant merchant, Instant now) {
        if (job.category() != TopicCategory.MARKETING) {
            return Optional.empty();
        }
        return merchant.marketingLimits().quiet()
                .flatMap(quiet -> quiet.endAfter(now, merchant.timezone()))
                .map(end -> new DeliveryOutcome.Deferred(QUIET_HOURS, end));
    }

    private static boolean limited(DeliveryJob job, Merchant merchant) {
        MarketingLimits limits = merchant.marketingLimits();
        return job.category() == TopicCategory.MARKETING && limits.cap().isPresent();
    }

    /** Sent, or possibly sent: the place stays taken. */
    private static boolean mayHaveReached(DeliveryOutcome outcome) {
        return switch (outcome) {
            case DeliveryOutcome.Sent sent -> true;
            case DeliveryOutcome.Unknown unknown -> true;
            default -> false;
        };
    }

    private static RecipientKey recipient(DeliveryJob job) {
        return new RecipientKey(job.merchantId(), job.recipient());
    }
}
