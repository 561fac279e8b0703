package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.application.delivery.IntegrationDirectory;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.OpenedSecret;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Found by the review of issue 12. README "Configuration caches": "a retired secret or a disabled integration stops
 * working everywhere within that second", and "503 means retry". When a change was stored but its VERSION write failed,
 * the answer was 503, and the merchant's retry answered 200 / 404 without ever writing a version: every other container
 * kept the old configuration until relay.config-cache-ttl (5 min). The change and its version are now one transaction.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ConfigurationVersionAfterRetryTest {

    @Inject
    ConfigurationStore store;
    @Inject
    ConfigurationSecrets secrets;
    @Inject
    RelayConfig config;
    @Inject
    MutableClock adminClock;

    final MutableClock otherContainerClock = new MutableClock();

    @BeforeEach
    void setUp() {
        adminClock.set(Webhooks.SIGNED_AT);
        otherContainerClock.set(Webhooks.SIGNED_AT);
        AdminScenario.providersAccept();
    }

    @AfterEach
    void clearFaults() {
        DynamoFaults.clear();
    }

    private static void versionWritesFail() {
        DynamoFaults.inject(DynamoFaults.writeOf("VERSION"), DynamoFaults.When.BEFORE_SENDING, 100);
    }

    @Test
    void aSecretRetired_afterARetryTheAdminApiAskedFor_stopsAuthenticatingInAnotherContainer_withinFreshFor() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String secretsPath = merchants(merchantId) + "/webhook-secrets";
        String kept = call("POST", secretsPath, key, null).get("secretId").asText();
        String leaked = call("GET", secretsPath, key, null).get("webhookSecrets").findValuesAsText("secretId").stream()
                .filter(id -> !id.equals(kept)).findFirst().orElseThrow();

        var ingestContainer = new MerchantDirectory(store, secrets, otherContainerClock, config);
        assertEquals(Set.of(leaked, kept), valid(ingestContainer, merchantId));

        versionWritesFail();
        Answer failed = call("POST", secretsPath + "/" + leaked + "/retire", key, null);
        DynamoFaults.clear();
        assertEquals(503, failed.status(), "the version write failed: the merchant is told to retry " + failed);
        Answer retried = call("POST", secretsPath + "/" + leaked + "/retire", key, null);
        assertEquals(200, retried.status(), retried.toString());

        otherContainerClock.advance(config.configFreshFor().plus(Duration.ofSeconds(1)));
        assertEquals(Set.of(kept), valid(ingestContainer, merchantId),
                "2 s after the retirement was confirmed (200) the leaked secret still authenticates in another ingest container");
    }

    @Test
    void anIntegrationDeleted_afterARetryTheAdminApiAskedFor_isGoneInAnotherDeliveryContainer_withinFreshFor() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();

        var deliveryContainer = new IntegrationDirectory(store, secrets, otherContainerClock, config);
        assertTrue(deliveryContainer.find(merchantId, integrationId).isPresent());

        versionWritesFail();
        Answer failed = call("DELETE", merchants(merchantId) + "/integrations/" + integrationId, key, null);
        DynamoFaults.clear();
        assertEquals(503, failed.status(), "the version write failed: the merchant is told to retry " + failed);
        Answer retried = call("DELETE", merchants(merchantId) + "/integrations/" + integrationId, key, null);
        assertTrue(retried.status() == 204 || retried.status() == 404, retried.toString());

        otherContainerClock.advance(config.configFreshFor().plus(Duration.ofSeconds(1)));
        assertTrue(deliveryContainer.find(merchantId, integrationId).isEmpty(),
                "2 s after the merchant's retried DELETE answered " + retried.status()
                        + ", another delivery container still sends through the deleted integration with its credentials");
    }

    // The delivery function's own write: JobDelivery logs "not flagged ... the flag is set again by the next refusal" when
    // the write fails; the flag and its version are one transaction, so that is true, and the next refusal announces it.
    @Test
    void credentialsFlaggedRefused_whoseVersionWriteFailed_stopSendingInAnotherDeliveryContainer_withinFreshFor() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        String integrationId = initialized.get("integrationId").asText();
        var deliveryContainer = new IntegrationDirectory(store, secrets, otherContainerClock, config);
        var used = deliveryContainer.find(merchantId, integrationId).orElseThrow().integration();

        versionWritesFail();
        try {
            store.flagRefusedCredentials(merchantId, integrationId, used.credentials(), adminClock.instant());
        } catch (dev.loyaltyrelay.domain.StoreUnavailable expected) {
            // what JobDelivery.afterRefusal catches and logs as "not flagged"
        }
        DynamoFaults.clear();
        assertEquals(ConfigurationStore.RefusalFlag.FLAGGED,
                store.flagRefusedCredentials(merchantId, integrationId, used.credentials(), adminClock.instant()),
                "the next refusal: the failed write stored neither the flag nor its version, so this one writes both");

        otherContainerClock.advance(config.configFreshFor().plus(Duration.ofSeconds(1)));
        assertTrue(dev.loyaltyrelay.application.delivery.IntegrationAttention.stopsSending(
                deliveryContainer.find(merchantId, integrationId).orElseThrow().integration()),
                "flagged twice, yet another delivery container keeps sending with the refused credentials");
    }

    private Set<String> valid(MerchantDirectory directory, String merchantId) {
        return directory.find(merchantId).orElseThrow().validSecrets(otherContainerClock.instant()).stream()
                .map(OpenedSecret::secretId).collect(Collectors.toSet());
    }
}
