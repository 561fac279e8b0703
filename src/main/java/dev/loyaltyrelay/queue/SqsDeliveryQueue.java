package dev.loyaltyrelay.queue;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryQueue;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.QueueUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Each provider's SQS queue; jobs go in batches of ten (SendMessageBatch's limit). */
@ApplicationScoped
public class SqsDeliveryQueue implements DeliveryQueue {

    static final int BATCH_LIMIT = 10;
    private final SqsClient sqs;
    private final RelayConfig.Queues queues;
    private final DeliveryJobCodec codec;

    SqsDeliveryQueue(SqsClient sqs, RelayConfig config, DeliveryJobCodec codec) {
        this.sqs = sqs;
        this.queues = config.queues();
        this.codec = codec;
    }

    @Override
    public void enqueue(List<DeliveryJob> jobs) {
        Map<Provider, List<DeliveryJob>> byProvider = jobs.stream()
                .collect(Collectors.groupingBy(DeliveryJob::provider, () -> new EnumMap<>(Provider.class), Collectors.toList()));
        for (var entry : byProvider.entrySet()) {
            String queueUrl = queues.urlFor(entry.getKey());
            List<DeliveryJob> providerJobs = entry.getValue();
            for (int from = 0; from < providerJobs.size(); from += BATCH_LIMIT) {
                send(queueUrl, entry.getKey(), providerJobs.subList(from, Math.min(from + BATCH_LIMIT, providerJobs.size())));
            }
        }
    }

    private void send(String queueUrl, Provider provider, List<DeliveryJob> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            DeliveryJob job = batch.get(i);
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(codec.encode(job))
                    .messageAttributes(Map.of(
                            "deliveryId", stringAttribute(job.deliveryId()),
                            "merchantId", stringAttribute(job.merchantId()),
                            "topic", stringAttribute(job.topic())))
                    .build());
        }
        try {
            var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            if (response.hasFailed() && !response.failed().isEmpty()) {
                var first = response.failed().get(0);
                throw new QueueUnavailable(provider.key() + " queue refused " + response.failed().size() + " of " + entries.size()
                        + " jobs (" + first.code() + ")", null);
            }
        } catch (SdkException e) {
            throw new QueueUnavailable(provider.key() + " queue unreachable: " + e.getClass().getSimpleName(), e);
        }
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
