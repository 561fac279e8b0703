package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A {@link Merchant} as its profile item in the config table ({@code M#<merchant>} / {@code PROFILE}), and back. */
final class MerchantItems {

    private MerchantItems() {
    }

    static Map<String, AttributeValue> toItem(Merchant merchant) {
        var item = new HashMap<>(Keys.merchantItem(merchant.merchantId(), Keys.PROFILE));
        item.put("defaultCountry", s(merchant.defaultCountry()));
        item.put("timezone", s(merchant.timezone().getId()));
        item.put("signaturePolicy", s(merchant.signaturePolicy().name()));
        item.put("timestampWindowSeconds", n(merchant.timestampWindow().toSeconds()));
        item.put("repeatPolicy", s(merchant.repeatPolicy().name()));
        return item;
    }

    static Merchant fromItem(String merchantId, Map<String, AttributeValue> item) {
        return new Merchant(merchantId,
                string(item, "defaultCountry"),
                ZoneId.of(string(item, "timezone")),
                SignaturePolicy.valueOf(string(item, "signaturePolicy")),
                Duration.ofSeconds(number(item, "timestampWindowSeconds").orElseThrow()),
                RepeatPolicy.valueOf(string(item, "repeatPolicy")));
    }
}
