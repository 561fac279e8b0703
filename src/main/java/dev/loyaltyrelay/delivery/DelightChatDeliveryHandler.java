package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.domain.Provider;
import jakarta.inject.Named;

/** {@code QUARKUS_LAMBDA_HANDLER=delightchat}: drains DelightChat's queue. */
@Named("delightchat")
public class DelightChatDeliveryHandler extends ProviderDeliveryHandler {
    DelightChatDeliveryHandler(DeliveryPipeline pipeline) {
        super(Provider.DELIGHTCHAT, pipeline);
    }
}
