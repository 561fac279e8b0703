package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.domain.Provider;
import jakarta.inject.Named;

/** {@code QUARKUS_LAMBDA_HANDLER=limechat}: drains LimeChat's queue. */
@Named("limechat")
public class LimeChatDeliveryHandler extends ProviderDeliveryHandler {
    LimeChatDeliveryHandler(DeliveryPipeline pipeline) {
        super(Provider.LIMECHAT, pipeline);
    }
}
