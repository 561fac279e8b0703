package dev.loyaltyrelay.support;

import dev.loyaltyrelay.domain.Provider;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.model.Message;

/** Reads and empties the provider queues of the embedded SQS server. */
public final class Queues {

    private Queues() {
    }

    public static void purgeAll() {
        LocalAws aws = LocalAws.get();
        for (Provider provider : BuiltIn.ALL) {
            drain(provider);
            drainDeadLetters(provider);
        }
        aws.queueUrls.values().forEach(url -> aws.sqs.purgeQueue(r -> r.queueUrl(url)));
        aws.deadLetterQueueUrls.values().forEach(url -> aws.sqs.purgeQueue(r -> r.queueUrl(url)));
    }

    /** Every message now on the provider's dead-letter queue, taken off it. */
    public static List<Message> drainDeadLetters(Provider provider) {
        return drainUrl(LocalAws.get().deadLetterQueueUrls.get(provider));
    }

    /** Every message now on the provider's queue, taken off it. */
    public static List<Message> drain(Provider provider) {
        return drainUrl(LocalAws.get().queueUrls.get(provider));
    }

    private static List<Message> drainUrl(String url) {
        LocalAws aws = LocalAws.get();
        List<Message> all = new ArrayList<>();
        while (true) {
            var batch = aws.sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            batch.forEach(m -> aws.sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())));
        }
    }

    public static int drainAllCount() {
        int count = 0;
        for (Provider provider : BuiltIn.ALL) {
            count += drain(provider).size();
        }
        return count;
    }
}
