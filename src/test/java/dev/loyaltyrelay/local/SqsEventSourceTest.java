package dev.loyaltyrelay.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * The local event source deletes a handled batch as Lambda's does: in one {@code DeleteMessageBatch}, never one
 * {@code DeleteMessage} per message in series (nine round trips more after a batch of ten, counted in the bench's batch
 * figure). What reaches the queue is counted by a client that answers in memory.
 */
class SqsEventSourceTest {

    static final String QUEUE = "http://localhost:9324/000000000000/relay-zoko";

    /** A queue that hands out {@code waiting} messages once and records every delete request. */
    static final class RecordingSqs implements SqsClient {
        final List<Message> waiting;
        final List<String> singleDeletes = new ArrayList<>();
        final List<List<String>> batchDeletes = new ArrayList<>();
        boolean refuseFirstEntry;

        RecordingSqs(int messages) {
            waiting = IntStream.range(0, messages).mapToObj(i -> Message.builder().messageId("id-" + i).receiptHandle("rh-" + i).body("{}").build())
                    .toList();
        }

        @Override
        public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
            return ReceiveMessageResponse.builder().messages(waiting).build();
        }

        @Override
        public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
            singleDeletes.add(request.receiptHandle());
            return DeleteMessageResponse.builder().build();
        }

        @Override
        public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
            batchDeletes.add(request.entries().stream().map(DeleteMessageBatchRequestEntry::receiptHandle).toList());
            var response = DeleteMessageBatchResponse.builder();
            if (refuseFirstEntry) {
                response.failed(BatchResultErrorEntry.builder().id(request.entries().getFirst().id()).code("ReceiptHandleIsInvalid").senderFault(true)
                        .message("gone").build());
            }
            return response.build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    private static SQSBatchResponse failing(String... messageIds) {
        return new SQSBatchResponse(List.of(messageIds).stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
    }

    @Test
    void aBatchOfTen_isDeletedInOneRequest_withoutItsFailures() {
        var sqs = new RecordingSqs(10);

        int handled = new SqsEventSource(sqs, QUEUE).pollOnce(event -> failing("id-3", "id-7"), 0);

        assertEquals(10, handled);
        assertEquals(List.of(), sqs.singleDeletes, "no DeleteMessage one at a time");
        assertEquals(List.of(List.of("rh-0", "rh-1", "rh-2", "rh-4", "rh-5", "rh-6", "rh-8", "rh-9")), sqs.batchDeletes);
    }

    @Test
    void aBatchThatFailedWhole_deletesNothing() {
        var sqs = new RecordingSqs(2);

        new SqsEventSource(sqs, QUEUE).pollOnce(event -> failing("id-0", "id-1"), 0);

        assertEquals(List.of(), sqs.singleDeletes);
        assertEquals(List.of(), sqs.batchDeletes);
    }

    @Test
    void aFunctionThatAnswersNothing_hasEveryMessageDeleted() {
        var sqs = new RecordingSqs(3);

        new SqsEventSource(sqs, QUEUE).pollOnce(event -> null, 0);

        assertEquals(List.of(List.of("rh-0", "rh-1", "rh-2")), sqs.batchDeletes);
    }

    @Test
    void anEntryTheQueueRefused_failsThePoll() {
        var sqs = new RecordingSqs(2);
        sqs.refuseFirstEntry = true;

        var refused = assertThrows(IllegalStateException.class, () -> new SqsEventSource(sqs, QUEUE).pollOnce(event -> null, 0));

        assertEquals(true, refused.getMessage().contains("ReceiptHandleIsInvalid"), refused.getMessage());
    }
}
