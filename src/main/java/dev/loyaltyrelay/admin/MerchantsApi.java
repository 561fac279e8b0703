package dev.loyaltyrelay.admin;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.loyaltyrelay.domain.Identifiers;
import dev.loyaltyrelay.admin.MerchantBodies.AdminKeyList;
import dev.loyaltyrelay.admin.MerchantBodies.AdminKeyView;
import dev.loyaltyrelay.admin.MerchantBodies.IssuedKey;
import dev.loyaltyrelay.admin.MerchantBodies.MerchantSettings;
import dev.loyaltyrelay.admin.MerchantBodies.MerchantSettingsChange;
import dev.loyaltyrelay.admin.MerchantBodies.NewWebhookSecret;
import dev.loyaltyrelay.admin.MerchantBodies.RetireSecret;
import dev.loyaltyrelay.admin.MerchantBodies.SchemeEvidence;
import dev.loyaltyrelay.admin.MerchantBodies.SignatureEvidence;
import dev.loyaltyrelay.admin.MerchantBodies.WebhookSecretList;
import dev.loyaltyrelay.admin.MerchantBodies.WebhookSecretView;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.AdminKey;
import dev.loyaltyrelay.domain.AdminKeyStore;
import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.ObservedTopic;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.TrafficObservations;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Merchant settings, webhook secrets and admin keys. */
@ApplicationScoped
public class MerchantsApi {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ConfigurationStore store;
    private final AdminKeyStore keys;
    private final AdminAuth auth;
    private final ConfigurationSecrets secrets;
    private final Clock clock;
    private final RelayConfig.MerchantDefaults defaults;
    private final TrafficObservations observations;

    MerchantsApi(ConfigurationStore store, AdminKeyStore keys, AdminAuth auth, ConfigurationSecrets secrets, Clock clock,
            RelayConfig config, TrafficObservations observations) {
        this.store = store;
        this.keys = keys;
        this.auth = auth;
        this.secrets = secrets;
        this.clock = clock;
        this.defaults = config.merchantDefaults();
        this.observations = observations;
    }

