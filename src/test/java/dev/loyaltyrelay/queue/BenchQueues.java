package dev.loyaltyrelay.queue;

import dev.loyaltyrelay.config.QueueUrls;
import dev.loyaltyrelay.domain.DeliveryQueue;
import io.quarkus.arc.Arc;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The production SQS delivery queue over a client the benchmark chooses (an in-process stub). Benchmark only. */
public final class BenchQueues {

    private BenchQueues() {
    }

    public static DeliveryQueue deliveryQueue(SqsClient sqs) {
        return new SqsDeliveryQueue(sqs, Arc.container().instance(QueueUrls.class).get(),
                Arc.container().instance(DeliveryJobCodec.class).get());
    }
}
