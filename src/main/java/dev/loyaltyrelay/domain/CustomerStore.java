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

    /** Deletes the customer's record (erasure on request). */
    void erase(CustomerProfile profile);
}
