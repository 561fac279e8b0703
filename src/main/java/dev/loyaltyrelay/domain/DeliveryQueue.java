package dev.loyaltyrelay.domain;

import java.util.List;

/** The provider queues that carry delivery jobs to the delivery functions. */
public interface DeliveryQueue {

    /**
     * Enqueues every job on its provider's queue. A repeat of a job already enqueued is harmless: the delivery
     * functions recognise its delivery id.
     *
     * @throws QueueUnavailable if any job was not accepted; some others may have been
     */
    void enqueue(List<DeliveryJob> jobs);
}
