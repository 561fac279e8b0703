package dev.loyaltyrelay.architecture.planted.admin;

import dev.loyaltyrelay.architecture.planted.provider.acme.AcmeAdapter;

/** Planted violation: an edge naming a provider's folder instead of going through the registry. */
public class PlantedProviderReach {
    public String key() {
        return new AcmeAdapter().toString() + AcmeAdapter.KEY;
    }
}
