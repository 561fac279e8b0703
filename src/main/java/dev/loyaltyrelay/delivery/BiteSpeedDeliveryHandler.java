package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.domain.Provider;
import jakarta.inject.Named;

/** {@code QUARKUS_LAMBDA_HANDLER=bitespeed}: drains BiteSpeed's queue. */
@Named("bitespeed")
public class BiteSpeedDeliveryHandler extends ProviderDeliveryHandler {
    BiteSpeedDeliveryHandler(DeliveryPipeline pipeline) {
        super(Provider.BITESPEED, pipeline);
    }
}
