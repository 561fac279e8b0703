package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.loyaltyrelay.application.delivery.IntegrationDirectory;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryIds;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Review of issue 14 (second pass): README's Meta table says a code decides "in any HTTP status"; a 2xx carrying one. */
@QuarkusTest
class MetaAnswerEdgesTest {

    static final String ZOKO_PATH = "/v2/message";

    DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    @Inject
    TestMerchants merchants;
    @Inject
    DeliveryLedger ledger;
    @Inject
    ConfigurationStore configuration;
    @Inject
    DeliveryJobCodec codec;
    @Inject
    MutableClock clock;
    @Inject
    IntegrationDirectory integrations;

    String merchantId;
    SqsEventSource zokoQueue;

    @BeforeEach
    void freshMerchantAndQueues() {
        clock.set(Webhooks.SIGNED_AT);
        ProviderStubs.resetAll();
        Queues.purgeAll();
        integrations.forgetAll();
        merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-key-0001"));
        zokoQueue = new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(BuiltIn.ZOKO));
    }

    /**
     * README, Classifies: "a Meta error code in the body decides first, as the table below says"; "permanent: rejected with
     * the reason, in any HTTP status"; "flag integration ... nothing more is sent through it". A provider that relays
     * Meta's refusal in a 200 (the assumed wrappings are exactly for providers that do not publish their error bodies) is
     * recorded SENT, counted sent, and the integration is never flagged.
     */
    @ParameterizedTest(name = "Meta {0} in a 200")
    @ValueSource(ints = {131026, 131031})
    void aMetaCodeInA2xxAnswer_decidesLikeInAnyOtherStatus(int code) {
        zokoAnswers(aResponse().withStatus(200).withBody("{\"error\":{\"code\":" + code + ",\"message\":\"(#" + code + ") refused\"}}"));
        DeliveryJob first = job();
        enqueue(first);
        poll();
        DeliveryRecord record = record(first);
        System.out.println("REVIEW14B meta in 200: " + code + " -> " + record.status() + " " + record.reason() + " attention="
                + integration().attention());
        assertEquals(DeliveryStatus.REJECTED, record.status(), "Meta " + code + " in a 200 recorded as " + record.status());
        assertEquals("meta_" + code, record.reason());
    }

    /**
     * Suspicion from the receipt defect, same root cause on the synchronous path: a job queued under the mapping's old
     * template is refused 132016 (that template disabled) after the merchant moved the mapping to another template. The
     * flag lands on the mapping, whose current template was never refused, and stops it.
     */
    @Test
    void aRefusalOfTheTemplateAMappingNoLongerUses_doesNotFlagTheMapping() {
        merchants.mapping(merchantId, new EventMapping("zoko-1", "wallet", "walletreward_create", "wallet_reward_v2", null,
                List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("amount", null)), "en", ForwardedProperties.NONE));
        DeliveryJob queuedBeforeTheChange = job(); // carries wallet_reward_v1
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":132016,\"message\":\"template disabled\"}}"));
        enqueue(queuedBeforeTheChange);
        poll();
        EventMapping now = configuration.load(merchantId).orElseThrow().mappings().stream()
                .filter(m -> m.mappingId().equals("wallet")).findFirst().orElseThrow();
        System.out.println("REVIEW14B sync 132016 for old template: record=" + record(queuedBeforeTheChange).reason() + " mapping=" + now);
        assertEquals("wallet_reward_v2", now.templateId());
        assertNull(now.attention(), "wallet_reward_v2 was never refused, yet the mapping is flagged");
    }

    void zokoAnswers(ResponseDefinitionBuilder answer) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(answer));
    }

    DeliveryJob job() {
        var mapping = new EventMapping("zoko-1", "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("amount", null)), "en", ForwardedProperties.NONE);
        String nectorId = "nd-" + UUID.randomUUID();
        return new DeliveryJob(DeliveryJob.SCHEMA_VERSION, DeliveryIds.derive(merchantId, nectorId, "zoko-1", "wallet"), merchantId,
                nectorId, "walletreward_create", BuiltIn.ZOKO, "zoko-1", new Recipient(CommonProperty.MOBILE, "+919876543210"),
                mapping, Map.of("user_name", "Riya", "amount", 100), clock.instant());
    }

    void enqueue(DeliveryJob job) {
        LocalAws.get().sqs.sendMessage(r -> r.queueUrl(LocalAws.get().queueUrls.get(BuiltIn.ZOKO)).messageBody(codec.encode(job)));
    }

    int poll() {
        return zokoQueue.pollOnce(event -> zoko.handleRequest(event, null), 0);
    }

    DeliveryRecord record(DeliveryJob job) {
        return ledger.find(job.deliveryId()).orElseThrow();
    }

    Integration integration() {
        return configuration.load(merchantId).orElseThrow().integrations().getFirst();
    }

    int zokoCalls() {
        return ProviderStubs.requests(BuiltIn.ZOKO).size();
    }
}
