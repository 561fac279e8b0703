package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.DeliveryBodies.DeadLetterCount;
import dev.loyaltyrelay.admin.DeliveryBodies.Redrive;
import dev.loyaltyrelay.admin.DeliveryBodies.Redriven;
import dev.loyaltyrelay.application.delivery.Recovery;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.QueueUnavailable;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Locale;
import java.util.TreeMap;

/** A provider's dead letters, for the operator only: counted, and redriven a page at a time ({@link Recovery}). */
@ApplicationScoped
public class DeadLettersApi {

    /** Letters one redrive call takes at most; the operator calls again until {@code complete}. */
    static final int MAX_REDRIVE_PAGE = 500;
    /** Well inside the admin function's 29 s timeout, so a call always answers with what it did. */
    static final Duration REDRIVE_TIME_BUDGET = Duration.ofSeconds(20);

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    Recovery recovery;

    AdminResponse<DeadLetterCount> deadLetters(AdminRequest<Void> request) {
        Provider provider = provider(request);
        try {
            return AdminResponse.ok(new DeadLetterCount(provider.key(), recovery.deadLetterCount(provider)));
        } catch (QueueUnavailable e) {
            throw new ApiProblem(503, "queue_unavailable", "the dead-letter queue cannot be read now");
        }
    }

    AdminResponse<Redriven> redrive(AdminRequest<Redrive> request) {
        Provider provider = provider(request);
        int max = Fields.whole("max", request.body().max(), 1, MAX_REDRIVE_PAGE).orElse(100L).intValue();
        try {
            Recovery.Redriven redriven = recovery.redrive(provider, max, REDRIVE_TIME_BUDGET);
            var ended = new TreeMap<String, Integer>();
            redriven.alreadyEnded().forEach((status, count) -> ended.put(status.name().toLowerCase(Locale.ROOT), count));
            return AdminResponse.ok(new Redriven(provider.key(), redriven.requeued(), ended, redriven.unreadable(), redriven.remaining(),
                    redriven.stoppedBy(), "empty".equals(redriven.stoppedBy())));
        } catch (QueueUnavailable e) {
            throw new ApiProblem(503, "queue_unavailable", "the queues cannot be reached now; what was moved stays moved, call again to go on");
        }
    }

    private static Provider provider(AdminRequest<?> request) {
        return Provider.fromKey(request.path("provider")).orElseThrow(() -> ApiProblem.notFound("provider"));
    }
}
