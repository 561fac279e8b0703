package dev.loyaltyrelay.queue;

import dev.loyaltyrelay.config.QueueUrls;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.QueueUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Visibility changes and dead-lettering on the function's own queue and DLQ. */
@ApplicationScoped
public class SqsProviderQueues implements ProviderQueues {

    private final SqsClient sqs;
    private final QueueUrls queues;

    SqsProviderQueues(SqsClient sqs, QueueUrls queues) {
        this.sqs = sqs;
        this.queues = queues;
    }

    @Override
    public void postpone(Provider provider, List<Postponement> postponements) {
        String queueUrl = queues.queue(provider);
        for (int from = 0; from < postponements.size(); from += SqsDeliveryQueue.BATCH_LIMIT) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            List<Postponement> batch = postponements.subList(from, Math.min(from + SqsDeliveryQueue.BATCH_LIMIT, postponements.size()));
            for (int i = 0; i < batch.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(batch.get(i).receiptHandle())
                        .visibilityTimeout((int) batch.get(i).clampedDelay().toSeconds())
                        .build());
            }
            try {
                var response = sqs.changeMessageVisibilityBatch(r -> r.queueUrl(queueUrl).entries(entries));
                if (response.hasFailed() && !response.failed().isEmpty()) {
                    throw new QueueUnavailable("visibility change refused for " + response.failed().size() + " messages", null);
                }
            } catch (SdkException e) {
                throw new QueueUnavailable("visibility change failed", e);
            }
        }
    }

    @Override
    public void deadLetter(Provider provider, String messageBody, String deliveryId, String reason, String givenUpBy) {
        String url = deadLetterUrl(provider);
        var attributes = new java.util.HashMap<String, MessageAttributeValue>();
        attributes.put("deliveryId", string(deliveryId == null ? "unknown" : deliveryId));
        attributes.put("reason", string(reason));
        if (givenUpBy != null) {
            attributes.put("givenUpBy", string(givenUpBy));
        }
        try {
            sqs.sendMessage(r -> r.queueUrl(url).messageBody(messageBody).messageAttributes(attributes));
        } catch (SdkException e) {
            throw new QueueUnavailable("dead-letter send failed", e);
        }
    }

    @Override
    public void requeue(Provider provider, String messageBody, Map<String, String> attributes) {
        String url = queues.queue(provider);
        var messageAttributes = new java.util.HashMap<String, MessageAttributeValue>();
        attributes.forEach((name, value) -> messageAttributes.put(name, string(value)));
        try {
            sqs.sendMessage(r -> r.queueUrl(url).messageBody(messageBody).messageAttributes(messageAttributes));
        } catch (SdkException e) {
            throw new QueueUnavailable("requeue failed", e);
        }
    }

    @Override
    public int deadLetterCount(Provider provider) {
        try {
            var count = sqs.getQueueAttributes(r -> r.queueUrl(deadLetterUrl(provider))
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes();
            return number(count.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + number(count.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        } catch (SdkException e) {
            throw new QueueUnavailable("dead-letter count failed", e);
        }
    }

    @Override
    public List<DeadLetter> takeDeadLetters(Provider provider, int max) {
        String url = deadLetterUrl(provider);
        List<DeadLetter> letters = new ArrayList<>();
        try {
            while (letters.size() < max) {
                int want = Math.min(10, max - letters.size());
                var batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(want).visibilityTimeout(60).waitTimeSeconds(0)).messages();
                if (batch.isEmpty()) {
                    break;
                }
                batch.forEach(m -> letters.add(new DeadLetter(m.body(), m.receiptHandle())));
            }
            return letters;
        } catch (SdkException e) {
            throw new QueueUnavailable("dead-letter receive failed", e);
        }
    }

    @Override
    public void returnDeadLetter(Provider provider, DeadLetter letter) {
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(deadLetterUrl(provider)).receiptHandle(letter.receiptHandle()).visibilityTimeout(0));
        } catch (SdkException e) {
            throw new QueueUnavailable("dead-letter visibility change failed", e);
        }
    }

    @Override
    public void forgetDeadLetter(Provider provider, DeadLetter letter) {
        try {
            sqs.deleteMessage(r -> r.queueUrl(deadLetterUrl(provider)).receiptHandle(letter.receiptHandle()));
        } catch (SdkException e) {
            throw new QueueUnavailable("dead-letter delete failed", e);
        }
    }

    private static int number(String count) {
        return count == null ? 0 : Integer.parseInt(count);
    }

    private String deadLetterUrl(Provider provider) {
        return queues.deadLetterQueue(provider)
                .orElseThrow(() -> new QueueUnavailable("no dead-letter queue configured for " + provider.key(), null));
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
