package dev.loyaltyrelay.domain;

import java.time.Duration;
import java.time.ZoneId;
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
 */
public record Merchant(
        String merchantId,
        String defaultCountry,
        ZoneId timezone,
        SignaturePolicy signaturePolicy,
        Duration timestampWindow,
        RepeatPolicy repeatPolicy) {

    public Merchant {
        Objects.requireNonNull(merchantId, "merchantId");
        Objects.requireNonNull(defaultCountry, "defaultCountry");
        Objects.requireNonNull(timezone, "timezone");
        Objects.requireNonNull(signaturePolicy, "signaturePolicy");
        Objects.requireNonNull(timestampWindow, "timestampWindow");
        Objects.requireNonNull(repeatPolicy, "repeatPolicy");
    }
}
