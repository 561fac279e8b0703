package dev.loyaltyrelay.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.SecretCipher;

/** The local run's demo merchant ({@code local/demo-merchant.json}), seeded by the local run's own code, for tests outside Quarkus. */
public final class DemoMerchantAccess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoMerchantAccess() {
    }

    /** The seed file: merchant, webhook secret, integrations with their credentials, mappings. */
    public static JsonNode seed() {
        return LocalPipeline.readSeed(JSON);
    }

    /** Stores the demo merchant, its secret and credentials sealed by {@code cipher}; returns its id. */
    public static String seedInto(ConfigurationStore store, SecretCipher cipher) {
        return LocalPipeline.seedDemoMerchant(seed(), store, new ConfigurationSecrets(cipher, JSON), new dev.loyaltyrelay.support.BuiltInCatalogue());
    }

    /** The demo merchant's configuration under another id (a merchant no earlier run has written anything for). */
    public static String seedInto(ConfigurationStore store, SecretCipher cipher, String merchantId) {
        var seed = (com.fasterxml.jackson.databind.node.ObjectNode) seed().deepCopy();
        seed.put("merchantId", merchantId);
        return LocalPipeline.seedDemoMerchant(seed, store, new ConfigurationSecrets(cipher, JSON), new dev.loyaltyrelay.support.BuiltInCatalogue());
    }
}
