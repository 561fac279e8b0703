package dev.loyaltyrelay.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * In-process stand-ins for the SDK clients: every operation answers at once with an empty success (a won condition,
 * a sent batch), optionally after a fixed latency, and is counted. What the production code does around a call
 * (building the request, reading the answer) still runs; the SDK's marshalling, HTTP and the engine do not.
 */
final class StubAws {

    final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile long latencyMillis;

    DynamoDbClient dynamo() {
        return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                handler("dynamodb"));
    }

    SqsClient sqs() {
        return (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class}, handler("sqs"));
    }

    void reset() {
        calls.clear();
        maxInFlight.set(0);
    }

    long count(String operation) {
        AtomicLong n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    long total() {
        return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private InvocationHandler handler(String service) {
        return (proxy, method, args) -> {
            switch (method.getName()) {
                case "serviceName":
                    return service;
                case "close":
                    return null;
                case "toString":
                    return "StubAws." + service;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
            }
            if (args != null && args.length == 1 && args[0] instanceof Consumer<?>) {
                // The consumer-builder overload builds the request and calls the request overload on this proxy.
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            calls.computeIfAbsent(method.getName(), k -> new AtomicLong()).incrementAndGet();
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                if (latencyMillis > 0) {
                    Thread.sleep(latencyMillis);
                }
                return answer(method, args);
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    private static Object answer(Method method, Object[] args) throws ReflectiveOperationException {
        if (args != null && args.length == 1 && args[0] instanceof SendMessageBatchRequest batch) {
            return SendMessageBatchResponse.builder()
                    .successful(batch.entries().stream()
                            .map(e -> SendMessageBatchResultEntry.builder().id(e.id()).messageId("m-" + e.id()).md5OfMessageBody("0").build())
                            .toList())
                    .failed(java.util.List.of())
                    .build();
        }
        Class<?> response = method.getReturnType();
        Object builder = response.getMethod("builder").invoke(null);
        Method build = builder.getClass().getMethod("build");
        build.setAccessible(true);
        return build.invoke(builder);
    }
}
