package dev.loyaltyrelay.support;

import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeds merchants through the store classes (the admin API does not exist yet): the demo store's shape with
 * Zoko, LimeChat and Wigzo integrations, under a fresh merchant id per test so tests never share state.
 */
@ApplicationScoped
public class TestMerchants {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private final ConfigurationStore store;
    private final SecretCipher cipher;
    private final ConfigurationStore storeOfAnotherFunction;

    @jakarta.inject.Inject
    TestMerchants(ConfigurationStore store, SecretCipher cipher, software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo,
            dev.loyaltyrelay.config.RelayConfig config) {
        this(store, cipher, dev.loyaltyrelay.store.StoreAccess.configurationStore(dynamo, config.tables().config(), config.tables().records()));
    }

    private TestMerchants(ConfigurationStore store, SecretCipher cipher, ConfigurationStore storeOfAnotherFunction) {
        this.store = store;
        this.cipher = cipher;
        this.storeOfAnotherFunction = storeOfAnotherFunction;
    }

    /**
     * Seeds as another function (the admin function, in AWS) would: through a store that tells no cache of this JVM,
     * so this JVM's containers learn of the change only through the configuration's version.
     */
    public TestMerchants inAnotherFunction() {
        return new TestMerchants(storeOfAnotherFunction, cipher, storeOfAnotherFunction);
    }

    public static String freshId() {
        return "m" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    public Merchant merchant(String merchantId, SignaturePolicy signaturePolicy, RepeatPolicy repeatPolicy) {
        var merchant = new Merchant(merchantId, "IN", ZoneId.of("Asia/Kolkata"), signaturePolicy, Duration.ofHours(6), repeatPolicy);
        store.saveMerchant(merchant);
        return merchant;
    }

    public void secret(String merchantId, String secretId, String secret, Instant retiredAt) {
        var sealed = cipher.seal(secret.getBytes(StandardCharsets.UTF_8), EncryptionContext.forWebhookSecret(merchantId, secretId));
        store.saveWebhookSecret(merchantId, new WebhookSecret(secretId, Hashes.sha256Hex(secret), sealed,
                Instant.parse("2026-01-01T00:00:00Z"), retiredAt));
    }

    public Integration integration(String merchantId, String integrationId, Provider provider, boolean enabled, Map<String, String> credentials) {
        var sealed = cipher.seal(credentialsJson(credentials).getBytes(StandardCharsets.UTF_8),
                EncryptionContext.forIntegration(merchantId, integrationId));
        var integration = new Integration(merchantId, integrationId, provider, BuiltIn.profile(provider).commonProperty(), sealed, enabled, null);
        store.saveIntegration(integration);
        return integration;
    }

    public EventMapping mapping(String merchantId, EventMapping mapping) {
        store.saveMapping(merchantId, mapping);
        return mapping;
    }

    /**
     * A merchant like the demo store: secret {@link Webhooks#DEMO_SECRET}; Zoko (template with user_name, amount),
     * LimeChat and Wigzo (flows, all properties forwarded) mapped to walletreward_create; Zoko to coupon_create.
     */
    public String demoLike(SignaturePolicy signaturePolicy, RepeatPolicy repeatPolicy) {
        String merchantId = freshId();
        merchant(merchantId, signaturePolicy, repeatPolicy);
        secret(merchantId, "s1", Webhooks.DEMO_SECRET, null);
        integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-test-key-0001"));
        integration(merchantId, "limechat-1", BuiltIn.LIMECHAT, true, Map.of("accountId", "lc-acc", "accessToken", "lc-token-0001"));
        integration(merchantId, "wigzo-1", BuiltIn.WIGZO, true, Map.of("orgToken", "wz-org", "apiToken", "wz-token-0001"));
        mapping(merchantId, new EventMapping("zoko-1", "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("amount", null)), "en", ForwardedProperties.NONE));
        mapping(merchantId, new EventMapping("zoko-1", "coupon", "coupon_create", "coupon_ready_v1", null,
                List.of(new TemplateVariable("user_name", null), new TemplateVariable("value", null)), "en", ForwardedProperties.NONE));
        mapping(merchantId, new EventMapping("limechat-1", "wallet", "walletreward_create", null, null, List.of(), null,
                ForwardedProperties.defaultFor(BuiltIn.profile(BuiltIn.LIMECHAT))));
        mapping(merchantId, new EventMapping("wigzo-1", "wallet", "walletreward_create", null, "wallet_coins_rewarded", List.of(), null,
                ForwardedProperties.defaultFor(BuiltIn.profile(BuiltIn.WIGZO))));
        return merchantId;
    }

    public String demoLike() {
        return demoLike(SignaturePolicy.RECORD, RepeatPolicy.COUNT);
    }

    private static String credentialsJson(Map<String, String> credentials) {
        var json = new StringBuilder("{");
        credentials.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
        return json.append('}').toString();
    }

}
