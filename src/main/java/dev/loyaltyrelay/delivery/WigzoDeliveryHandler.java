package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.domain.Provider;
import jakarta.inject.Named;

/** {@code QUARKUS_LAMBDA_HANDLER=wigzo}: drains Wigzo's queue. */
@Named("wigzo")
public class WigzoDeliveryHandler extends ProviderDeliveryHandler {
    WigzoDeliveryHandler(DeliveryPipeline pipeline) {
        super(Provider.WIGZO, pipeline);
    }
}
