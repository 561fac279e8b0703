package dev.loyaltyrelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.URI;

/**
 * DynamoDB Local and ElasticMQ started once per test JVM, for every Quarkus start in it.
 *
 * <p>Quarkus starts the application again for each test profile, in new class loaders, and closes the old ones. Started
 * from the test's own classes, the engines were loaded again and started again at every such start (2 to 6 s each, and
 * the old ones kept running until the JVM ended). Here they are loaded by the JVM's own class loader (the test
 * classpath, which outlives every Quarkus start) and started once; their endpoints and how many test starts have used
 * them are kept in system properties, which every class loader of the JVM sees. Each start gets a database and queues
 * of its own ({@link LocalAws}).
 */
final class SharedEngines {

    /** Where the engines listen, and which start of a test application this is (1 for the first). */
    record Endpoints(URI dynamo, URI sqs, int generation) {
    }

    private static final String DYNAMO = "relay-test.engines.dynamodb";
    private static final String SQS = "relay-test.engines.sqs";
    private static final String GENERATIONS = "relay-test.engines.generations";

    private SharedEngines() {
    }

    /** The engines (started now if this is the first call in the JVM) and a new generation number. */
    static Endpoints get() {
        // System.getProperties() is one object for the whole JVM: a lock every class loader's copy of this class shares.
        synchronized (System.getProperties()) {
            if (System.getProperty(DYNAMO) == null) {
                start();
            }
            int generation = Integer.getInteger(GENERATIONS, 0) + 1;
            System.setProperty(GENERATIONS, Integer.toString(generation));
            return new Endpoints(URI.create(System.getProperty(DYNAMO)), URI.create(System.getProperty(SQS)), generation);
        }
    }

    private static void start() {
        ClassLoader engines = enginesLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The engines' threads inherit this context class loader: the JVM's, not a Quarkus start's that will be closed.
        thread.setContextClassLoader(engines);
        try {
            int dynamoPort = freePort();
            Class<?> runner = Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner", true, engines);
            Object dynamo = runner.getMethod("createServerFromCommandLineArgs", String[].class)
                    .invoke(null, (Object) new String[] {"-inMemory", "-disableTelemetry", "-port", Integer.toString(dynamoPort)});
            Class<?> dynamoServer = Class.forName("com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer", true, engines);
            dynamoServer.getMethod("start").invoke(dynamo);
            Method stopDynamo = dynamoServer.getMethod("stop");

            int sqsPort = freePort();
            Class<?> builder = Class.forName("org.elasticmq.rest.sqs.SQSRestServerBuilder", true, engines);
            Object sqsBuilder = builder.getMethod("withPort", int.class).invoke(null, sqsPort);
            sqsBuilder = sqsBuilder.getClass().getMethod("withInterface", String.class).invoke(sqsBuilder, "127.0.0.1");
            Object sqs = sqsBuilder.getClass().getMethod("start").invoke(sqsBuilder);
            Class<?> sqsServer = Class.forName("org.elasticmq.rest.sqs.SQSRestServer", true, engines);
            sqsServer.getMethod("waitUntilStarted").invoke(sqs);
            Method stopSqs = sqsServer.getMethod("stopAndWait");

            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    stopSqs.invoke(sqs);
                    stopDynamo.invoke(dynamo);
                } catch (Exception ignored) {
                    // The JVM is going away.
                }
            }, "stop-embedded-engines"));
            System.setProperty(DYNAMO, "http://127.0.0.1:" + dynamoPort);
            System.setProperty(SQS, "http://127.0.0.1:" + sqsPort);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("embedded AWS engines did not start", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The JVM's class loader when the engines are on its classpath (Surefire and Failsafe put the test classpath there). */
    private static ClassLoader enginesLoader() {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        try {
            Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner", false, system);
            Class.forName("org.elasticmq.rest.sqs.SQSRestServerBuilder", false, system);
            return system;
        } catch (ClassNotFoundException notThere) {
            return SharedEngines.class.getClassLoader();
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
