package dev.loyaltyrelay.domain;

import java.util.Optional;

/** The store's customer database. Methods throw {@link StoreUnavailable} when the store cannot be reached. */
public interface CustomerStore {

    /** What an upsert did. */
    enum UpsertResult { CREATED_OR_CHANGED, UNCHANGED }

    /** Writes the profile unless the stored one is identical. */
    UpsertResult upsert(CustomerProfile profile);

    Optional<CustomerProfile> findByMobile(String merchantId, String e164);

    Optional<CustomerProfile> findByEmail(String merchantId, String email);

    /** Every customer record of the merchant that carries this mobile (E.164) or email (lower-cased), all pages. */
    java.util.List<CustomerProfile> withAddress(String merchantId, Recipient address);

    /** Deletes the customer's record (erasure on request). */
    void erase(CustomerProfile profile);
}
