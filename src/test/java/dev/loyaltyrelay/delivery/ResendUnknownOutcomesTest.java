package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryIds;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.observability.EmfMetrics;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.ShortCallTimeoutProfile;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code relay.delivery.unknown-outcome=resend}: a request that may have arrived is sent again, and counted. */
@QuarkusTest
@TestProfile(ResendUnknownOutcomesTest.ResendProfile.class)
class ResendUnknownOutcomesTest {

    public static class ResendProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.delivery.unknown-outcome", "resend",
                    "relay.delivery.call-timeout", ShortCallTimeoutProfile.CALL_TIMEOUT.toString());
        }
    }

        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    @Inject
    TestMerchants merchants;
    @Inject
    DeliveryLedger ledger;
    @Inject
    DeliveryJobCodec codec;
    @Inject
    MutableClock clock;
    @Inject
    EmfMetrics metrics;

    @Test
    void aTimedOutCall_isRetried_andCountedAsUnknown() {
        clock.set(Webhooks.SIGNED_AT);
        ProviderStubs.resetAll();
        Queues.purgeAll();
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-key-0001"));
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(202).withFixedDelay(ShortCallTimeoutProfile.NEVER_IN_TIME)));
        var mapping = new EventMapping("zoko-1", "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("amount", null)), "en", ForwardedProperties.NONE);
        var job = new DeliveryJob(DeliveryJob.SCHEMA_VERSION, DeliveryIds.derive(merchantId, "nd-1", "zoko-1", "wallet"), merchantId, "nd-1",
                "walletreward_create", BuiltIn.ZOKO, "zoko-1", new Recipient(CommonProperty.MOBILE, "+919876543210"), mapping,
                Map.of("amount", 5), clock.instant());
        String queueUrl = LocalAws.get().queueUrls.get(BuiltIn.ZOKO);
        LocalAws.get().sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(codec.encode(job)));
        long unknownBefore = metrics.total("DeliveryOutcomeUnknown");

        new SqsEventSource(LocalAws.get().sqs, queueUrl).pollOnce(event -> {
            var response = zoko.handleRequest(event, null);
            assertEquals(1, response.getBatchItemFailures().size(), "the message comes back for another send");
            return response;
        }, 0);

        DeliveryRecord record = ledger.find(job.deliveryId()).orElseThrow();
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, record.status());
        assertEquals("outcome_unknown_resend", record.reason());
        assertEquals(1, record.attempts());
        assertEquals(unknownBefore + 1, metrics.total("DeliveryOutcomeUnknown"));
    }
}
