package dev.loyaltyrelay.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.figures.FiguresHandler;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import dev.loyaltyrelay.config.QueueUrls;
import dev.loyaltyrelay.delivery.DeliveryPipeline;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import io.quarkus.arc.profile.IfBuildProfile;
import org.jboss.logging.Logger;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One poller per provider queue, doing what Lambda's SQS event source does: long-poll up to ten messages, invoke
 * that provider's function with them, delete all but the reported batch item failures (whose visibility the
 * function set); the queue's redrive policy dead-letters a message after its receive limit. The pollers belong
 * to the application: a hot reload stops them and the new application starts its own.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class QueuePollers {

    // A plain logger, not io.quarkus.logging.Log: Quarkus rewrites Log callers, and a rewritten class would escape
    // the exclusion of local/ from function.zip.
    private static final Logger LOG = Logger.getLogger(QueuePollers.class);

    private final SqsClient sqs;
    private final DynamoDbClient dynamo;
    private final RelayConfig config;
    private final FiguresHandler figures;
    private final int dynamoPort;
    private final QueueUrls queues;
    private final Map<Provider, RequestHandler<SQSEvent, SQSBatchResponse>> functions = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    QueuePollers(SqsClient sqs, DynamoDbClient dynamo, RelayConfig config, QueueUrls queues, ProviderCatalogue providers, DeliveryPipeline pipeline,
            FiguresHandler figures, @ConfigProperty(name = "local-run.dynamodb-port") int dynamoPort) {
        this.sqs = sqs;
        this.dynamo = dynamo;
        this.config = config;
        this.figures = figures;
        this.dynamoPort = dynamoPort;
        this.queues = queues;
        // Each provider's function as Lambda runs it: its batches through the shared pipeline.
        providers.all().forEach(profile -> functions.put(profile.provider(), (event, context) -> pipeline.handle(profile.provider(), event, context)));
    }

    synchronized void start() {
        running = true;
        ClassLoader applicationLoader = Thread.currentThread().getContextClassLoader();
        functions.forEach((provider, function) -> {
            var source = new SqsEventSource(sqs, queues.queue(provider));
            Thread thread = new Thread(() -> poll(provider, source, function), "poller-" + provider.key());
            thread.setContextClassLoader(applicationLoader);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        });
        Thread projection = new Thread(this::projectFigures, "poller-figures");
        projection.setContextClassLoader(applicationLoader);
        projection.setDaemon(true);
        projection.start();
        threads.add(projection);
    }

    /** What Lambda's stream event source does for the figures function: the records table's changes, every second. */
    private void projectFigures() {
        String streamArn = dynamo.describeTable(r -> r.tableName(config.tables().records())).table().latestStreamArn();
        var template = TemplateResources.read(java.nio.file.Path.of("template.yaml"));
        try (var streams = DynamoDbStreamsClient.builder().endpointOverride(java.net.URI.create("http://localhost:" + dynamoPort))
                .region(Region.of("ap-south-1")).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            var source = new DynamoStreamSource(streams, streamArn, DynamoStreamSource.filterOf(template.streamFilterPattern("FiguresFunction")));
            while (running) {
                try {
                    source.drain(event -> {
                        var out = new java.io.ByteArrayOutputStream();
                        figures.handleRequest(new java.io.ByteArrayInputStream(event), out, null);
                        return out.toByteArray();
                    }, 500);
                } catch (RuntimeException e) {
                    LOG.warnf("local: figures poller: %s; polling again in a second", e.getClass().getSimpleName());
                }
                sleepQuietly();
            }
        }
    }

    synchronized void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
    }

    private void poll(Provider provider, SqsEventSource source, RequestHandler<SQSEvent, SQSBatchResponse> function) {
        while (running) {
            try {
                source.pollOnce(event -> function.handleRequest(event, null), 1);
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warnf("local: %s poller: %s; polling again in a second", provider.key(), e.getClass().getSimpleName());
                    sleepQuietly();
                }
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
