package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The providers this build carries: every {@link ProviderAdapter} bean, by key. Registering a provider is writing
 * its adapter as an bean ({@code @Singleton}) in its own folder; two adapters claiming one key stop the
 * function at start-up rather than deliver through either.
 */
@ApplicationScoped
public class ProviderRegistry implements ProviderCatalogue {

    private final Map<Provider, ProviderAdapter<?>> adapters = new LinkedHashMap<>();

    @Inject
    ProviderRegistry(Instance<ProviderAdapter<?>> registered) {
        this(registered.stream().toList());
    }

    ProviderRegistry(List<ProviderAdapter<?>> registered) {
        registered.stream().sorted(Comparator.comparing(adapter -> adapter.profile().key())).forEach(adapter -> {
            ProviderAdapter<?> earlier = adapters.putIfAbsent(adapter.profile().provider(), adapter);
            if (earlier != null) {
                throw new IllegalStateException("two adapters for provider " + adapter.profile().key() + ": "
                        + earlier.getClass().getSimpleName() + " and " + adapter.getClass().getSimpleName());
            }
            if (!CredentialRecords.fieldsOf(adapter.credentialType()).equals(adapter.profile().credentialFields())) {
                throw new IllegalStateException(adapter.profile().key() + ": the profile's credential fields are not its credential record's");
            }
        });
    }

    @Override
    public List<ProviderProfile> all() {
        return adapters.values().stream().map(ProviderAdapter::profile).toList();
    }

    @Override
    public Optional<ProviderProfile> profile(Provider provider) {
        return adapter(provider).map(ProviderAdapter::profile);
    }

    public Optional<ProviderAdapter<?>> adapter(Provider provider) {
        return Optional.ofNullable(adapters.get(provider));
    }
}
