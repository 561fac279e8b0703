package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TopicCategory;
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
        if (!merchant.topicCategories().isEmpty()) {
            Map<String, AttributeValue> categories = new HashMap<>();
            merchant.topicCategories().forEach((topic, category) -> categories.put(topic, s(category.name())));
            item.put("topicCategories", AttributeValue.fromM(categories));
        }
        return item;
    }

    static Merchant fromItem(String merchantId, Map<String, AttributeValue> item) {
        return new Merchant(merchantId,
                string(item, "defaultCountry"),
                ZoneId.of(string(item, "timezone")),
                SignaturePolicy.valueOf(string(item, "signaturePolicy")),
                Duration.ofSeconds(number(item, "timestampWindowSeconds").orElseThrow()),
                RepeatPolicy.valueOf(string(item, "repeatPolicy")),
                topicCategories(item));
    }

    /** The merchant's category overrides; a value this version does not know is left out (the catalogue's default holds). */
    private static Map<String, TopicCategory> topicCategories(Map<String, AttributeValue> item) {
        AttributeValue stored = item.get("topicCategories");
        Map<String, TopicCategory> categories = new HashMap<>();
        if (stored != null && stored.hasM()) {
            stored.m().forEach((topic, value) -> {
                for (TopicCategory category : TopicCategory.values()) {
                    if (category.name().equals(value.s())) {
                        categories.put(topic, category);
                    }
                }
            });
        }
        return categories;
    }
}
