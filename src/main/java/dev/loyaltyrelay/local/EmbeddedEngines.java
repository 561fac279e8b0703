package dev.loyaltyrelay.local;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * DynamoDB Local and ElasticMQ for the local run, started once per JVM: a hot reload restarts the
 * application, not the JVM, so the engines (and their data) must outlive it. The marker lives in the system
 * properties because a reload brings a new class loader and with it new static fields.
 */
final class EmbeddedEngines {

    private static final String STARTED = "loyalty-relay.local.engines-started";

    private EmbeddedEngines() {
    }

    static synchronized void startOnce(int dynamoPort, int sqsPort) {
        if (System.getProperty(STARTED) != null) {
            return;
        }
        try {
            DynamoDBProxyServer dynamo = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(dynamoPort)});
            dynamo.start();
            SQSRestServer sqs = SQSRestServerBuilder.withPort(sqsPort).withInterface("127.0.0.1").start();
            sqs.waitUntilStarted();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    sqs.stopAndWait();
                    dynamo.stop();
                } catch (Exception ignored) {
                    // The JVM is going away.
                }
            }));
        } catch (Exception e) {
            throw new IllegalStateException("the embedded DynamoDB Local / ElasticMQ did not start", e);
        }
        System.setProperty(STARTED, "true");
    }
}
