package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.SealedSecret;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An {@link Integration} as its item in the merchant's config partition ({@code INTEGRATION#<integrationId>}), and back;
 * its attention flag is two attributes, {@code attentionReason} and {@code attentionSince}.
 */
final class IntegrationItems {

    private IntegrationItems() {
    }

    static Map<String, AttributeValue> key(String merchantId, String integrationId) {
        return Keys.merchantItem(merchantId, Keys.INTEGRATION_PREFIX + integrationId);
    }

    static Map<String, AttributeValue> toItem(Integration integration) {
        var item = new HashMap<>(key(integration.merchantId(), integration.integrationId()));
        item.put("provider", s(integration.provider().key()));
        item.put("commonProperty", s(integration.commonProperty().name()));
        item.put("credentials", s(integration.credentials().encode()));
        item.put("enabled", bool(integration.enabled()));
        if (integration.attention() != null) {
            item.put("attentionReason", s(integration.attention().reason()));
            item.put("attentionSince", n(integration.attention().since().toEpochMilli()));
        }
        return item;
    }

    static Integration fromItem(String merchantId, Map<String, AttributeValue> item) {
        String reason = string(item, "attentionReason");
        return new Integration(merchantId,
                string(item, Keys.SK).substring(Keys.INTEGRATION_PREFIX.length()),
                Provider.fromKey(string(item, "provider")).orElseThrow(),
                CommonProperty.valueOf(string(item, "commonProperty")),
                SealedSecret.decode(string(item, "credentials")),
                bool(item, "enabled", true),
                reason == null ? null : new Integration.Attention(reason,
                        Instant.ofEpochMilli(number(item, "attentionSince").orElse(0L))));
    }
}
