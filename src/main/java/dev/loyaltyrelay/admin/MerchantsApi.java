package dev.loyaltyrelay.admin;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.loyaltyrelay.admin.AdminRoutes.Route;
import dev.loyaltyrelay.domain.AdminKey;
import dev.loyaltyrelay.domain.AdminKeyStore;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.WebhookSecret;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.NectorSignature;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Merchant settings, webhook secrets and admin keys. */
@ApplicationScoped
public class MerchantsApi {

    static final String BASE = "/v1/admin/merchants/{merchantId}";
    private static final Pattern MERCHANT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConfigurationStore store;
    private final AdminKeyStore keys;
    private final AdminAuth auth;
    private final SecretCipher cipher;
    private final MerchantDirectory directory;
    private final Clock clock;

    MerchantsApi(ConfigurationStore store, AdminKeyStore keys, AdminAuth auth, SecretCipher cipher, MerchantDirectory directory, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.auth = auth;
        this.cipher = cipher;
        this.directory = directory;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(
                Route.merchant("PUT", BASE, this::putSettings),
                Route.merchant("GET", BASE, this::getSettings),
                Route.merchant("POST", BASE + "/webhook-secrets", this::addSecret),
                Route.merchant("GET", BASE + "/webhook-secrets", this::listSecrets),
                Route.merchant("POST", BASE + "/webhook-secrets/{secretId}/retire", this::retireSecret),
                Route.merchant("POST", BASE + "/admin-keys", this::issueKey),
                Route.merchant("GET", BASE + "/admin-keys", this::listKeys),
                Route.merchant("POST", BASE + "/admin-keys/{keyId}/rotate", this::rotateKey),
                Route.merchant("DELETE", BASE + "/admin-keys/{keyId}", this::revokeKey));
    }

    /** The merchant's configuration, or 404. */
    MerchantConfiguration existing(String merchantId) {
        return store.load(merchantId).orElseThrow(() -> ApiProblem.notFound("merchant"));
    }