    AdminResponse<MerchantSettings> putSettings(AdminRequest<MerchantSettingsChange> request) {
        String merchantId = request.merchantId();
        if (!Identifiers.isValid(merchantId)) {
            throw ApiProblem.invalid("merchantId", "letters, digits, _ and -, at most 64");
        }
        Optional<MerchantConfiguration> current = store.load(merchantId);
        if (current.isEmpty() && !(request.caller() instanceof AdminAuth.Operator)) {
            throw new ApiProblem(403, "forbidden", "only the operator creates merchants");
        }
        MerchantSettingsChange change = request.body();
        Merchant base = current.map(MerchantConfiguration::merchant).orElseGet(() -> new Merchant(merchantId, defaults.defaultCountry(),
                defaults.timezone(), defaults.bodySignature(), defaults.timestampWindow(), defaults.repeatedBodies()));
        String country = Fields.text("defaultCountry", change.defaultCountry(), 2).map(c -> c.toUpperCase(Locale.ROOT))
                .orElse(base.defaultCountry());
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(country)) {
            throw ApiProblem.invalid("defaultCountry", "an ISO 3166 region with a phone numbering plan, e.g. IN");
        }
        ZoneId timezone = Fields.text("timezone", change.timezone(), 64).map(MerchantsApi::zone).orElse(base.timezone());
        SignaturePolicy signature = Fields.choice("bodySignature", change.bodySignature(), MerchantsApi::signaturePolicy, "record, enforce")
                .orElse(base.signaturePolicy());
        Optional<BodySignatureScheme> askedScheme = Fields.choice("bodySignatureScheme", change.bodySignatureScheme(),
                BodySignatureScheme::fromWireName, "raw_body, sorted_urlencoded");
        Duration window = Fields.whole("timestampWindowMinutes", change.timestampWindowMinutes(), 5, 24 * 60).map(Duration::ofMinutes)
                .orElse(base.timestampWindow());
        RepeatPolicy repeats = Fields.choice("repeatedBodies", change.repeatedBodies(), MerchantsApi::repeatPolicy, "count, drop")
                .orElse(base.repeatPolicy());
        SignatureEvidence evidence = evidence(merchantId);
        BodySignatureScheme scheme = enforcedScheme(base, signature, askedScheme, evidence, current.isPresent());
        Merchant merchant = new Merchant(merchantId, country, timezone, signature, window, repeats, base.topicCategories(), base.marketingLimits(),
                scheme);
        store.saveMerchant(merchant);
        return current.isEmpty() ? AdminResponse.created(MerchantSettings.of(merchant, 0, evidence))
                : AdminResponse.ok(MerchantSettings.of(merchant, current.get().webhookSecrets().size(), evidence));
    }

    /**
     * The scheme {@code enforce} will accept. Enforcement is switched on only for a scheme that matched the merchant's
     * authentic traffic (the one that matched, or the one asked for among those that did): until then the relay cannot
     * know which scheme Nector signs with, and enforcing the wrong one would refuse every real event. A merchant already
     * enforcing a scheme keeps it without new evidence (a GET's answer can be sent back), and so does one created with an
     * operator's default of {@code enforce} (the operator's decision, on the raw-body scheme).
     */
    private static BodySignatureScheme enforcedScheme(Merchant base, SignaturePolicy signature, Optional<BodySignatureScheme> asked,
            SignatureEvidence evidence, boolean exists) {
        if (signature != SignaturePolicy.ENFORCE) {
            return asked.orElse(base.enforcedScheme());
        }
        boolean alreadyEnforced = !exists || base.signaturePolicy() == SignaturePolicy.ENFORCE;
        if (alreadyEnforced && asked.map(scheme -> scheme == base.enforcedScheme()).orElse(true)) {
            return base.enforcedScheme();
        }
        if (!evidence.readable()) {
            throw new ApiProblem(503, "store_unavailable", "what the merchant's traffic matched could not be read now; retry");
        }
        List<BodySignatureScheme> matched = evidence.schemes().stream().filter(e -> e.matchedEvents() > 0)
                .map(e -> BodySignatureScheme.fromWireName(e.scheme()).orElseThrow()).toList();
        if (asked.isPresent()) {
            if (!matched.contains(asked.get())) {
                throw new ApiProblem(409, "signature_scheme_unproven", "no authentic event of this merchant has matched this scheme yet",
                        List.of(new ApiProblem.FieldError("bodySignatureScheme", asked.get().wireName() + " has matched no authentic event;"
                                + " matched so far: " + names(matched))));
            }
            return asked.get();
        }
        if (matched.isEmpty()) {
            throw new ApiProblem(409, "signature_scheme_unproven", "enforcement waits until a body-HMAC scheme has matched the merchant's"
                    + " authentic traffic; see bodySignatureEvidence",
                    List.of(new ApiProblem.FieldError("bodySignature", "no authentic event's body HMAC has matched a scheme yet")));
        }
        if (matched.size() > 1) {
            throw new ApiProblem(409, "signature_scheme_ambiguous", "authentic events matched more than one scheme; name the one to enforce",
                    List.of(new ApiProblem.FieldError("bodySignatureScheme", "required: one of " + names(matched))));
        }
        return matched.get(0);
    }

    private static String names(List<BodySignatureScheme> schemes) {
        return schemes.isEmpty() ? "none" : String.join(", ", schemes.stream().map(BodySignatureScheme::wireName).toList());
    }

    /** What the merchant's authentic traffic matched, summed over its topics; unreadable (not failing the call) when the store is down. */
    private SignatureEvidence evidence(String merchantId) {
        List<ObservedTopic> topics;
        try {
            topics = observations.list(merchantId);
        } catch (StoreUnavailable e) {
            return new SignatureEvidence(List.of(BodySignatureScheme.values()).stream()
                    .map(scheme -> new SchemeEvidence(scheme.wireName(), 0, null, null)).toList(), 0, false);
        }
        List<SchemeEvidence> schemes = new ArrayList<>();
        for (BodySignatureScheme scheme : BodySignatureScheme.values()) {
            long events = 0;
            Instant first = null;
            Instant last = null;
            for (ObservedTopic topic : topics) {
                ObservedTopic.SchemeMatches matches = topic.signatureMatches().get(scheme);
                if (matches != null) {
                    events += matches.events();
                    first = first == null || (matches.first() != null && matches.first().isBefore(first)) ? matches.first() : first;
                    last = last == null || (matches.last() != null && matches.last().isAfter(last)) ? matches.last() : last;
                }
            }
            schemes.add(new SchemeEvidence(scheme.wireName(), events, Fields.timestamp(first), Fields.timestamp(last)));
        }
        return new SignatureEvidence(schemes, topics.stream().mapToLong(ObservedTopic::signatureMismatch).sum(), true);
    }

    AdminResponse<MerchantSettings> getSettings(AdminRequest<Void> request) {
        MerchantConfiguration configuration = request.merchant();
        return AdminResponse.ok(MerchantSettings.of(configuration.merchant(), configuration.webhookSecrets().size(),
                evidence(configuration.merchant().merchantId())));
    }

    AdminResponse<WebhookSecretView> addSecret(AdminRequest<NewWebhookSecret> request) {
        MerchantConfiguration configuration = request.merchant();
        Optional<String> pasted = Fields.text("secret", request.body().secret(), 256);
        if (pasted.isPresent() && pasted.get().length() < 16) {
            throw ApiProblem.invalid("secret", "at least 16 characters");
        }
        String secret = pasted.orElseGet(MerchantsApi::generatedSecret);
        String digest = Hashes.sha256Hex(secret);
        for (WebhookSecret existing : configuration.webhookSecrets()) {
            if (MessageDigest.isEqual(digest.getBytes(StandardCharsets.US_ASCII), existing.sha256Hex().getBytes(StandardCharsets.US_ASCII))) {
                // Pasting a retired secret again must not revive it: retirement is how a leaked secret is revoked.
                throw existing.retiredAt() != null
                        ? new ApiProblem(409, "secret_retired", "this secret was retired and cannot be used again; choose a new one")
                        : new ApiProblem(409, "secret_exists", "this secret is already one of the merchant's webhook secrets");
            }
        }
        String secretId = "s" + HexFormat.of().formatHex(randomBytes(4));
        var sealed = secrets.sealWebhookSecret(request.merchantId(), secretId, secret);
        Instant now = clock.instant();
        store.saveWebhookSecret(request.merchantId(), new WebhookSecret(secretId, digest, sealed, now, null));
        long validSecrets = configuration.webhookSecrets().stream().filter(s -> s.isValidAt(now)).count() + 1;
        return AdminResponse.created(WebhookSecretView.added(new WebhookSecret(secretId, "", sealed, now, null), now,
                pasted.isEmpty() ? Optional.of(secret) : Optional.empty(), validSecrets));
    }

    AdminResponse<WebhookSecretList> listSecrets(AdminRequest<Void> request) {
        Instant now = clock.instant();
        return AdminResponse.ok(new WebhookSecretList(request.merchant().webhookSecrets().stream()
                .map(s -> WebhookSecretView.of(s, now)).toList()));
    }

    AdminResponse<WebhookSecretView> retireSecret(AdminRequest<RetireSecret> request) {
        MerchantConfiguration configuration = request.merchant();
        String secretId = request.path("secretId");
        Instant now = clock.instant();
        Instant at = now.plus(Duration.ofMinutes(Fields.whole("afterMinutes", request.body().afterMinutes(), 0, 7 * 24 * 60).orElse(0L)));
        for (int attempt = 1; ; attempt++) {
            WebhookSecret secret = configuration.webhookSecrets().stream().filter(s -> s.secretId().equals(secretId)).findFirst()
                    .orElseThrow(() -> ApiProblem.notFound("webhook secret"));
            if (secret.retiredAt() != null && !secret.retiredAt().isAfter(at)) {
                // Retiring is how a leaked secret is revoked: a later time must never revive it.
                return AdminResponse.ok(WebhookSecretView.of(secret, now)
                        .withNote("already retired at or before that time; a retirement only moves earlier"));
            }
            // Only a secret with no retirement scheduled stays valid at every future instant.
            WebhookSecret keeper = configuration.webhookSecrets().stream().filter(s -> !s.secretId().equals(secretId) && s.retiredAt() == null)
                    .findFirst().orElseThrow(() -> new ApiProblem(409, "last_valid_secret",
                            "every other secret is retired or scheduled to retire; add a new secret before retiring this one"));
            if (store.retireWebhookSecret(request.merchantId(), secretId, at, keeper.secretId())) {
                return AdminResponse.ok(WebhookSecretView.of(new WebhookSecret(secret.secretId(), secret.sha256Hex(), secret.sealed(),
                        secret.createdAt(), at), now));
            }
            if (attempt == 3) {
                throw new ApiProblem(409, "concurrent_change", "the merchant's secrets kept changing during the call; retry");
            }
            configuration = request.merchant();
        }
    }

    AdminResponse<IssuedKey> issueKey(AdminRequest<Void> request) {
        request.merchant();
        return AdminResponse.created(IssuedKey.of(auth.issue(request.merchantId())));
    }

    AdminResponse<AdminKeyList> listKeys(AdminRequest<Void> request) {
        request.merchant();
        Instant now = clock.instant();
        return AdminResponse.ok(new AdminKeyList(keys.list(request.merchantId()).stream().map(k -> AdminKeyView.of(k, now)).toList()));
    }

    AdminResponse<IssuedKey> rotateKey(AdminRequest<Void> request) {
        AdminKey old = activeKey(request);
        var issued = auth.issue(request.merchantId());
        keys.save(new AdminKey(old.merchantId(), old.keyId(), old.sha256Hex(), old.lastFour(), old.createdAt(), clock.instant()));
        return AdminResponse.created(IssuedKey.of(issued));
    }

    AdminResponse<Void> revokeKey(AdminRequest<Void> request) {
        AdminKey key = activeKey(request);
        keys.save(new AdminKey(key.merchantId(), key.keyId(), key.sha256Hex(), key.lastFour(), key.createdAt(), clock.instant()));
        return AdminResponse.noContent();
    }

    private AdminKey activeKey(AdminRequest<Void> request) {
        return keys.find(request.merchantId(), request.path("keyId")).filter(k -> k.activeAt(clock.instant()))
                .orElseThrow(() -> ApiProblem.notFound("active admin key"));
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
