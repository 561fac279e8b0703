package dev.loyaltyrelay.domain;

import java.util.List;
import java.util.Optional;

/** The providers this build carries, one per registered plug-in. */
public interface ProviderCatalogue {

    List<ProviderProfile> all();

    /** The provider's profile, when this build carries its plug-in. */
    Optional<ProviderProfile> profile(Provider provider);

    /** The profile of a provider named by a request, when this build carries it. */
    default Optional<ProviderProfile> profile(String key) {
        return Provider.fromKey(key).flatMap(this::profile);
    }
}