    private AdminResponse putSettings(AdminRequest request) {
        String merchantId = request.merchantId();
        if (!MERCHANT_ID.matcher(merchantId).matches()) {
            throw ApiProblem.invalid("merchantId", "letters, digits, _ and -, at most 64");
        }
        Optional<MerchantConfiguration> current = store.load(merchantId);
        if (current.isEmpty() && !(request.caller() instanceof AdminAuth.Operator)) {
            throw new ApiProblem(403, "forbidden", "only the operator creates merchants");
        }
        Fields fields = Fields.of(request.body())
                .only(Set.of("defaultCountry", "timezone", "bodySignature", "timestampWindowMinutes", "repeatedBodies"));
        Merchant base = current.map(MerchantConfiguration::merchant)
                .orElse(new Merchant(merchantId, "IN", ZoneId.of("Asia/Kolkata"), SignaturePolicy.RECORD, Duration.ofHours(6), RepeatPolicy.COUNT));
        String country = fields.optionalText("defaultCountry", 2).map(c -> c.toUpperCase(Locale.ROOT)).orElse(base.defaultCountry());
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(country)) {
            throw ApiProblem.invalid("defaultCountry", "an ISO 3166 region with a phone numbering plan, e.g. IN");
        }
        ZoneId timezone = fields.optionalText("timezone", 64).map(MerchantsApi::zone).orElse(base.timezone());
        SignaturePolicy signature = fields.optionalChoice("bodySignature", MerchantsApi::signaturePolicy, "record, enforce")
                .orElse(base.signaturePolicy());
        Duration window = fields.optionalWhole("timestampWindowMinutes", 5, 24 * 60).map(Duration::ofMinutes).orElse(base.timestampWindow());
        RepeatPolicy repeats = fields.optionalChoice("repeatedBodies", MerchantsApi::repeatPolicy, "count, drop").orElse(base.repeatPolicy());
        Merchant merchant = new Merchant(merchantId, country, timezone, signature, window, repeats);
        store.saveMerchant(merchant);
        directory.invalidateAll();
        return current.isEmpty() ? AdminResponse.created(settings(merchant, List.of())) : AdminResponse.ok(settings(merchant, current.get().webhookSecrets()));
    }

    private AdminResponse getSettings(AdminRequest request) {
        MerchantConfiguration configuration = existing(request.merchantId());
        return AdminResponse.ok(settings(configuration.merchant(), configuration.webhookSecrets()));
    }

    private AdminResponse addSecret(AdminRequest request) {
        MerchantConfiguration configuration = existing(request.merchantId());
        Fields fields = Fields.optionalBody(request.body()).only(Set.of("secret"));
        Optional<String> pasted = fields.optionalText("secret", 256);
        if (pasted.isPresent() && pasted.get().length() < 16) {
            throw ApiProblem.invalid("secret", "at least 16 characters");
        }
        String secret = pasted.orElseGet(MerchantsApi::generatedSecret);
        String digest = NectorSignature.hexSha256(secret);
        for (WebhookSecret existing : configuration.webhookSecrets()) {
            if (java.security.MessageDigest.isEqual(digest.getBytes(StandardCharsets.US_ASCII), existing.sha256Hex().getBytes(StandardCharsets.US_ASCII))) {
                // Pasting a retired secret again must not revive it: retirement is how a leaked secret is revoked.
                throw existing.retiredAt() != null
                        ? new ApiProblem(409, "secret_retired", "this secret was retired and cannot be used again; choose a new one")
                        : new ApiProblem(409, "secret_exists", "this secret is already one of the merchant's webhook secrets");
            }
        }
        String secretId = "s" + HexFormat.of().formatHex(randomBytes(4));
        var sealed = cipher.seal(secret.getBytes(StandardCharsets.UTF_8), EncryptionContext.forWebhookSecret(request.merchantId(), secretId));
        Instant now = clock.instant();
        store.saveWebhookSecret(request.merchantId(), new WebhookSecret(secretId, digest, sealed, now, null));
        directory.invalidateAll();
        var body = new LinkedHashMap<String, Object>(secretView(new WebhookSecret(secretId, "", sealed, now, null), now));
        if (pasted.isEmpty()) {
            body.put("secret", secret);
            body.put("note", "shown once: paste it into Nector's webhook settings now");
        }
        body.put("validSecrets", configuration.webhookSecrets().stream().filter(s -> s.isValidAt(now)).count() + 1);
        return AdminResponse.created(body);
    }

    private AdminResponse listSecrets(AdminRequest request) {
        Instant now = clock.instant();
        return AdminResponse.ok(Map.of("webhookSecrets", existing(request.merchantId()).webhookSecrets().stream().map(s -> secretView(s, now)).toList()));
    }

    private AdminResponse retireSecret(AdminRequest request) {
        MerchantConfiguration configuration = existing(request.merchantId());
        String secretId = request.path("secretId");
        Fields fields = Fields.optionalBody(request.body()).only(Set.of("afterMinutes"));
        Instant now = clock.instant();
        Instant at = now.plus(Duration.ofMinutes(fields.optionalWhole("afterMinutes", 0, 7 * 24 * 60).orElse(0L)));
        for (int attempt = 1; ; attempt++) {
            WebhookSecret secret = configuration.webhookSecrets().stream().filter(s -> s.secretId().equals(secretId)).findFirst()
                    .orElseThrow(() -> ApiProblem.notFound("webhook secret"));
            if (secret.retiredAt() != null && !secret.retiredAt().isAfter(at)) {
                // Retiring is how a leaked secret is revoked: a later time must never revive it.
                var body = new LinkedHashMap<String, Object>(secretView(secret, now));
                body.put("note", "already retired at or before that time; a retirement only moves earlier");
                return AdminResponse.ok(body);
            }
            // Only a secret with no retirement scheduled stays valid at every future instant.
            WebhookSecret keeper = configuration.webhookSecrets().stream().filter(s -> !s.secretId().equals(secretId) && s.retiredAt() == null)
                    .findFirst().orElseThrow(() -> new ApiProblem(409, "last_valid_secret",
                            "every other secret is retired or scheduled to retire; add a new secret before retiring this one"));
            if (store.retireWebhookSecret(request.merchantId(), secretId, at, keeper.secretId())) {
                directory.invalidateAll();
                return AdminResponse.ok(secretView(new WebhookSecret(secret.secretId(), secret.sha256Hex(), secret.sealed(), secret.createdAt(), at), now));
            }
            if (attempt == 3) {
                throw new ApiProblem(409, "concurrent_change", "the merchant's secrets kept changing during the call; retry");
            }
            configuration = existing(request.merchantId());
        }
    }

    private AdminResponse issueKey(AdminRequest request) {
        existing(request.merchantId());
        var issued = auth.issue(request.merchantId());
        return AdminResponse.created(issuedView(issued));
    }

    private AdminResponse listKeys(AdminRequest request) {
        existing(request.merchantId());
        Instant now = clock.instant();
        return AdminResponse.ok(Map.of("adminKeys", keys.list(request.merchantId()).stream().map(k -> keyView(k, now)).toList()));
    }

    private AdminResponse rotateKey(AdminRequest request) {
        AdminKey old = activeKey(request);
        var issued = auth.issue(request.merchantId());
        keys.save(new AdminKey(old.merchantId(), old.keyId(), old.sha256Hex(), old.lastFour(), old.createdAt(), clock.instant()));
        return AdminResponse.created(issuedView(issued));
    }

    private AdminResponse revokeKey(AdminRequest request) {
        AdminKey key = activeKey(request);
        keys.save(new AdminKey(key.merchantId(), key.keyId(), key.sha256Hex(), key.lastFour(), key.createdAt(), clock.instant()));
        return AdminResponse.noContent();
    }

    private AdminKey activeKey(AdminRequest request) {
        return keys.find(request.merchantId(), request.path("keyId")).filter(k -> k.activeAt(clock.instant()))
                .orElseThrow(() -> ApiProblem.notFound("active admin key"));
    }

    static Map<String, Object> settings(Merchant merchant, List<WebhookSecret> secrets) {
        var body = new LinkedHashMap<String, Object>();
        body.put("merchantId", merchant.merchantId());
        body.put("defaultCountry", merchant.defaultCountry());
        body.put("timezone", merchant.timezone().getId());
        body.put("bodySignature", merchant.signaturePolicy().name().toLowerCase(Locale.ROOT));
        body.put("timestampWindowMinutes", merchant.timestampWindow().toMinutes());
        body.put("repeatedBodies", merchant.repeatPolicy().name().toLowerCase(Locale.ROOT));
        body.put("webhookSecrets", secrets.size());
        return body;
    }

    private static Map<String, Object> secretView(WebhookSecret secret, Instant now) {
        var body = new LinkedHashMap<String, Object>();
        body.put("secretId", secret.secretId());
        body.put("createdAt", secret.createdAt().toString());
        body.put("retiredAt", secret.retiredAt() == null ? null : secret.retiredAt().toString());
        body.put("valid", secret.isValidAt(now));
        return body;
    }

    private static Map<String, Object> issuedView(AdminAuth.IssuedKey issued) {
        var body = new LinkedHashMap<String, Object>(keyView(issued.key(), issued.key().createdAt()));
        body.put("key", issued.plaintext());
        body.put("note", "shown once: store it now");
        return body;
    }

    private static Map<String, Object> keyView(AdminKey key, Instant now) {
        var body = new LinkedHashMap<String, Object>();
        body.put("keyId", key.keyId());
        body.put("masked", "lrk_****" + key.lastFour());
        body.put("createdAt", key.createdAt().toString());
        body.put("revokedAt", key.revokedAt() == null ? null : key.revokedAt().toString());
        body.put("active", key.activeAt(now));
        return body;
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw ApiProblem.invalid("timezone", "an IANA timezone, e.g. Asia/Kolkata");
        }
    }

    private static Optional<SignaturePolicy> signaturePolicy(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "record" -> Optional.of(SignaturePolicy.RECORD);
            case "enforce" -> Optional.of(SignaturePolicy.ENFORCE);
            default -> Optional.empty();
        };
    }

    private static Optional<RepeatPolicy> repeatPolicy(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "count" -> Optional.of(RepeatPolicy.COUNT);
            case "drop" -> Optional.of(RepeatPolicy.DROP);
            default -> Optional.empty();
        };
    }

    private static String generatedSecret() {
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
