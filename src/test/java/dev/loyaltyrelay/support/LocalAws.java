package dev.loyaltyrelay.support;

import java.util.LinkedHashMap;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.TemplateResources;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * DynamoDB Local and ElasticMQ, in this JVM, with the tables and queues of {@code template.yaml}. Real engines, not mocks:
 * conditions, TTL attributes and batch limits behave as in AWS.
 *
 * <p>The engines start once per JVM ({@link SharedEngines}). Each Quarkus start for a test profile loads this class again
 * in class loaders of its own and gets its own instance here, with empty tables and queues as before: its own DynamoDB
 * Local database (DynamoDB Local keeps one per access key: {@code test}, then {@code test2}, {@code test3} ...) and its own
 * queues ({@code relay-test-zoko}, then {@code relay-test-2-zoko} ...).
 */
public final class LocalAws {

    public static final String CONFIG_TABLE = "relay-test-config";
    public static final String RECORDS_TABLE = "relay-test-records";
    public static final String REGION = "ap-south-1";

    private static LocalAws instance;

    public final URI dynamoEndpoint;
    public final URI sqsEndpoint;
    /** This instance's DynamoDB Local database: alphanumeric, as DynamoDB Local requires. */
    public final String accessKeyId;
    public final StaticCredentialsProvider credentials;
    public final DynamoDbClient dynamo;
    public final SqsClient sqs;
    public final Map<Provider, String> queueUrls = new LinkedHashMap<>();
    public final Map<Provider, String> deadLetterQueueUrls = new LinkedHashMap<>();
    private final String queuePrefix;

    public static synchronized LocalAws get() {
        if (instance == null) {
            instance = new LocalAws();
        }
        return instance;
    }

    private LocalAws() {
        SharedEngines.Endpoints engines = SharedEngines.get();
        dynamoEndpoint = engines.dynamo();
        sqsEndpoint = engines.sqs();
        int generation = engines.generation();
        accessKeyId = generation == 1 ? "test" : "test" + generation;
        queuePrefix = generation == 1 ? "relay-test-" : "relay-test-" + generation + "-";
        credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, "test"));
        dynamo = DynamoDbClient.builder().endpointOverride(dynamoEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.of(REGION))
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        var template = TemplateResources.read(Path.of("template.yaml"));
        template.createTable(dynamo, "ConfigTable", CONFIG_TABLE);
        template.createTable(dynamo, "RecordsTable", RECORDS_TABLE);
        for (Provider provider : BuiltIn.ALL) {
            String logicalId = TemplateResources.queueLogicalId(BuiltIn.profile(provider));
            queueUrls.put(provider, template.createQueue(sqs, logicalId, queueName(provider), deadLetterQueueName(provider)));
            deadLetterQueueUrls.put(provider, sqs.getQueueUrl(r -> r.queueName(deadLetterQueueName(provider))).queueUrl());
        }
        // A test-tree provider's queues as its template block would declare them: the same shape as every provider's.
        for (Provider provider : BuiltIn.TEST_TREE) {
            queueUrls.put(provider, template.createQueue(sqs, "ZokoQueue", queueName(provider), deadLetterQueueName(provider)));
            deadLetterQueueUrls.put(provider, sqs.getQueueUrl(r -> r.queueName(deadLetterQueueName(provider))).queueUrl());
        }
    }

    /** The name of the provider's queue here (to create it again after a test deleted it). */
    public String queueName(Provider provider) {
        return queuePrefix + provider.key();
    }

    public String deadLetterQueueName(Provider provider) {
        return queueName(provider) + "-dlq";
    }

    /** Configuration that points the application's clients at these engines. */
    public Map<String, String> applicationConfig() {
        var config = new java.util.HashMap<String, String>();
        for (String service : new String[] {"dynamodb", "sqs"}) {
            config.put("quarkus." + service + ".endpoint-override", (service.equals("dynamodb") ? dynamoEndpoint : sqsEndpoint).toString());
            config.put("quarkus." + service + ".aws.region", REGION);
            config.put("quarkus." + service + ".aws.credentials.type", "static");
            config.put("quarkus." + service + ".aws.credentials.static-provider.access-key-id", accessKeyId);
            config.put("quarkus." + service + ".aws.credentials.static-provider.secret-access-key", "test");
        }
        config.put("relay.tables.config", CONFIG_TABLE);
        config.put("relay.tables.records", RECORDS_TABLE);
        queueUrls.forEach((provider, url) -> config.put("relay-queues." + provider.key(), url));
        deadLetterQueueUrls.forEach((provider, url) -> config.put("relay-dead-letter-queues." + provider.key(), url));
        return config;
    }
}
