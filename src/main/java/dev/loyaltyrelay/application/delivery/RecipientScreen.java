package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.application.policy.CustomerPolicies;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the pipeline read about a batch's recipients before delivering to them, read once for the whole batch: an erasure
 * first, then the recipient's consent ({@link CustomerPolicies#consent}) on the channel of the batch's provider.
 */
final class RecipientScreen {

    static final String ERASED = DeliveryOutcome.Suppressed.RECIPIENT_ERASED;

    private final Map<RecipientKey, RecipientPolicy> policies;
    private final CustomerPolicies checks;
    private final Duration retryDelay;

    private RecipientScreen(Map<RecipientKey, RecipientPolicy> policies, CustomerPolicies checks, Duration retryDelay) {
        this.policies = policies;
        this.checks = checks;
        this.retryDelay = retryDelay;
    }

    /** The batch's policies, as read for its provider's channel, and the checks they go through. */
    static RecipientScreen of(Map<RecipientKey, RecipientPolicy> policies, CustomerPolicies checks) {
        return new RecipientScreen(Map.copyOf(policies), checks, null);
    }

    /** The policies could not be read: nothing of the batch is sent until they can. */
    static RecipientScreen unavailable(Duration retryDelay) {
        return new RecipientScreen(Map.of(), null, retryDelay);
    }

    /** Why the job must not be sent (now), or empty when nothing about its recipient stands in the way. */
    Optional<DeliveryOutcome> verdict(DeliveryJob job) {
        if (retryDelay != null) {
            return Optional.of(DeliveryOutcome.RetryLater.withoutCall("store_unavailable", retryDelay));
        }
        RecipientPolicy policy = policies.get(new RecipientKey(job.merchantId(), job.recipient()));
        if (policy != null && policy.erasedSince(job.receivedAt())) {
            return Optional.of(new DeliveryOutcome.Suppressed(ERASED));
        }
        // Consent is what a read for the whole batch can tell; quiet hours and the cap are decided under the claim.
        return checks.consent(job, policy);
    }
}
