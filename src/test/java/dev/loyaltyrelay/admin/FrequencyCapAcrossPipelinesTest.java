package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.MarketingLimits;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The frequency cap across pipelines (issue 13): one customer, four WhatsApp integrations (Zoko, DelightChat, BiteSpeed,
 * LimeChat), five marketing events, so twenty deliveries on four queues, each handed to its provider's delivery function
 * in an invocation of its own, all at once. Under a cap of three a day, exactly three requests reach the providers
 * (WireMock's journals), three deliveries are sent and seventeen suppressed {@code frequency_cap}; each sent one
 * received again sends nothing and takes no second place.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class FrequencyCapAcrossPipelinesTest {

    static final List<Provider> WHATSAPP = List.of(BuiltIn.ZOKO, BuiltIn.DELIGHTCHAT, BuiltIn.BITESPEED, BuiltIn.LIMECHAT);

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore store;

    record Invocation(Provider provider, SQSEvent event) {
    }

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    static int requestsToAll() {
        return WHATSAPP.stream().mapToInt(provider -> ProviderStubs.requests(provider).size()).sum();
    }

    /** Every message on the provider's queue, each as an event of its own (as if each were a container's batch). */
    static List<Invocation> oneInvocationPerMessage(Provider provider, int expected) {
        String url = LocalAws.get().queueUrls.get(provider);
        var source = new SqsEventSource(LocalAws.get().sqs, url);
        List<Message> messages = new ArrayList<>();
        for (int round = 0; round < 20 && messages.size() < expected; round++) {
            messages.addAll(LocalAws.get().sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(600).messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages());
        }
        assertEquals(expected, messages.size(), provider.key() + "'s queue");
        return messages.stream().map(message -> new Invocation(provider, source.eventOf(List.of(message)))).toList();
    }

    static SQSBatchResponse invoke(Invocation invocation) {
        return DeliveryFunction.of(invocation.provider()).handleRequest(invocation.event(), null);
    }

    @Test
    void twentyConcurrentMarketingDeliveriesToOneRecipient_overFourPipelines_underACapOfThree_sendExactlyThree() throws Exception {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        WHATSAPP.forEach(provider -> ConsentTest.connect(merchantId, key, provider));
        assertEquals(200, call("PUT", merchants(merchantId) + "/topic-categories", key,
                object("overrides", Map.of("walletreward_create", "marketing"))).status());
        var threeADay = new FrequencyCap(3, Duration.ofDays(1));
        store.saveMarketingLimits(merchantId, new MarketingLimits(threeADay, null));
        for (int event = 0; event < 5; event++) {
            assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        }
        List<Invocation> invocations = new ArrayList<>();
        WHATSAPP.forEach(provider -> invocations.addAll(oneInvocationPerMessage(provider, 5)));
        WHATSAPP.forEach(provider -> ProviderStubs.of(provider).resetRequests());

        var start = new CountDownLatch(1);
        try (var containers = Executors.newFixedThreadPool(invocations.size())) {
            List<Future<SQSBatchResponse>> answers = new ArrayList<>();
            for (Invocation invocation : invocations) {
                answers.add(containers.submit(() -> {
                    start.await();
                    return invoke(invocation);
                }));
            }
            start.countDown();
            for (Future<SQSBatchResponse> answer : answers) {
                assertEquals(List.of(), answer.get().getBatchItemFailures(), "each delivery ends in its invocation");
            }
        }

        assertEquals(3, requestsToAll(), "three messages reached the providers");
        Answer sent = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "sent"));
        assertEquals(3, sent.get("deliveries").size(), sent.toString());
        Answer capped = call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("reason", "frequency_cap"));
        assertEquals(17, capped.get("deliveries").size(), capped.toString());
        capped.get("deliveries").forEach(delivery -> assertEquals("suppressed", delivery.get("status").asText().toLowerCase(), delivery.toString()));

        // Each invocation again, as SQS hands a message out again when its deletion was lost: nothing more is sent.
        try (var containers = Executors.newFixedThreadPool(invocations.size())) {
            List<Future<SQSBatchResponse>> answers = new ArrayList<>();
            invocations.forEach(invocation -> answers.add(containers.submit(() -> invoke(invocation))));
            for (Future<SQSBatchResponse> answer : answers) {
                answer.get();
            }
        }
        assertEquals(3, requestsToAll(), "received again: no request");
        assertEquals(3, call("GET", merchants(merchantId) + "/deliveries", key, null, Map.of("status", "sent")).get("deliveries").size());
    }
}
