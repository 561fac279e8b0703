package dev.loyaltyrelay.queue;

import dev.loyaltyrelay.config.QueueUrls;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryQueue;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.QueueRefused;
import dev.loyaltyrelay.domain.QueueUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    /**
     * SQS's message size limit as the embedded SQS server and long-standing SQS accounts have it (256 KiB), for one
     * message and for a whole batch; a job larger than that is refused before it is sent.
     */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    /** Room kept for a message's three attributes (ids and topic, each at most a few hundred bytes). */
    static final int ATTRIBUTE_BYTES = 1024;
    private final SqsClient sqs;
    private final QueueUrls queues;
    private final DeliveryJobCodec codec;

    SqsDeliveryQueue(SqsClient sqs, QueueUrls queues, DeliveryJobCodec codec) {
        this.sqs = sqs;
        this.queues = queues;
        this.codec = codec;
    }

    @Override
    public void enqueue(List<DeliveryJob> jobs) {
        Map<Provider, List<DeliveryJob>> byProvider = jobs.stream()
                .collect(Collectors.groupingBy(DeliveryJob::provider, java.util.LinkedHashMap::new, Collectors.toList()));
        // One provider's queue refusing its jobs, or out of reach, must not keep the others' jobs from being queued:
        // every provider is tried, then the first failure is thrown, an unreachable queue before a refusal (Nector's
        // retry then queues everything again, under the same delivery ids).
        // The providers' queues are sent to at once (one virtual thread each): the answer waits for the slowest queue,
        // not for the sum of them (issue 16; SqsDeliveryQueueTest shows the sends overlapping).
        List<RuntimeException> failures = new ArrayList<>();
        if (byProvider.size() == 1) {
            var only = byProvider.entrySet().iterator().next();
            failures.add(attempt(only.getKey(), only.getValue()));
        } else {
            List<java.util.concurrent.Future<RuntimeException>> sends = new ArrayList<>();
            try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (var entry : byProvider.entrySet()) {
                    sends.add(executor.submit(() -> attempt(entry.getKey(), entry.getValue())));
                }
            }
            for (var send : sends) {
                failures.add(outcomeOf(send));
            }
        }
        QueueRefused refused = null;
        QueueUnavailable unavailable = null;
        for (RuntimeException failure : failures) {
            if (failure instanceof QueueRefused refusal) {
                refused = refused == null ? refusal : refused;
            } else if (failure instanceof QueueUnavailable unreachable) {
                unavailable = unavailable == null ? unreachable : unavailable;
            } else if (failure != null) {
                throw failure;
            }
        }
        if (unavailable != null) {
            throw unavailable;
        }
        if (refused != null) {
            throw refused;
        }
    }

    /** One provider's jobs sent; what stopped them (a refusal, an unreachable queue, anything else), or null. */
    private RuntimeException attempt(Provider provider, List<DeliveryJob> providerJobs) {
        try {
            enqueue(provider, providerJobs);
            return null;
        } catch (RuntimeException failed) {
            return failed;
        }
    }

    private static RuntimeException outcomeOf(java.util.concurrent.Future<RuntimeException> send) {
        try {
            return send.get();
        } catch (java.util.concurrent.ExecutionException e) {
            // attempt() catches every RuntimeException: only an Error arrives here, and it stays an Error.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            return new QueueUnavailable("queue send failed: " + e.getCause().getClass().getSimpleName(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new QueueUnavailable("interrupted while queueing", e);
        }
    }

    /** One provider's jobs, in batches of at most ten that together are no larger than one message may be. */
    private void enqueue(Provider provider, List<DeliveryJob> providerJobs) {
        String queueUrl;
        try {
            queueUrl = queues.queue(provider);
        } catch (IllegalStateException notGiven) {
            // A provider whose plug-in this build carries but whose queue this function was not given: an operator's
            // fix, after which Nector's retry queues the jobs.
            throw new QueueUnavailable(notGiven.getMessage(), null);
        }
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int batchBytes = 0;
        for (DeliveryJob job : providerJobs) {
            SendMessageBatchRequestEntry message = entry(job, Integer.toString(batch.size()));
            int bytes = message.messageBody().getBytes(StandardCharsets.UTF_8).length + ATTRIBUTE_BYTES;
            if (bytes > MAX_MESSAGE_BYTES) {
                throw new QueueRefused("job_too_large");
            }
            if (batch.size() == BATCH_LIMIT || batchBytes + bytes > MAX_MESSAGE_BYTES) {
                send(queueUrl, provider, batch);
                batch = new ArrayList<>();
                batchBytes = 0;
                message = entry(job, "0");
            }
            batch.add(message);
            batchBytes += bytes;
        }
        if (!batch.isEmpty()) {
            send(queueUrl, provider, batch);
        }
    }

    private SendMessageBatchRequestEntry entry(DeliveryJob job, String id) {
        return SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(codec.encode(job))
                .messageAttributes(Map.of(
                        "deliveryId", stringAttribute(job.deliveryId()),
                        "merchantId", stringAttribute(job.merchantId()),
                        "topic", stringAttribute(job.topic())))
                .build();
    }

    private void send(String queueUrl, Provider provider, List<SendMessageBatchRequestEntry> entries) {
        try {
            var response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            if (response.hasFailed() && !response.failed().isEmpty()) {
                var first = response.failed().get(0);
                if (Boolean.TRUE.equals(first.senderFault())) {
                    // The queue refuses the job itself (its content, its size): no retry can change that.
                    throw new QueueRefused(first.code());
                }
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
