package dev.loyaltyrelay.support;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import java.util.List;
import java.util.Optional;

/** The built-in providers' catalogue, for code under test outside a running application. */
public final class BuiltInCatalogue implements ProviderCatalogue {

    @Override
    public List<ProviderProfile> all() {
        return BuiltIn.PROFILES;
    }

    @Override
    public Optional<ProviderProfile> profile(Provider provider) {
        return BuiltIn.PROFILES.stream().filter(p -> p.provider().equals(provider)).findFirst();
    }
}
