package dev.loyaltyrelay.support;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.delivery.DeliveryPipeline;
import dev.loyaltyrelay.domain.Provider;
import io.quarkus.arc.Arc;

/**
 * A provider's delivery function as {@code DeliveryHandler} runs it when given that provider: one test application
 * plays every provider's function, as the local run does.
 */
public interface DeliveryFunction extends RequestHandler<SQSEvent, SQSBatchResponse> {

    /** The pipeline is looked up at each call, so a test may hold the function in a field before the application starts. */
    static DeliveryFunction of(Provider provider) {
        return (event, context) -> Arc.container().instance(DeliveryPipeline.class).get().handle(provider, event, context);
    }
}
