package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.QuietHours;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TopicCategory;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Update;

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
        item.put("enforcedScheme", s(merchant.enforcedScheme().name()));
        return item;
    }

    /** The settings of {@link #toItem} as one update of the profile item: its other attributes (categories, limits) stay. */
    static Update settingsUpdate(String table, Merchant merchant) {
        Map<String, AttributeValue> item = toItem(merchant);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> assignments = new ArrayList<>();
        item.forEach((attribute, value) -> {
            if (!attribute.equals(Keys.PK) && !attribute.equals(Keys.SK)) {
                int i = assignments.size();
                names.put("#a" + i, attribute);
                values.put(":v" + i, value);
                assignments.add("#a" + i + " = :v" + i);
            }
        });
        return Update.builder().tableName(table).key(Keys.merchantItem(merchant.merchantId(), Keys.PROFILE))
                .updateExpression("SET " + String.join(", ", assignments)).expressionAttributeNames(names).expressionAttributeValues(values)
                .build();
    }

    /** The merchant's topic category overrides as one update of the profile item, on a merchant that exists. */
    static Update topicCategoriesUpdate(String table, String merchantId, Map<String, TopicCategory> overrides) {
        var update = Update.builder().tableName(table).key(Keys.merchantItem(merchantId, Keys.PROFILE))
                .conditionExpression("attribute_exists(#pk)");
        if (overrides.isEmpty()) {
            return update.updateExpression("REMOVE #categories").expressionAttributeNames(Map.of("#pk", Keys.PK, "#categories", "topicCategories")).build();
        }
        Map<String, AttributeValue> categories = new HashMap<>();
        overrides.forEach((topic, category) -> categories.put(topic, s(category.name())));
        return update.updateExpression("SET #categories = :categories")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#categories", "topicCategories"))
                .expressionAttributeValues(Map.of(":categories", AttributeValue.fromM(categories))).build();
    }

    /**
     * The merchant's frequency cap and quiet hours as one update of the profile item ({@code marketingLimits}, a map), on a
     * merchant that exists; {@link MarketingLimits#NONE} removes the attribute.
     */
    static Update marketingLimitsUpdate(String table, String merchantId, MarketingLimits limits) {
        var update = Update.builder().tableName(table).key(Keys.merchantItem(merchantId, Keys.PROFILE))
                .conditionExpression("attribute_exists(#pk)");
        Map<String, AttributeValue> stored = new HashMap<>();
        limits.cap().ifPresent(cap -> {
            stored.put("capMessages", n(cap.messages()));
            stored.put("capWindowSeconds", n(cap.window().toSeconds()));
        });
        limits.quiet().ifPresent(quiet -> {
            stored.put("quietFrom", s(quiet.from().toString()));
            stored.put("quietUntil", s(quiet.until().toString()));
        });
        if (stored.isEmpty()) {
            return update.updateExpression("REMOVE #limits").expressionAttributeNames(Map.of("#pk", Keys.PK, "#limits", "marketingLimits")).build();
        }
        return update.updateExpression("SET #limits = :limits")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#limits", "marketingLimits"))
                .expressionAttributeValues(Map.of(":limits", AttributeValue.fromM(stored))).build();
    }

    static Merchant fromItem(String merchantId, Map<String, AttributeValue> item) {
        return new Merchant(merchantId,
                string(item, "defaultCountry"),
                ZoneId.of(string(item, "timezone")),
                SignaturePolicy.valueOf(string(item, "signaturePolicy")),
                Duration.ofSeconds(number(item, "timestampWindowSeconds").orElseThrow()),
                RepeatPolicy.valueOf(string(item, "repeatPolicy")),
                topicCategories(item),
                marketingLimits(item),
                enforcedScheme(item));
    }

    /** Absent on a merchant saved before the schemes were told apart: the raw body is what its enforcement checked. */
    private static BodySignatureScheme enforcedScheme(Map<String, AttributeValue> item) {
        String stored = string(item, "enforcedScheme");
        try {
            return stored == null ? BodySignatureScheme.RAW_BODY : BodySignatureScheme.valueOf(stored);
        } catch (IllegalArgumentException e) {
            return BodySignatureScheme.RAW_BODY;
        }
    }

    /**
     * The merchant's cap and quiet hours; a part that does not read (written by another version) is left out, as if
     * unset, rather than making the whole merchant unreadable.
     */
    private static MarketingLimits marketingLimits(Map<String, AttributeValue> item) {
        AttributeValue stored = item.get("marketingLimits");
        if (stored == null || !stored.hasM()) {
            return MarketingLimits.NONE;
        }
        Map<String, AttributeValue> limits = stored.m();
        FrequencyCap cap = null;
        QuietHours quiet = null;
        try {
            var messages = number(limits, "capMessages");
            var window = number(limits, "capWindowSeconds");
            if (messages.isPresent() && window.isPresent()) {
                cap = new FrequencyCap(Math.toIntExact(messages.get()), Duration.ofSeconds(window.get()));
            }
        } catch (IllegalArgumentException | ArithmeticException unreadable) {
            cap = null;
        }
        try {
            String from = string(limits, "quietFrom");
            String until = string(limits, "quietUntil");
            if (from != null && until != null) {
                quiet = new QuietHours(LocalTime.parse(from), LocalTime.parse(until));
            }
        } catch (IllegalArgumentException | DateTimeParseException unreadable) {
            quiet = null;
        }
        return new MarketingLimits(cap, quiet);
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
