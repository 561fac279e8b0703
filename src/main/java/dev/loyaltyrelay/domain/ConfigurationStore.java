package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * Merchants, webhook secrets, integrations and mappings. Reads everything of one merchant in one round trip.
 * Every write that changes a merchant's configuration also changes its {@link #version}, after the change, so a
 * cache that read the version before loading never keeps an older configuration under a newer version.
 * Methods throw {@link StoreUnavailable} when the store cannot be reached.
 */
public interface ConfigurationStore {

    /** Everything of the merchant, read consistently (a write acknowledged before the call is in it). */
    Optional<MerchantConfiguration> load(String merchantId);

    /**
     * The merchant's configuration version, read consistently in one small read: a token that differs after every
     * change (never reused, so a merchant deleted and created again cannot match an old one). Empty when the merchant
     * has never been written.
     */
    Optional<String> version(String merchantId);

    /**
     * Writes the merchant's settings, creating the merchant if it is new. Its topic categories are not written here, so a
     * settings change made from an older read cannot undo a category change made meanwhile ({@link #saveTopicCategories}).
     */
    void saveMerchant(Merchant merchant);

    /** Replaces the merchant's topic category overrides, and nothing else of it. */
    void saveTopicCategories(String merchantId, java.util.Map<String, TopicCategory> overrides);

    /** Replaces the merchant's frequency cap and quiet hours, and nothing else of it. */
    void saveMarketingLimits(String merchantId, MarketingLimits limits);

    void saveWebhookSecret(String merchantId, WebhookSecret secret);

    /**
     * Retires a webhook secret at {@code at}, in one conditional write that also requires {@code keeperSecretId}
     * to have no retirement scheduled: two retirements racing cannot leave the merchant without a secret that stays
     * valid, and a retirement only ever moves earlier.
     *
     * @return false, having written nothing, when the secret is already retired at or before {@code at}, or the
     *         keeper has a retirement by now (read again and decide again)
     */
    boolean retireWebhookSecret(String merchantId, String secretId, Instant at, String keeperSecretId);

    void saveIntegration(Integration integration);

    /**
     * Flags the integration's credentials as refused by the provider, only if they are still the ones the refused
     * request was made with ({@code used}): a warm function refused with credentials the merchant has since replaced
     * flags nothing. Refused credentials replace any other flag; the time of the first flag is kept.
     */
    default RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, java.time.Instant since) {
        return flagRefusedCredentials(merchantId, integrationId, used, DeliveryOutcome.Rejected.CREDENTIALS_REFUSED, since);
    }

    /**
     * {@link #flagRefusedCredentials(String, String, SealedSecret, java.time.Instant)} with the provider's own reason for
     * refusing the integration ({@code meta_190}, an expired token; {@code meta_131031}, a locked account; ...). A flag
     * that stops sending is kept, with its reason and time, until the merchant initializes the integration again; only a
     * {@code provider_failing} flag is replaced.
     */
    RefusalFlag flagRefusedCredentials(String merchantId, String integrationId, SealedSecret used, String reason, java.time.Instant since);

    /** What {@link #flagRefusedCredentials} found. */
    enum RefusalFlag {
        /** Flagged now. */
        FLAGGED,
        /** Already flagged for refused credentials (the first time is kept). */
        ALREADY_FLAGGED,
        /** The merchant replaced the credentials since: the refusal was of the old ones, nothing is flagged. */
        CREDENTIALS_REPLACED,
        /** The integration no longer exists. */
        INTEGRATION_GONE
    }

    /**
     * Flags an integration as needing the merchant's attention (only if it has no flag yet, or the new flag is refused
     * credentials, which replaces any other), keeping the time of the first flag.
     *
     * @return whether the flag was written now
     */
    boolean markAttention(String merchantId, String integrationId, Integration.Attention attention);

    /** Clears the flag if it is still for {@code reason} (the cause went away). */
    void clearAttention(String merchantId, String integrationId, String reason);

    /**
     * Saves the mapping whole, as the merchant gave it: an attention flag it had is cleared (the merchant fixed the
     * template, or says so by saving it).
     */
    void saveMapping(String merchantId, EventMapping mapping);

    /**
     * Flags a mapping as needing the merchant's attention, only if it exists and has no flag yet (the first reason and
     * time are kept).
     *
     * @return whether the flag was written now
     */
    boolean flagMapping(String merchantId, String integrationId, String mappingId, String refusedTemplateId, EventMapping.Attention attention);

    /** Saves a new mapping unless one with its id exists (two creations at once: one wins); returns whether it was saved. */
    boolean createMapping(String merchantId, EventMapping mapping);

    /** Turns an existing integration on or off, leaving everything else of it (its attention flag included) as it is. */
    void setEnabled(String merchantId, String integrationId, boolean enabled);

    /** Deletes the integration and every mapping of it. */
    void deleteIntegration(String merchantId, String integrationId);

    void deleteMapping(String merchantId, String integrationId, String mappingId);
}
