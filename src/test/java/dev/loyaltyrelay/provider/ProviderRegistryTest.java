package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.OutboundMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.ProviderProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderRegistryTest {

    record TwoFields(String accountId, String secret) {
    }

    static final class Plugin implements ProviderAdapter<TwoFields> {
        final ProviderProfile profile;

        Plugin(String key, List<String> fields) {
            profile = new ProviderProfile(new Provider(key), key, dev.loyaltyrelay.domain.Channel.WHATSAPP, false, fields);
        }

        @Override
        public ProviderProfile profile() {
            return profile;
        }

        @Override
        public Class<TwoFields> credentialType() {
            return TwoFields.class;
        }

        @Override
        public DeliveryOutcome send(OutboundMessage message, TwoFields credentials) {
            throw new UnsupportedOperationException();
        }
    }

    static final List<String> FIELDS = List.of("accountId", "secret");

    @Test
    void everyRegisteredAdapter_isFoundByItsKey_andNothingElseIs() {
        var registry = new ProviderRegistry(List.of(new Plugin("beta", FIELDS), new Plugin("alpha", FIELDS)));

        assertEquals(List.of("alpha", "beta"), registry.all().stream().map(ProviderProfile::key).toList());
        assertTrue(registry.profile("beta").isPresent());
        assertFalse(registry.profile("gamma").isPresent());
        assertFalse(registry.profile("Not A Key").isPresent());
    }

    @Test
    void twoAdaptersClaimingOneKey_stopTheStart() {
        var clash = assertThrows(IllegalStateException.class,
                () -> new ProviderRegistry(List.of(new Plugin("alpha", FIELDS), new Plugin("alpha", FIELDS))));
        assertTrue(clash.getMessage().contains("two adapters for provider alpha"), clash.getMessage());
    }

    @Test
    void aProfileWhoseFieldsAreNotItsCredentialRecords_stopsTheStart() {
        assertThrows(IllegalStateException.class, () -> new ProviderRegistry(List.<ProviderAdapter<?>>of(new Plugin("alpha", List.of("apiKey")))));
    }

    @Test
    void credentials_areReadIntoTheRecord_byComponentName_andAMissingOrBlankFieldIsIncomplete() {
        assertEquals(FIELDS, CredentialRecords.fieldsOf(TwoFields.class));
        var read = CredentialRecords.read(TwoFields.class, new ProviderCredentials(Map.of("accountId", "acc-1", "secret", "s3cret")));
        assertEquals(new TwoFields("acc-1", "s3cret"), read);

        var missing = assertThrows(ProviderCredentials.Incomplete.class,
                () -> CredentialRecords.read(TwoFields.class, new ProviderCredentials(Map.of("accountId", "acc-1"))));
        assertEquals("secret", missing.field());
        var blank = assertThrows(ProviderCredentials.Incomplete.class,
                () -> CredentialRecords.read(TwoFields.class, new ProviderCredentials(Map.of("accountId", " ", "secret", "s3cret"))));
        assertEquals("accountId", blank.field());
    }

    record SecretFields(Secret apiKey, String accountId) {
    }

    record NumberField(Secret apiKey, int port) {
    }

    @Test
    void aCredentialsRecordWithAFieldNeitherSecretNorString_isRefusedByName_everyTime() {
        var credentials = new ProviderCredentials(Map.of("apiKey", "k", "port", "443"));
        for (int read = 0; read < 2; read++) {
            var refused = assertThrows(IllegalStateException.class, () -> CredentialRecords.read(NumberField.class, credentials));
            assertTrue(refused.getMessage().contains("NumberField.port is neither a Secret nor a String"), refused.getMessage());
        }
    }

    @Test
    void aCredentialsRecordOfSecrets_showsNoValueWhenPrinted_andEveryBuiltInAdapterHoldsOnlySecrets() {
        var read = CredentialRecords.read(SecretFields.class, new ProviderCredentials(Map.of("apiKey", "sk-live-4242", "accountId", "acc-1")));
        assertEquals("sk-live-4242", read.apiKey().value());
        assertFalse(read.toString().contains("sk-live-4242"), read.toString());
        for (var profile : dev.loyaltyrelay.support.BuiltIn.PROFILES) {
            Class<?> credentials = switch (profile.key()) {
                case "limechat" -> dev.loyaltyrelay.provider.limechat.LimeChatAdapter.Credentials.class;
                case "delightchat" -> dev.loyaltyrelay.provider.delightchat.DelightChatAdapter.Credentials.class;
                case "bitespeed" -> dev.loyaltyrelay.provider.bitespeed.BiteSpeedAdapter.Credentials.class;
                case "zoko" -> dev.loyaltyrelay.provider.zoko.ZokoAdapter.Credentials.class;
                case "wigzo" -> dev.loyaltyrelay.provider.wigzo.WigzoAdapter.Credentials.class;
                default -> throw new AssertionError(profile.key());
            };
            for (var component : credentials.getRecordComponents()) {
                assertEquals(Secret.class, component.getType(), profile.key() + "." + component.getName());
            }
        }
    }

    @Test
    void aProviderKey_isLowerCaseLettersAndDigits() {
        assertEquals("zoko", new Provider("zoko").key());
        assertEquals(new Provider("zoko"), Provider.fromKey("zoko").orElseThrow(), "a provider is its key");
        for (String bad : new String[] {"", "Z", "zoko ", "zo-ko", "1zoko", "a".repeat(33)}) {
            assertFalse(Provider.fromKey(bad).isPresent(), bad);
            assertThrows(IllegalArgumentException.class, () -> new Provider(bad), bad);
        }
    }
}
