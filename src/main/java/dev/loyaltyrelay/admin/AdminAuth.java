package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.Identifiers;
import dev.loyaltyrelay.domain.AdminKey;
import dev.loyaltyrelay.domain.AdminKeyStore;
import dev.loyaltyrelay.domain.Hashes;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Authenticates every admin call in the function (an HTTP API has no API keys). A merchant key
 * ({@code lrk_<merchantId>.<keyId>.<secret>}) reaches that merchant only; the operator key reaches every merchant
 * and the provider-wide routes. Only SHA-256 digests of keys are stored; comparisons are constant-time.
 */
@ApplicationScoped
public class AdminAuth {

    /** Who is calling. */
    public sealed interface Caller permits Operator, MerchantCaller {
        /** Whether this caller may act on {@code merchantId}. */
        boolean reaches(String merchantId);
    }

    public record Operator() implements Caller {
        @Override
        public boolean reaches(String merchantId) {
            return true;
        }
    }

    public record MerchantCaller(String merchantId, String keyId) implements Caller {
        @Override
        public boolean reaches(String merchant) {
            return merchantId.equals(merchant);
        }
    }

    /** A key as issued: shown once. */
    public record IssuedKey(AdminKey key, String plaintext) {
        @Override
        public String toString() {
            return "IssuedKey[" + key.keyId() + "]";
        }
    }

    private static final Pattern MERCHANT_KEY = Pattern.compile("^lrk_(" + Identifiers.ID + ")\\.([0-9a-f]{12})\\.([A-Za-z0-9_-]{43})$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AdminKeyStore keys;
    private final Optional<byte[]> operatorKeyDigest;
    private final Clock clock;

    AdminAuth(AdminKeyStore keys, RelayConfig config, Clock clock) {
        this.keys = keys;
        this.operatorKeyDigest = config.admin().operatorKeySha256().filter(h -> h.matches("[0-9a-fA-F]{64}"))
                .map(h -> HexFormat.of().parseHex(h.toLowerCase()));
        this.clock = clock;
    }

    /** @throws ApiProblem 401 when the header is missing, malformed, unknown or revoked */
    public Caller authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthenticated();
        }
        String token = authorization.substring(7).trim();
        byte[] digest = Hashes.sha256(token);
        if (operatorKeyDigest.isPresent() && MessageDigest.isEqual(operatorKeyDigest.get(), digest)) {
            return new Operator();
        }
        var matcher = MERCHANT_KEY.matcher(token);
        if (!matcher.matches()) {
            throw unauthenticated();
        }
        String merchantId = matcher.group(1);
        String keyId = matcher.group(2);
        Optional<AdminKey> key = keys.find(merchantId, keyId);
        if (key.isEmpty() || !key.get().activeAt(clock.instant())
                || !MessageDigest.isEqual(HexFormat.of().parseHex(key.get().sha256Hex()), digest)) {
            throw unauthenticated();
        }
        return new MerchantCaller(merchantId, keyId);
    }

    /** Issues a new key for the merchant and stores its digest. */
    public IssuedKey issue(String merchantId) {
        byte[] id = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String plaintext = "lrk_" + merchantId + "." + HexFormat.of().formatHex(id) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        var key = new AdminKey(merchantId, HexFormat.of().formatHex(id), Hashes.sha256Hex(plaintext),
                plaintext.substring(plaintext.length() - 4), now, null);
        keys.save(key);
        return new IssuedKey(key, plaintext);
    }

    private static ApiProblem unauthenticated() {
        return new ApiProblem(401, "unauthenticated", "a valid admin key is required: Authorization: Bearer <key>");
    }
}
