package dev.loyaltyrelay.delivery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.domain.Provider;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A provider's delivery function: its SQS queue's batches through the shared pipeline. The template sets
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, so only the failed records come back.
 */
public abstract class ProviderDeliveryHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = Logger.getLogger(ProviderDeliveryHandler.class);
    private final Provider provider;
    private final DeliveryPipeline pipeline;

    protected ProviderDeliveryHandler(Provider provider, DeliveryPipeline pipeline) {
        this.provider = provider;
        this.pipeline = pipeline;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try {
            return pipeline.process(provider, event, context);
        } catch (Throwable unexpected) {
            // Errors too: the batch comes back whole (every record a failure), nothing is deleted unhandled.
            LOG.errorf("%s batch failed: %s; every record retried", provider.key(), unexpected.getClass().getName());
            List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
            return new SQSBatchResponse(records.stream().map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId())).toList());
        }
    }
}
