package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.WebhookSecret;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A {@link WebhookSecret} as its item in the merchant's config partition ({@code SECRET#<secretId>}), and back. */
final class WebhookSecretItems {

    private WebhookSecretItems() {
    }

    static Map<String, AttributeValue> key(String merchantId, String secretId) {
        return Keys.merchantItem(merchantId, Keys.SECRET_PREFIX + secretId);
    }

    static Map<String, AttributeValue> toItem(String merchantId, WebhookSecret secret) {
        var item = new HashMap<>(key(merchantId, secret.secretId()));
        item.put("sha256", s(secret.sha256Hex()));
        item.put("sealed", s(secret.sealed().encode()));
        item.put("createdAt", n(secret.createdAt().toEpochMilli()));
        if (secret.retiredAt() != null) {
            item.put("retiredAt", n(secret.retiredAt().toEpochMilli()));
        }
        return item;
    }

    static WebhookSecret fromItem(Map<String, AttributeValue> item) {
        return new WebhookSecret(string(item, Keys.SK).substring(Keys.SECRET_PREFIX.length()),
                string(item, "sha256"),
                SealedSecret.decode(string(item, "sealed")),
                Instant.ofEpochMilli(number(item, "createdAt").orElse(0L)),
                number(item, "retiredAt").map(Instant::ofEpochMilli).orElse(null));
    }
}
