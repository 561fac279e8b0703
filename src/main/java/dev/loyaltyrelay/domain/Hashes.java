package dev.loyaltyrelay.domain;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256 and HMAC-SHA256, the relay's only digests, computed here and nowhere else. Text is hashed as its UTF-8 bytes and
 * hex is lower-case, as Nector sends a secret's hash and as every stored digest was written.
 */
public final class Hashes {

    private static final HexFormat HEX = HexFormat.of();

    private Hashes() {
    }

    public static byte[] sha256(byte[] bytes) {
        return digest().digest(bytes);
    }

    public static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] bytes) {
        return HEX.formatHex(sha256(bytes));
    }

    public static String sha256Hex(String text) {
        return HEX.formatHex(sha256(text));
    }

    /**
     * SHA-256 (hex) over parts, each prefixed with its length in bytes and a colon, so ("ab", "c") and ("a", "bc") differ.
     * Not {@link #sha256Hex(String)} even for one part: ids and keys derived this way are stored, so the framing stays.
     */
    public static String sha256HexOfParts(String... parts) {
        MessageDigest digest = digest();
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) ':');
            digest.update(bytes);
        }
        return HEX.formatHex(digest.digest());
    }

    public static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            // Every Java platform must provide SHA-256 (MessageDigest's specification).
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
