package dev.loyaltyrelay.delivery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.loyaltyrelay.application.delivery.BatchDelivery;
import dev.loyaltyrelay.application.delivery.BatchDelivery.QueueMessage;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.observability.FlushMetrics;
import dev.loyaltyrelay.observability.LogsWithRequestId;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The SQS side of every provider's function: reads Lambda's SQS event into queue messages, hands them to
 * {@link BatchDelivery}, and answers the ones to receive again as batch item failures.
 */
@ApplicationScoped
public class DeliveryPipeline {

    /** The delivery functions' timeout, assumed when no deadline is given. */
    static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(DeliveryPipeline.class);
    private final BatchDelivery delivery;

    DeliveryPipeline(BatchDelivery delivery) {
        this.delivery = delivery;
    }

    /**
     * A provider's batch as its function handles it: never throws, Errors included; a batch that fails as a whole
     * comes back whole (every record a failure), so nothing is deleted unhandled.
     */
    @FlushMetrics
    @LogsWithRequestId
    public SQSBatchResponse handle(Provider provider, SQSEvent event, Context context) {
        try {
            return process(provider, event, context);
        } catch (Throwable unexpected) {
            LOG.errorf("%s batch failed: %s; every record retried", provider.key(), unexpected.getClass().getName());
            List<SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
            return new SQSBatchResponse(records.stream().map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId())).toList());
        }
    }

    public SQSBatchResponse process(Provider provider, SQSEvent event, Context context) {
        // Lambda always invokes with time left; none (no context, or a local event server without a deadline)
        // means nobody imposes one, and the function's own timeout is assumed.
        long remainingMillis = context == null ? 0 : context.getRemainingTimeInMillis();
        long budgetMillis = remainingMillis > 0 ? remainingMillis : DEFAULT_TIME_BUDGET.toMillis();
        long deadlineNanos = System.nanoTime() + Duration.ofMillis(budgetMillis).toNanos();
        List<SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<String> again = delivery.deliver(provider, records.stream().map(DeliveryPipeline::message).toList(), deadlineNanos);
        return new SQSBatchResponse(again.stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
    }

    private static QueueMessage message(SQSMessage record) {
        Map<String, String> attributes = new HashMap<>();
        if (record.getMessageAttributes() != null) {
            record.getMessageAttributes().forEach((name, value) -> {
                if (value != null && value.getStringValue() != null) {
                    attributes.put(name, value.getStringValue());
                }
            });
        }
        return new QueueMessage(record.getMessageId(), record.getReceiptHandle(), record.getBody(), attributes, receiveCount(record));
    }

    private static int receiveCount(SQSMessage record) {
        String count = record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
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
