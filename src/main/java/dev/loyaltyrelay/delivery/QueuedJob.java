package dev.loyaltyrelay.delivery;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.queue.DeliveryJobCodec;

/**
 * One message of a provider queue as the pipeline sees it.
 *
 * @param body         the message body (the job's JSON)
 * @param receiveCount how many times SQS has handed this message out, this time included ({@code ApproximateReceiveCount})
 * @param job          the job the body holds, or null when it is not a job of a known schema version (it is dead-lettered)
 * @param carried      an outcome an earlier attempt could not record and sent along with this copy, or null
 */
record QueuedJob(String body, int receiveCount, DeliveryJob job, CarriedOutcome carried) {

    QueuedJob(String body, int receiveCount, DeliveryJob job) {
        this(body, receiveCount, job, null);
    }

    static QueuedJob of(SQSMessage message, DeliveryJobCodec codec) {
        DeliveryJob job;
        try {
            job = codec.decode(message.getBody());
        } catch (RuntimeException unreadable) {
            job = null;
        }
        var attributes = new java.util.HashMap<String, String>();
        if (message.getMessageAttributes() != null) {
            message.getMessageAttributes().forEach((name, value) -> {
                if (value != null && value.getStringValue() != null) {
                    attributes.put(name, value.getStringValue());
                }
            });
        }
        return new QueuedJob(message.getBody(), receiveCount(message), job, CarriedOutcome.from(attributes).orElse(null));
    }

    private static int receiveCount(SQSMessage message) {
        String count = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        if (count != null) {
            try {
                return Math.max(1, Integer.parseInt(count.trim()));
            } catch (NumberFormatException notANumber) {
                // SQS always sends a number; anything else is treated as a first receive.
            }
        }
        return 1;
    }
}
