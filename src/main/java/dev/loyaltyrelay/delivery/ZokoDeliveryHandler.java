package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.domain.Provider;
import jakarta.inject.Named;

/** {@code QUARKUS_LAMBDA_HANDLER=zoko}: drains Zoko's queue. */
@Named("zoko")
public class ZokoDeliveryHandler extends ProviderDeliveryHandler {
    ZokoDeliveryHandler(DeliveryPipeline pipeline) {
        super(Provider.ZOKO, pipeline);
    }
}
