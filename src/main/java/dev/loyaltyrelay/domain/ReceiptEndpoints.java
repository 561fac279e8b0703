package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * Where each integration's provider posts receipts and replies: a URL of the relay's that carries a secret of its own
 * (random, 256 bits), so only the provider it was given to can post for that integration. The relay keeps the
 * secret's SHA-256 only; the URL is shown once, when it is issued. Methods throw {@link StoreUnavailable}.
 */
public interface ReceiptEndpoints {

    /** Keeps a newly issued secret's digest for the integration, replacing any earlier one (which stops working). */
    void save(String merchantId, String integrationId, ReceiptEndpoint endpoint);

    Optional<ReceiptEndpoint> find(String merchantId, String integrationId);

    /** The words that, replied alone, opt a customer out (STOP); the defaults until the merchant sets its own. */
    java.util.List<String> optOutWords(String merchantId);

    /** Replaces the merchant's opt-out words (an empty list: the defaults). */
    void saveOptOutWords(String merchantId, java.util.List<String> words);

    /** What a customer may reply to opt out when the merchant has not set its own words: the usual ones, as SMS has them. */
    java.util.List<String> DEFAULT_OPT_OUT_WORDS = java.util.List.of("STOP", "STOP ALL", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
            "OPT OUT", "OPTOUT");

    /**
     * @param provider     the integration's provider, which alone may post to it
     * @param secretSha256 the hex SHA-256 of the URL's secret
     * @param issuedAt     when it was issued
     * @param registration what the provider said when the relay registered the URL with it, a short code
     *                     ({@code registered}, {@code not_offered}, {@code public_url_unset}, {@code refused_http_400}, ...)
     */
    record ReceiptEndpoint(Provider provider, String secretSha256, Instant issuedAt, String registration) {
    }
}
