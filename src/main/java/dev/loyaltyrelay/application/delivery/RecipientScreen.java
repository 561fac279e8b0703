package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientPolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What the pipeline read about a batch's recipients before delivering to them, read once for the whole batch. */
final class RecipientScreen {

    static final String ERASED = DeliveryOutcome.Suppressed.RECIPIENT_ERASED;

    private final Map<RecipientKey, RecipientPolicy> policies;
    private final Duration retryDelay;

    private RecipientScreen(Map<RecipientKey, RecipientPolicy> policies, Duration retryDelay) {
        this.policies = policies;
        this.retryDelay = retryDelay;
    }

    static RecipientScreen of(Map<RecipientKey, RecipientPolicy> policies) {
        return new RecipientScreen(Map.copyOf(policies), null);
    }

    /** The policies could not be read: nothing of the batch is sent until they can. */
    static RecipientScreen unavailable(Duration retryDelay) {
        return new RecipientScreen(Map.of(), retryDelay);
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
        return Optional.empty();
    }
}
