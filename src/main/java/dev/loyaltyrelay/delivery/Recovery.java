package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.ProviderQueues.DeadLetter;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Optional;

/**
 * Puts given-up deliveries back in play: a provider's dead letters (after an outage or a fix) and one delivery
 * the merchant asks to resend. The delivery record is reopened first (fresh attempt and age budget), so the
 * requeued job is not dropped as a duplicate of its own finished record.
 */
@ApplicationScoped
public class Recovery {

    /** What a redrive did. */
    public record Redriven(int requeued, int unreadable) {
    }

    /** What a resend request found. */
    public enum Resend { REQUEUED, NOT_FOUND, NOT_FINISHED, JOB_GONE }

    private final ProviderQueues queues;
    private final DeliveryLedger ledger;
    private final DeliveryJobCodec codec;
    private final Clock clock;

    Recovery(ProviderQueues queues, DeliveryLedger ledger, DeliveryJobCodec codec, Clock clock) {
        this.queues = queues;
        this.ledger = ledger;
        this.codec = codec;
        this.clock = clock;
    }

    /** Moves up to {@code max} dead letters back to the provider's queue. Unreadable ones stay dead-lettered. */
    public Redriven redrive(Provider provider, int max) {
        int requeued = 0;
        int unreadable = 0;
        for (DeadLetter letter : queues.takeDeadLetters(provider, max)) {
            Optional<DeliveryJob> job = decode(letter.body());
            if (job.isEmpty()) {
                unreadable++;
                continue;
            }
            ledger.reopen(job.get().deliveryId(), clock.instant());
            queues.requeue(provider, letter.body());
            queues.forgetDeadLetter(provider, letter);
            requeued++;
        }
        return new Redriven(requeued, unreadable);
    }

    /** Sends one finished delivery again, from the job its record kept. */
    public Resend resend(String deliveryId) {
        Optional<String> body = ledger.job(deliveryId);
        if (ledger.find(deliveryId).isEmpty()) {
            return Resend.NOT_FOUND;
        }
        if (body.isEmpty()) {
            return Resend.JOB_GONE;
        }
        Optional<DeliveryJob> job = decode(body.get());
        if (job.isEmpty()) {
            return Resend.JOB_GONE;
        }
        if (!ledger.reopen(deliveryId, clock.instant())) {
            return Resend.NOT_FINISHED;
        }
        queues.requeue(job.get().provider(), body.get());
        return Resend.REQUEUED;
    }

    private Optional<DeliveryJob> decode(String body) {
        try {
            return Optional.of(codec.decode(body));
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
