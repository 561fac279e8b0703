package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.Hashes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
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
 * <p><b>Not documented for webhooks</b>: the input of {@code x-nector-webhook-hmac}. Two candidates are checked, both
 * HMAC-SHA256 keyed with the webhook secret's UTF-8 bytes, hex (base64 accepted too, as other platforms use it):
 * {@link BodySignatureScheme#RAW_BODY}, the raw request body (the relay's first assumption), and
 * {@link BodySignatureScheme#SORTED_URLENCODED}, the body URL-encoded as JavaScript's {@code encodeURIComponent} does
 * and its characters sorted, as the only HMAC code Nector publishes (its SDK's request signature) signs its payload.
 * Which one a merchant's authentic traffic matches is recorded, and enforcement accepts only the one that matched. If
 * the real scheme is a third, this class is the one to change.
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

    /** The MAC under {@code scheme}. */
    public static byte[] bodyHmac(BodySignatureScheme scheme, byte[] secret, byte[] body) {
        return switch (scheme) {
            case RAW_BODY -> bodyHmac(secret, body);
            case SORTED_URLENCODED -> Hashes.hmacSha256(secret, sortedUrlEncoded(body));
        };
    }

    /** Whether the header carries this body's HMAC under the raw-body scheme (hex or base64), compared in constant time. */
    public static boolean bodyHmacMatches(String headerValue, byte[] secret, byte[] body) {
        return matches(headerValue, secret, body, BodySignatureScheme.RAW_BODY);
    }

    /** The candidate scheme under which the header carries this body's HMAC, if any; {@link BodySignatureScheme#RAW_BODY} first. */
    public static Optional<BodySignatureScheme> matchingScheme(String headerValue, byte[] secret, byte[] body) {
        return matchingScheme(headerValue, secret, body, BodySignatureScheme.RAW_BODY);
    }

    /**
     * The candidate scheme under which the header carries this body's HMAC, if any, trying {@code likeliest} first and
     * stopping at a match. The sorted scheme's input costs a sort of the body (15% of ingest's CPU at 20 KB when both were
     * always computed); skipping it tells a caller only that an earlier scheme matched, which only a holder of the secret
     * can bring about. Each comparison is constant-time.
     */
    public static Optional<BodySignatureScheme> matchingScheme(String headerValue, byte[] secret, byte[] body, BodySignatureScheme likeliest) {
        if (matches(headerValue, secret, body, likeliest)) {
            return Optional.of(likeliest);
        }
        for (BodySignatureScheme scheme : BodySignatureScheme.values()) {
            if (scheme != likeliest && matches(headerValue, secret, body, scheme)) {
                return Optional.of(scheme);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String headerValue, byte[] secret, byte[] body, BodySignatureScheme scheme) {
        if (headerValue == null || headerValue.isBlank()) {
            return false;
        }
        byte[] expected = bodyHmac(scheme, secret, body);
        String value = headerValue.trim();
        byte[] presented = decodeHex(value.toLowerCase(Locale.ROOT));
        if (presented == null) {
            presented = decodeBase64(value);
        }
        return presented != null && MessageDigest.isEqual(presented, expected);
    }

    /**
     * The SDK scheme's input: the body's text (UTF-8; a malformed sequence read as U+FFFD, as a JavaScript string would
     * hold it) URL-encoded as {@code encodeURIComponent} does (every byte of UTF-8 but {@code A-Z a-z 0-9 - _ . ! ~ * ' ( )}
     * as {@code %XX}, upper-case hex), then its characters sorted. The encoding is ASCII, so JavaScript's sort of UTF-16
     * code units and this sort of bytes agree.
     */
    static byte[] sortedUrlEncoded(byte[] body) {
        byte[] utf8 = new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        byte[] encoded = new byte[utf8.length * 3];
        int length = 0;
        for (byte b : utf8) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.!~*'()".indexOf(c) >= 0) {
                encoded[length++] = (byte) c;
            } else {
                encoded[length++] = '%';
                encoded[length++] = (byte) Character.toUpperCase(Character.forDigit(c >> 4, 16));
                encoded[length++] = (byte) Character.toUpperCase(Character.forDigit(c & 0xF, 16));
            }
        }
        byte[] sorted = Arrays.copyOf(encoded, length);
        Arrays.sort(sorted);
        return sorted;
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

    /** {@link #hexHmac(String, byte[])} under {@code scheme}. */
    public static String hexHmac(BodySignatureScheme scheme, String secret, byte[] body) {
        return HexFormat.of().formatHex(bodyHmac(scheme, secret.getBytes(StandardCharsets.UTF_8), body));
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
