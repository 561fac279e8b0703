package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.Provider;

/**
 * One job being delivered: what every step of its delivery needs, carried as one value.
 *
 * @param provider      the queue (and function) it came from
 * @param queued        the message as received
 * @param job           the job it holds
 * @param deadlineNanos {@link System#nanoTime()} by which the function must have answered
 */
record InFlight(Provider provider, QueuedJob queued, DeliveryJob job, long deadlineNanos) {

    String deliveryId() {
        return job.deliveryId();
    }

    /** The message body: a letter or a carried copy is this. */
    String body() {
        return queued.body();
    }

    /** The same job with its recipient and properties gone, so its record brings no erased address back. */
    InFlight withRecipientErased() {
        DeliveryJob erased = job.withRecipientErased();
        return new InFlight(provider, new QueuedJob(null, queued.receiveCount(), erased), erased, deadlineNanos);
    }
}
