package dev.loyaltyrelay.support;

import java.util.LinkedHashMap;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.TemplateResources;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * DynamoDB Local and ElasticMQ, in this JVM, once for the whole test run, with the tables and queues of
 * {@code template.yaml}. Real engines, not mocks: conditions, TTL attributes and batch limits behave as in AWS.
 */
public final class LocalAws {

    public static final String CONFIG_TABLE = "relay-test-config";
    public static final String RECORDS_TABLE = "relay-test-records";
    public static final String REGION = "ap-south-1";

    private static LocalAws instance;

    public final URI dynamoEndpoint;
    public final URI sqsEndpoint;
    public final DynamoDbClient dynamo;
    public final SqsClient sqs;
    public final Map<Provider, String> queueUrls = new LinkedHashMap<>();
    public final Map<Provider, String> deadLetterQueueUrls = new LinkedHashMap<>();
    private final DynamoDBProxyServer dynamoServer;
    private final SQSRestServer sqsServer;

    public static synchronized LocalAws get() {
        if (instance == null) {
            instance = new LocalAws();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop));
        }
        return instance;
    }

    private LocalAws() {
        try {
            int dynamoPort = freePort();
            dynamoServer = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(dynamoPort)});
            dynamoServer.start();
            dynamoEndpoint = URI.create("http://127.0.0.1:" + dynamoPort);
            int sqsPort = freePort();
            sqsServer = SQSRestServerBuilder.withPort(sqsPort).withInterface("127.0.0.1").start();
            sqsServer.waitUntilStarted();
            sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
        } catch (Exception e) {
            throw new IllegalStateException("embedded AWS engines did not start", e);
        }
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        dynamo = DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        var template = TemplateResources.read(Path.of("template.yaml"));
        template.createTable(dynamo, "ConfigTable", CONFIG_TABLE);
        template.createTable(dynamo, "RecordsTable", RECORDS_TABLE);
        for (Provider provider : BuiltIn.ALL) {
            String logicalId = TemplateResources.queueLogicalId(BuiltIn.profile(provider));
            queueUrls.put(provider, template.createQueue(sqs, logicalId, "relay-test-" + provider.key(), "relay-test-" + provider.key() + "-dlq"));
            deadLetterQueueUrls.put(provider, sqs.getQueueUrl(r -> r.queueName("relay-test-" + provider.key() + "-dlq")).queueUrl());
        }
        // A test-tree provider's queues as its template block would declare them: the same shape as every provider's.
        for (Provider provider : BuiltIn.TEST_TREE) {
            queueUrls.put(provider, template.createQueue(sqs, "ZokoQueue", "relay-test-" + provider.key(), "relay-test-" + provider.key() + "-dlq"));
            deadLetterQueueUrls.put(provider, sqs.getQueueUrl(r -> r.queueName("relay-test-" + provider.key() + "-dlq")).queueUrl());
        }
    }

    /** Configuration that points the application's clients at these engines. */
    public Map<String, String> applicationConfig() {
        var config = new java.util.HashMap<String, String>();
        for (String service : new String[] {"dynamodb", "sqs"}) {
            config.put("quarkus." + service + ".endpoint-override", (service.equals("dynamodb") ? dynamoEndpoint : sqsEndpoint).toString());
            config.put("quarkus." + service + ".aws.region", REGION);
            config.put("quarkus." + service + ".aws.credentials.type", "static");
            config.put("quarkus." + service + ".aws.credentials.static-provider.access-key-id", "test");
            config.put("quarkus." + service + ".aws.credentials.static-provider.secret-access-key", "test");
        }
        config.put("relay.tables.config", CONFIG_TABLE);
        config.put("relay.tables.records", RECORDS_TABLE);
        queueUrls.forEach((provider, url) -> config.put("relay-queues." + provider.key(), url));
        deadLetterQueueUrls.forEach((provider, url) -> config.put("relay-dead-letter-queues." + provider.key(), url));
        return config;
    }

    private void stop() {
        try {
            sqsServer.stopAndWait();
            dynamoServer.stop();
        } catch (Exception ignored) {
            // The JVM is going away.
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
