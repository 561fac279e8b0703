package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.domain.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * How Nector signs a webhook, in one place.
 *
 * <p>Documented: {@code x-nector-webhook-secret} is the SHA-256 of the merchant's webhook secret
 * ({@code x-nector-webhook-secret-algo: sha256}), written as lower-case hex ({@link Hashes#sha256Hex(String)}).
 *
 * <p><b>Assumed</b> (Nector has not published the HMAC's input): {@code x-nector-webhook-hmac} is
 * HMAC-SHA256 keyed with the webhook secret's UTF-8 bytes over the raw request body, hex-encoded; a
 * base64 encoding of the same MAC is accepted too, as other platforms use it. Until Nector confirms this,
 * a mismatch is only recorded unless the merchant chose to enforce it. If the real scheme differs, this
 * class is the one to change.
 */
public final class NectorSignature {

    public static final String SUPPORTED_ALGORITHM = "sha256";

    private NectorSignature() {
    }

    /** Constant-time comparison of the header's hex hash with the secret's hash. */
    public static boolean secretHashMatches(String headerValue, byte[] secretSha256) {
        byte[] presented = decodeHex(headerValue.trim().toLowerCase(Locale.ROOT));
        return presented != null && MessageDigest.isEqual(presented, secretSha256);
    }

    public static byte[] bodyHmac(byte[] secret, byte[] body) {
        return Hashes.hmacSha256(secret, body);
    }

    /** Whether the header carries this body's HMAC under the assumed scheme (hex or base64), compared in constant time. */
    public static boolean bodyHmacMatches(String headerValue, byte[] secret, byte[] body) {
        if (headerValue == null || headerValue.isBlank()) {
            return false;
        }
        byte[] expected = bodyHmac(secret, body);
        String value = headerValue.trim();
        byte[] presented = decodeHex(value.toLowerCase(Locale.ROOT));
        if (presented == null) {
            presented = decodeBase64(value);
        }
        return presented != null && MessageDigest.isEqual(presented, expected);
    }

    /** Unix seconds, as Nector documents; milliseconds are recognised by their size and accepted too. */
    public static Optional<Instant> parseTimestamp(String value) {
        try {
            long number = Long.parseLong(value.trim());
            if (number <= 0) {
                return Optional.empty();
            }
            return Optional.of(number > 100_000_000_000L ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The headers Nector would send for {@code body}: used by the signing script, fixtures and tests. */
    public static String hexHmac(String secret, byte[] body) {
        return HexFormat.of().formatHex(bodyHmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    private static byte[] decodeHex(String value) {
        if (value.length() != 64) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] decodeBase64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
