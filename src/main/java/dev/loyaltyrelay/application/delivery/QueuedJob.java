package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryJob;

/**
 * One message of a provider queue as the pipeline sees it.
 *
 * @param body         the message body (the job's JSON)
 * @param receiveCount how many times SQS has handed this message out, this time included ({@code ApproximateReceiveCount})
 * @param job          the job the body holds, or null when it is not a job of a known schema version (it is dead-lettered)
 * @param carried      an outcome an earlier attempt could not record and sent along with this copy, or null
 */
public record QueuedJob(String body, int receiveCount, DeliveryJob job, CarriedOutcome carried) {

    public QueuedJob(String body, int receiveCount, DeliveryJob job) {
        this(body, receiveCount, job, null);
    }
}
