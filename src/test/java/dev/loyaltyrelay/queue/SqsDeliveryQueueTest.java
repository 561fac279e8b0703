package dev.loyaltyrelay.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.QueueUrls;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.QueueRefused;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.support.BuiltIn;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * One event's jobs for several providers go to their queues at once: the answer waits for the slowest queue, not the sum.
 * Shown without a clock: SQS stands in as a client whose every send waits at a barrier until all three providers' sends
 * have arrived, which only sends in flight together can pass (one after another, the first would wait out the timeout).
 */
class SqsDeliveryQueueTest {

    static final List<Provider> PROVIDERS = List.of(BuiltIn.ZOKO, BuiltIn.LIMECHAT, BuiltIn.WIGZO);

    @Test
    void oneEventsJobsForThreeProviders_areSentToTheirQueuesAtOnce() throws Exception {
        var barrier = new CyclicBarrier(PROVIDERS.size());
        Set<String> queuesSentTo = ConcurrentHashMap.newKeySet();
        SqsDeliveryQueue queue = queueOver(request -> {
            try {
                barrier.await(20, TimeUnit.SECONDS);
            } catch (Exception notTogether) {
                throw new AssertionError("the sends did not overlap: " + notTogether.getClass().getSimpleName());
            }
            queuesSentTo.add(request.queueUrl());
            return SendMessageBatchResponse.builder().build();
        });

        queue.enqueue(PROVIDERS.stream().map(SqsDeliveryQueueTest::jobFor).toList());

        assertEquals(3, queuesSentTo.size(), queuesSentTo.toString());
    }

    @Test
    void everyQueueIsTried_andAnUnreachableOneIsReportedBeforeARefusal() throws Exception {
        Set<String> queuesSentTo = ConcurrentHashMap.newKeySet();
        SqsDeliveryQueue queue = queueOver(request -> {
            queuesSentTo.add(request.queueUrl());
            if (request.queueUrl().endsWith("/zoko")) {
                return SendMessageBatchResponse.builder().failed(BatchResultErrorEntry.builder().id("0").code("InvalidMessageContents")
                        .senderFault(true).build()).build();
            }
            if (request.queueUrl().endsWith("/wigzo")) {
                throw SqsException.builder().message("unreachable").build();
            }
            return SendMessageBatchResponse.builder().build();
        });

        assertThrows(QueueUnavailable.class, () -> queue.enqueue(PROVIDERS.stream().map(SqsDeliveryQueueTest::jobFor).toList()));
        assertEquals(3, queuesSentTo.size(), "one queue failing keeps no other provider's jobs from their queue");

        SqsDeliveryQueue refusing = queueOver(request -> SendMessageBatchResponse.builder().failed(BatchResultErrorEntry.builder().id("0")
                .code("InvalidMessageContents").senderFault(true).build()).build());
        QueueRefused refused = assertThrows(QueueRefused.class, () -> refusing.enqueue(List.of(jobFor(BuiltIn.ZOKO), jobFor(BuiltIn.LIMECHAT))));
        assertTrue(refused.getMessage().contains("InvalidMessageContents"), refused.getMessage());
    }

    private static SqsDeliveryQueue queueOver(Function<SendMessageBatchRequest, SendMessageBatchResponse> sends) throws Exception {
        SqsClient sqs = new SqsClient() {
            @Override
            public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
                return sends.apply(request);
            }

            @Override
            public String serviceName() {
                return "sqs";
            }

            @Override
            public void close() {
            }
        };
        Map<String, String> environment = new HashMap<>();
        for (Provider provider : PROVIDERS) {
            String key = provider.key().toUpperCase(java.util.Locale.ROOT);
            environment.put(key + "_QUEUE_URL", "https://sqs.example/" + provider.key());
            environment.put(key + "_DLQ_URL", "https://sqs.example/" + provider.key() + "-dlq");
        }
        var config = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new EnvConfigSource(environment, 300))
                .withSources(new PropertiesConfigSource(Path.of("src/main/resources/application.properties").toUri().toURL(), 250))
                .build();
        return new SqsDeliveryQueue(sqs, dev.loyaltyrelay.config.TestQueueUrls.from(config), new DeliveryJobCodec(new ObjectMapper().findAndRegisterModules()));
    }

    private static DeliveryJob jobFor(Provider provider) {
        DeliveryJob zoko = DeliveryJobCodecTest.job();
        return new DeliveryJob(zoko.schemaVersion(), "dlv_" + provider.key(), zoko.merchantId(), zoko.nectorDeliveryId(), zoko.topic(), provider,
                provider.key() + "-1", zoko.recipient(), zoko.mapping(), zoko.properties(), zoko.receivedAt());
    }
}
