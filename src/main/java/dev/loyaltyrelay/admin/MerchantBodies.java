package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.loyaltyrelay.domain.AdminKey;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.WebhookSecret;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The bodies of {@link MerchantsApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest
 * holds each record and its schema together).
 */
final class MerchantBodies {

    private MerchantBodies() {
    }

    /** PUT's body ({@code MerchantSettings} without its read-only fields): what is left out keeps its value. */
    @RegisterForReflection
    record MerchantSettingsChange(String defaultCountry, String timezone, String bodySignature, String bodySignatureScheme,
            Long timestampWindowMinutes, String repeatedBodies) {
    }

    /**
     * {@code MerchantSettings}: the settings, how many webhook secrets the merchant has, and what its authentic traffic's body
     * signatures matched ({@code bodySignatureEvidence}). {@code bodySignatureScheme} is the scheme {@code enforce} accepts.
     */
    @RegisterForReflection
    record MerchantSettings(String merchantId, String defaultCountry, String timezone, String bodySignature, String bodySignatureScheme,
            long timestampWindowMinutes, String repeatedBodies, int webhookSecrets, SignatureEvidence bodySignatureEvidence) {

        static MerchantSettings of(Merchant merchant, int webhookSecrets, SignatureEvidence evidence) {
            return new MerchantSettings(merchant.merchantId(), merchant.defaultCountry(), merchant.timezone().getId(),
                    merchant.signaturePolicy().name().toLowerCase(Locale.ROOT), merchant.enforcedScheme().wireName(),
                    merchant.timestampWindow().toMinutes(), merchant.repeatPolicy().name().toLowerCase(Locale.ROOT), webhookSecrets, evidence);
        }
    }

    /**
     * {@code SignatureEvidence}: across the merchant's authentic events of catalogue topics (secret hash right, timestamp in its
     * window), how many matched each candidate body-HMAC scheme and how many matched none. {@code readable} is false when the
     * store could not be read now (the counts are then zero, not known).
     */
    @RegisterForReflection
    record SignatureEvidence(List<SchemeEvidence> schemes, long mismatchedEvents, boolean readable) {
    }

    /** {@code SchemeEvidence}: one scheme's matches; a scheme with {@code matchedEvents} above zero may be enforced. */
    @RegisterForReflection
    record SchemeEvidence(String scheme, long matchedEvents, String firstMatchedAt, String lastMatchedAt) {
    }

    /** {@code NewWebhookSecret}: the secret pasted, or none to have one generated. */
    @RegisterForReflection
    record NewWebhookSecret(String secret) {
    }

    /** {@code RetireSecret}: now, or after some minutes. */
    @RegisterForReflection
    record RetireSecret(Long afterMinutes) {
    }

    /**
     * {@code WebhookSecret}, never its value; {@code secret} and {@code note} only in the answer that generated it,
     * {@code validSecrets} only in the answer that added it, {@code note} also when a retirement stays earlier.
     */
    @RegisterForReflection
    record WebhookSecretView(String secretId, String createdAt, String retiredAt, boolean valid,
            @JsonInclude(JsonInclude.Include.NON_NULL) String secret, @JsonInclude(JsonInclude.Include.NON_NULL) String note,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long validSecrets) {

        static WebhookSecretView of(WebhookSecret secret, Instant now) {
            return new WebhookSecretView(secret.secretId(), Fields.timestamp(secret.createdAt()), Fields.timestamp(secret.retiredAt()),
                    secret.isValidAt(now), null, null, null);
        }

        /** A secret just added: a generated one shown with its note, and how many secrets are valid now. */
        static WebhookSecretView added(WebhookSecret secret, Instant now, Optional<String> generated, long validSecrets) {
            return new WebhookSecretView(secret.secretId(), Fields.timestamp(secret.createdAt()), Fields.timestamp(secret.retiredAt()),
                    secret.isValidAt(now), generated.orElse(null),
                    generated.map(shown -> "shown once: paste it into Nector's webhook settings now").orElse(null), validSecrets);
        }

        WebhookSecretView withNote(String text) {
            return new WebhookSecretView(secretId, createdAt, retiredAt, valid, secret, text, validSecrets);
        }
    }

    /** {@code WebhookSecretList}. */
    @RegisterForReflection
    record WebhookSecretList(List<WebhookSecretView> webhookSecrets) {
    }

    /** An admin key, masked (an item of {@code AdminKeyList}). */
    @RegisterForReflection
    record AdminKeyView(String keyId, String masked, String createdAt, String revokedAt, boolean active) {

        static AdminKeyView of(AdminKey key, Instant now) {
            return new AdminKeyView(key.keyId(), "lrk_****" + key.lastFour(), Fields.timestamp(key.createdAt()), Fields.timestamp(key.revokedAt()),
                    key.activeAt(now));
        }
    }

    /** {@code AdminKeyList}. */
    @RegisterForReflection
    record AdminKeyList(List<AdminKeyView> adminKeys) {
    }

    /** {@code IssuedKey}: the new key, shown in this answer only. */
    @RegisterForReflection
    record IssuedKey(@JsonUnwrapped AdminKeyView view, String key, String note) {

        static IssuedKey of(AdminAuth.IssuedKey issued) {
            return new IssuedKey(AdminKeyView.of(issued.key(), issued.key().createdAt()), issued.plaintext(), "shown once: store it now");
        }
    }
}
