package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * Merchants, webhook secrets, integrations and mappings. Reads everything of one merchant in one round trip.
 * Methods throw {@link StoreUnavailable} when the store cannot be reached.
 */
public interface ConfigurationStore {

    Optional<MerchantConfiguration> load(String merchantId);

    void saveMerchant(Merchant merchant);

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

    /** Flags an integration as needing the merchant's attention, keeping the time of the first flag. */
    void markAttention(String merchantId, String integrationId, Integration.Attention attention);

    /** Clears the flag if it is still for {@code reason} (the cause went away). */
    void clearAttention(String merchantId, String integrationId, String reason);

    void saveMapping(String merchantId, EventMapping mapping);

    /** Deletes the integration and every mapping of it. */
    void deleteIntegration(String merchantId, String integrationId);

    void deleteMapping(String merchantId, String integrationId, String mappingId);
}
