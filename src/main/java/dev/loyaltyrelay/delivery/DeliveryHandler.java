package dev.loyaltyrelay.delivery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import jakarta.inject.Named;

/**
 * Every provider's delivery function ({@code QUARKUS_LAMBDA_HANDLER=delivery}): its SQS queue's batches through the
 * shared pipeline, for the provider the function is given ({@code RELAY_DELIVERY_PROVIDER}). The template sets
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}, so only the failed records come back. A function given no
 * provider, or one this build carries no plug-in for, does not start: it would take its queue's messages and send none.
 */
@Named("delivery")
public class DeliveryHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final Provider provider;
    private final DeliveryPipeline pipeline;

    DeliveryHandler(DeliveryPipeline pipeline, ProviderCatalogue providers, RelayConfig config) {
        String key = config.delivery().provider()
                .orElseThrow(() -> new IllegalStateException("the delivery function was given no provider (RELAY_DELIVERY_PROVIDER)"));
        this.provider = providers.profile(key)
                .orElseThrow(() -> new IllegalStateException("this build carries no plug-in for provider " + key)).provider();
        this.pipeline = pipeline;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return pipeline.handle(provider, event, context);
    }
}
