package dev.loyaltyrelay.delivery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.domain.Provider;

/**
 * A provider's delivery function: its SQS queue's batches through the shared pipeline. The template sets
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, so only the failed records come back.
 */
public abstract class ProviderDeliveryHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final Provider provider;
    private final DeliveryPipeline pipeline;

    protected ProviderDeliveryHandler(Provider provider, DeliveryPipeline pipeline) {
        this.provider = provider;
        this.pipeline = pipeline;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return pipeline.process(provider, event, context);
    }
}
