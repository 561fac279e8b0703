package dev.loyaltyrelay.local;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source does, for one queue, outside AWS: receive up to ten messages, hand them to the
 * function as an {@link SQSEvent}, then delete every message the function did not report as a batch item
 * failure. Failed messages stay on the queue with whatever visibility the function gave them; the queue's
 * redrive policy moves them to the DLQ after its receive limit. Used by the local run's pollers and the tests.
 */
public final class SqsEventSource {

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;

    public SqsEventSource(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = "arn:aws:sqs:local:000000000000:" + queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    /**
     * Receives one batch and invokes the function with it.
     *
     * @param waitSeconds long-poll time when the queue is empty
     * @return how many messages the batch held (0 when the queue was empty)
     */
    public int pollOnce(Function<SQSEvent, SQSBatchResponse> function, int waitSeconds) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        SQSBatchResponse response = function.apply(eventOf(messages));
        Set<String> failed = response == null || response.getBatchItemFailures() == null ? Set.of()
                : response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
        deleteAllBut(messages, failed);
        return messages.size();
    }

    /**
     * The handled messages deleted in one {@code DeleteMessageBatch}, as Lambda's event source deletes a batch (a receive
     * gives at most ten, the batch call's limit): not one {@code DeleteMessage} after another, which put nine extra round
     * trips in series after every batch of ten. An entry the queue refused fails the poll, as a refused delete did.
     */
    private void deleteAllBut(List<Message> messages, Set<String> failed) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            if (!failed.contains(message.messageId())) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id("m" + i).receiptHandle(message.receiptHandle()).build());
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        var response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        if (response.hasFailed() && !response.failed().isEmpty()) {
            throw new IllegalStateException("messages not deleted from " + queueUrl + ": " + response.failed().stream()
                    .map(entry -> entry.id() + " " + entry.code() + " " + entry.message()).collect(Collectors.joining("; ")));
        }
    }

    /** Polls until the queue gives nothing visible; returns the number of messages handled in all. */
    public int drain(Function<SQSEvent, SQSBatchResponse> function) {
        int total = 0;
        int handled;
        while ((handled = pollOnce(function, 0)) > 0) {
            total += handled;
        }
        return total;
    }

    public SQSEvent eventOf(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message message : messages) {
            var record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setMd5OfBody(message.md5OfBody());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion("local");
            Map<String, String> attributes = new HashMap<>();
            message.attributes().forEach((name, value) -> attributes.put(name.toString(), value));
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            message.messageAttributes().forEach((name, value) -> {
                var attribute = new SQSEvent.MessageAttribute();
                attribute.setDataType(value.dataType());
                attribute.setStringValue(value.stringValue());
                messageAttributes.put(name, attribute);
            });
            record.setMessageAttributes(messageAttributes);
            records.add(record);
        }
        var event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
