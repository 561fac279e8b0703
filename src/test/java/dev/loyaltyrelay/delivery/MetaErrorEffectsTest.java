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

/**
 * What the Meta codes of README's table do beyond the delivery's own outcome, through the Zoko function fed by a real
 * queue: a code that needs the integration flags it and stops sending through it; 131049's day-long wait against the
 * age budget.
 */
@QuarkusTest
class MetaErrorEffectsTest {

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

    @ParameterizedTest(name = "Meta {0}")
    @ValueSource(ints = {190, 10, 200, 131031, 133010, 368, 131042})
    void aCodeThatNeedsTheIntegration_flagsIt_withTheCode_andItsNextJobsAreRejectedWithoutCalls(int code) {
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":" + code + ",\"message\":\"refused\"}}"));
        DeliveryJob first = job();
        DeliveryJob second = job();
        enqueue(first);
        poll();
        enqueue(second);

        poll();

        assertEquals(DeliveryStatus.REJECTED, record(first).status());
        assertEquals("meta_" + code, record(first).reason());
        assertEquals(new Integration.Attention("meta_" + code, clock.instant()), integration().attention());
        assertEquals(DeliveryStatus.REJECTED, record(second).status());
        assertEquals("integration_needs_attention", record(second).reason());
        assertEquals(1, zokoCalls(), "nothing more is sent through the flagged integration");
    }

    @Test
    void aSecondRefusal_keepsTheFirstReasonAndTime() {
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":190}}"));
        DeliveryJob first = job();
        enqueue(first);
        poll();
        var flagged = integration().attention();
        clock.advance(java.time.Duration.ofMinutes(5));

        // A delivery function that read the integration before the flag (its cache) meets a second refusal.
        configuration.flagRefusedCredentials(merchantId, "zoko-1", integration().credentials(), "meta_131031", clock.instant());

        assertEquals(flagged, integration().attention());
    }

    @Test
    void aCodeThatNeedsTheIntegration_replacesAFailingProvidersFlag() {
        configuration.markAttention(merchantId, "zoko-1", new Integration.Attention("provider_failing", clock.instant()));
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":131042}}"));
        integrations.forgetAll();
        // A provider_failing flag does not stop sending: the call is made and its refusal replaces the flag.
        DeliveryJob job = job();
        enqueue(job);

        poll();

        assertEquals("meta_131042", record(job).reason());
        assertEquals("meta_131042", integration().attention().reason());
    }

    @Test
    void aCodeThatNeedsNothing_flagsNothing() {
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":131026}}"));
        DeliveryJob job = job();
        enqueue(job);

        poll();

        assertEquals("meta_131026", record(job).reason());
        assertNull(integration().attention());
    }

    @Test
    void metasDayLongWait_beyondTheAgeBudget_givesTheDeliveryUpAtOnce_withMetasReason() {
        zokoAnswers(aResponse().withStatus(400).withBody("{\"error\":{\"code\":131049}}"));
        DeliveryJob job = job();
        enqueue(job);

        poll();

        DeliveryRecord record = record(job);
        assertEquals(DeliveryStatus.EXHAUSTED, record.status());
        assertEquals("meta_131049", record.reason());
        assertEquals("age_exceeded", record.givenUpBy());
        assertEquals(1, zokoCalls());
        assertEquals(1, Queues.drainDeadLetters(BuiltIn.ZOKO).size(), "dead-lettered with its reason, like any delivery given up");
    }

    @Test
    void aShorterWaitTheProviderAsks_withinTheBudget_isStillAWait() {
        zokoAnswers(aResponse().withStatus(400).withHeader("Retry-After", "3600").withBody("{\"error\":{\"code\":131048}}"));
        DeliveryJob job = job();
        enqueue(job);

        poll();

        DeliveryRecord record = record(job);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, record.status());
        assertEquals("meta_131048", record.reason());
        assertEquals(clock.instant().plusSeconds(3600), record.nextAttemptAt());
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
