package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.application.ingest.IngestOutcome.BodySignature;
import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.Identifiers;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refused;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refusal;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.KnownMerchant;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.OpenedSecret;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.SignaturePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Whether a webhook comes from Nector for the merchant in its path: the merchant and its webhook secrets
 * ({@link MerchantDirectory}), the secret's hash, the timestamp's window and the body HMAC ({@link NectorSignature}).
 * Each refusal is counted by the check it failed.
 */
final class WebhookVerifier {

    private static final Logger LOG = Logger.getLogger(WebhookVerifier.class);

    /**
     * The request is the merchant's; {@code signature} says what was made of its body HMAC, {@code scheme} under which
     * candidate it matched (empty when none did).
     */
    record Authentic(KnownMerchant merchant, BodySignature signature, Optional<BodySignatureScheme> scheme) {
    }

    private final MerchantDirectory merchants;
    private final IngestCounters counters;

    WebhookVerifier(MerchantDirectory merchants, IngestCounters counters) {
        this.merchants = merchants;
        this.counters = counters;
    }

    /**
     * @throws WebhookRequest.AmbiguousHeader when a header it reads is repeated with different values
     * @throws dev.loyaltyrelay.domain.SecretCipher.KeyServiceUnavailable when the merchant's secrets cannot be opened now
     */
    Step<Authentic> verify(WebhookRequest request, Instant now) {
        String merchantId = request.merchantId();
        if (!Identifiers.isValid(merchantId)) {
            return Step.stop(unknownMerchant());
        }
        Optional<KnownMerchant> found = merchants.find(merchantId);
        if (found.isEmpty()) {
            return Step.stop(unknownMerchant());
        }
        KnownMerchant known = found.get();
        Merchant merchant = known.configuration().merchant();
        List<OpenedSecret> secrets = known.validSecrets(now);
        boolean unreadableSecret = known.hasUnreadableValidSecret(now);
        if (secrets.isEmpty() && !unreadableSecret) {
            return Step.stop(refuse(merchantId, Refusal.MERCHANT, "the merchant has no webhook secret set"));
        }

        Optional<String> secretAlgorithm = request.single(NectorHeaders.SECRET_HASH_ALGO);
        if (secretAlgorithm.isPresent() && !NectorSignature.SUPPORTED_ALGORITHM.equalsIgnoreCase(secretAlgorithm.get())) {
            return Step.stop(refuse(merchantId, Refusal.SECRET_HASH, "unsupported " + NectorHeaders.SECRET_HASH_ALGO + "; expected sha256"));
        }
        Optional<String> secretHash = request.single(NectorHeaders.SECRET_HASH);
        if (secretHash.isEmpty()) {
            return Step.stop(refuse(merchantId, Refusal.SECRET_HASH, NectorHeaders.SECRET_HASH + " is missing"));
        }
        Optional<OpenedSecret> matched = secrets.stream()
                .filter(s -> NectorSignature.secretHashMatches(secretHash.get(), s.sha256()))
                .findFirst();
        if (matched.isEmpty() && unreadableSecret) {
            // Not secret_hash: the request may well be signed with the secret the relay cannot read, and no retry helps.
            return Step.stop(refuse(merchantId, Refusal.SECRET_UNREADABLE, "a webhook secret of this merchant no longer opens in the relay;"
                    + " set a new secret in the relay and in Nector"));
        }
        if (matched.isEmpty()) {
            return Step.stop(refuse(merchantId, Refusal.SECRET_HASH, NectorHeaders.SECRET_HASH + " does not match a webhook secret of this merchant"));
        }

        Optional<Instant> sentAt = request.single(NectorHeaders.TIMESTAMP).flatMap(NectorSignature::parseTimestamp);
        if (sentAt.isEmpty()) {
            return Step.stop(refuse(merchantId, Refusal.TIMESTAMP, NectorHeaders.TIMESTAMP + " is missing or not unix seconds"));
        }
        if (Duration.between(sentAt.get(), now).abs().compareTo(merchant.timestampWindow()) > 0) {
            return Step.stop(refuse(merchantId, Refusal.TIMESTAMP, NectorHeaders.TIMESTAMP + " is outside the accepted window of "
                    + merchant.timestampWindow().toMinutes() + " minutes"));
        }

        Optional<String> hmacAlgorithm = request.single(NectorHeaders.BODY_HMAC_ALGO);
        boolean enforced = merchant.signaturePolicy() == SignaturePolicy.ENFORCE;
        // The scheme the merchant's traffic matched before is tried first: most events stop there.
        Optional<BodySignatureScheme> scheme = hmacAlgorithm.isEmpty() || NectorSignature.SUPPORTED_ALGORITHM.equalsIgnoreCase(hmacAlgorithm.get())
                ? NectorSignature.matchingScheme(request.single(NectorHeaders.BODY_HMAC).orElse(null), matched.get().secret(), request.body(),
                        merchant.enforcedScheme())
                : Optional.empty();
        // Enforcing, only the scheme the merchant's traffic matched counts: the SDK's scheme cannot tell a body from its anagrams.
        if (scheme.isPresent() && (!enforced || scheme.get() == merchant.enforcedScheme())) {
            return Step.proceed(new Authentic(known, BodySignature.VERIFIED, scheme));
        }
        counters.bodySignatureMismatch(merchant.signaturePolicy());
        if (enforced) {
            return Step.stop(refuse(merchantId, Refusal.BODY_HMAC, NectorHeaders.BODY_HMAC + " does not match the body"));
        }
        LOG.infof("ingest: body HMAC mismatch recorded, not enforced (merchant %s)", merchantId);
        return Step.proceed(new Authentic(known, BodySignature.MISMATCH_RECORDED, Optional.empty()));
    }

    /** No merchant with the id: counted under {@code unknown}, since made-up ids would each become a new CloudWatch metric. */
    Refused unknownMerchant() {
        return refuse("unknown", Refusal.MERCHANT, "no merchant with this id");
    }

    private Refused refuse(String merchantId, Refusal refusal, String message) {
        counters.refused(refusal);
        return new Refused(refusal, message);
    }
}
