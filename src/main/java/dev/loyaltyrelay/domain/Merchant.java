package dev.loyaltyrelay.domain;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * A Nector store using the relay.
 *
 * @param merchantId          the id in the webhook URL
 * @param defaultCountry      ISO 3166 region used to read mobile numbers written without a country code
 * @param timezone            the store's timezone (quiet hours, figures by day)
 * @param signaturePolicy     whether a body HMAC mismatch is refused or only recorded
 * @param timestampWindow     how far {@code x-nector-timestamp} may be from now, either way
 * @param repeatPolicy        whether a body repeated under a new delivery id is delivered again
 * @param topicCategories     the merchant's overrides of the catalogue's topic categories (topic to category); only these
 * @param marketingLimits     the frequency cap and quiet hours its marketing messages keep
 * @param enforcedScheme      the body-HMAC scheme {@link SignaturePolicy#ENFORCE} accepts: the one the merchant's traffic
 *                            matched when enforcement was switched on ({@link BodySignatureScheme#RAW_BODY} for a merchant
 *                            enforcing since before the schemes were told apart, as that was the one checked then)
 */
public record Merchant(
        String merchantId,
        String defaultCountry,
        ZoneId timezone,
        SignaturePolicy signaturePolicy,
        Duration timestampWindow,
        RepeatPolicy repeatPolicy,
        Map<String, TopicCategory> topicCategories,
        MarketingLimits marketingLimits,
        BodySignatureScheme enforcedScheme) {

    /** A merchant who keeps every topic's catalogue category, with no cap and no quiet hours. */
    public Merchant(String merchantId, String defaultCountry, ZoneId timezone, SignaturePolicy signaturePolicy, Duration timestampWindow,
            RepeatPolicy repeatPolicy) {
        this(merchantId, defaultCountry, timezone, signaturePolicy, timestampWindow, repeatPolicy, Map.of(), MarketingLimits.NONE);
    }

    /** A merchant whose enforcement, if on, accepts the raw-body scheme, the one checked before the schemes were told apart. */
    public Merchant(String merchantId, String defaultCountry, ZoneId timezone, SignaturePolicy signaturePolicy, Duration timestampWindow,
            RepeatPolicy repeatPolicy, Map<String, TopicCategory> topicCategories, MarketingLimits marketingLimits) {
        this(merchantId, defaultCountry, timezone, signaturePolicy, timestampWindow, repeatPolicy, topicCategories, marketingLimits,
                BodySignatureScheme.RAW_BODY);
    }

    public Merchant {
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(defaultCountry, "defaultCountry");
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(signaturePolicy, "signaturePolicy");
        Objects.requireNonNull(timestampWindow, "timestampWindow");
        Objects.requireNonNull(repeatPolicy, "repeatPolicy");
        topicCategories = Map.copyOf(Objects.requireNonNull(topicCategories, "topicCategories"));
        Objects.requireNonNull(marketingLimits, "marketingLimits");
        Objects.requireNonNull(enforcedScheme, "enforcedScheme");
    }

    /** This merchant with {@code overrides} as its topic categories (replacing the ones it had). */
    public Merchant withTopicCategories(Map<String, TopicCategory> overrides) {
        return new Merchant(merchantId, defaultCountry, timezone, signaturePolicy, timestampWindow, repeatPolicy, overrides, marketingLimits, enforcedScheme);
    }

    /** This merchant with {@code limits} as its cap and quiet hours (replacing the ones it had). */
    public Merchant withMarketingLimits(MarketingLimits limits) {
        return new Merchant(merchantId, defaultCountry, timezone, signaturePolicy, timestampWindow, repeatPolicy, topicCategories, limits, enforcedScheme);
    }
}
