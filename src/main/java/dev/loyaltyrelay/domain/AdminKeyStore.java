package dev.loyaltyrelay.domain;

import java.util.List;
import java.util.Optional;

/** Merchants' admin keys. Methods throw {@link StoreUnavailable} when the store cannot be reached. */
public interface AdminKeyStore {

    void save(AdminKey key);

    Optional<AdminKey> find(String merchantId, String keyId);

    List<AdminKey> list(String merchantId);
}
