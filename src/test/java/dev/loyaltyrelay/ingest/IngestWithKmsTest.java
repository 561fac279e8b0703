package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.NectorSignature;

import static dev.loyaltyrelay.support.Webhooks.forMerchant;
import static dev.loyaltyrelay.support.Webhooks.load;
import static dev.loyaltyrelay.support.Webhooks.withDeliveryId;
import static dev.loyaltyrelay.support.Webhooks.withHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.support.KmsStub;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest function as deployed, with webhook secrets sealed under KMS (its wire served by {@link KmsStub}):
 * what Nector is told when the key service fails, and when a sealed secret no longer opens.
 */
@QuarkusTest
@TestProfile(IngestWithKmsTest.KmsProfile.class)
class IngestWithKmsTest {

    public static class KmsProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return KmsStub.applicationConfig();
        }
    }

    static final String OTHER_SECRET = "another-webhook-secret-0002";

    @Inject
    TestMerchants merchants;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    @BeforeEach
    void freshWorld() {
        clock.set(Webhooks.SIGNED_AT);
        KmsStub.working();
        directory.invalidateAll();
        Queues.purgeAll();
    }

    @AfterEach
    void kmsBack() {
        KmsStub.working();
    }

    String merchantWithTwoSecrets() {
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.secret(merchantId, "s1", Webhooks.DEMO_SECRET, null);
        merchants.secret(merchantId, "s2", OTHER_SECRET, null);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-test-key-0001"));
        merchants.mapping(merchantId, new EventMapping("zoko-1", "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("amount", null)), "en", ForwardedProperties.NONE));
        return merchantId;
    }

    static ObjectNode signedWith(String merchantId, String secret, String deliveryId) {
        ObjectNode event = withDeliveryId(forMerchant(load("ingest-walletreward_create.json"), merchantId), deliveryId);
        withHeader(event, "x-nector-webhook-secret", Hashes.sha256Hex(secret));
        String body = event.get("body").asText();
        return withHeader(event, "x-nector-webhook-hmac", NectorSignature.hexHmac(secret, body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void keyServiceUnreachable_whileOpeningWebhookSecrets_answers503_andNectorsRetrySucceedsOnceItIsBack() {
        String merchantId = merchantWithTwoSecrets();
        KmsStub.unreachable();

        IngestHandlerTest.Reply failed = IngestHandlerTest.post(signedWith(merchantId, Webhooks.DEMO_SECRET, "kms-1"));

        assertEquals(503, failed.status(), failed.body().toString());
        assertEquals("key_service_unavailable", failed.field("error"));
        assertTrue(failed.body().path("retryable").asBoolean());
        assertEquals(0, Queues.drainAllCount());

        KmsStub.working();
        IngestHandlerTest.Reply retried = IngestHandlerTest.post(signedWith(merchantId, Webhooks.DEMO_SECRET, "kms-1"));
        assertEquals(202, retried.status(), "the failure was not remembered: " + retried.body());
        assertEquals(1, Queues.drainAllCount());
    }

    @Test
    void aWebhookSecretThatNoLongerOpens_refusesItsWebhooks401WithThatReason_whileTheOtherSecretStillWorks() {
        String merchantId = merchantWithTwoSecrets();
        KmsStub.refusesToOpen("webhook-secret:s2");

        IngestHandlerTest.Reply stillValid = IngestHandlerTest.post(signedWith(merchantId, Webhooks.DEMO_SECRET, "kms-2"));
        assertEquals(202, stillValid.status(), stillValid.body().toString());

        IngestHandlerTest.Reply unreadable = IngestHandlerTest.post(signedWith(merchantId, OTHER_SECRET, "kms-3"));
        assertEquals(401, unreadable.status(), unreadable.body().toString());
        assertEquals("secret_unreadable", unreadable.field("check"));
        assertFalse(unreadable.body().toString().contains(OTHER_SECRET));
        assertEquals(1, Queues.drainAllCount());
    }
}
