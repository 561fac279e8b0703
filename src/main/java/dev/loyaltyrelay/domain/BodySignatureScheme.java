package dev.loyaltyrelay.domain;

/**
 * The two candidate inputs of Nector's {@code x-nector-webhook-hmac}, both HMAC-SHA256 keyed with the webhook secret's
 * UTF-8 bytes. Nector documents neither for webhooks; each merchant's authentic traffic shows which one it sends
 * ({@code application/ingest/NectorSignature}).
 */
public enum BodySignatureScheme {
    /** Over the raw request body, as most webhook senders sign. The relay's first assumption. */
    RAW_BODY("raw_body"),
    /**
     * Over the characters of the body URL-encoded as JavaScript's {@code encodeURIComponent} does, sorted: the only HMAC
     * code Nector publishes (its SDK's request signature). It proves the secret but not the order of the characters.
     */
    SORTED_URLENCODED("sorted_urlencoded");

    private final String wireName;

    BodySignatureScheme(String wireName) {
        this.wireName = wireName;
    }

    /** The scheme's name in the admin API, the store and the metrics. */
    public String wireName() {
        return wireName;
    }

    public static java.util.Optional<BodySignatureScheme> fromWireName(String name) {
        for (BodySignatureScheme scheme : values()) {
            if (scheme.wireName.equals(name)) {
                return java.util.Optional.of(scheme);
            }
        }
        return java.util.Optional.empty();
    }
}
