package dev.loyaltyrelay.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * The application's DynamoDB client in tests: the one the extension configures (endpoint, credentials, interceptors),
 * with the SDK's own retry strategy for DynamoDB kept whole (its nine attempts, what it retries, its retry token bucket)
 * and only the pause between two attempts shortened, under {@code relay-test.dynamodb-retry-pauses=short} (the test
 * profile's setting). The SDK's pauses for DynamoDB (25 ms doubling, full jitter) add about 3 s to every call that fails
 * all its attempts, which is real time that tests of store outages only wait out; how many attempts a fault meets, and
 * so whether it reaches the application, does not change. {@code sdk} keeps the SDK's pauses (the storm's profile).
 */
@ApplicationScoped
public class DynamoRetryPauses {

    /** The pause before attempt n+1 is at most 1 ms doubled n-1 times, never more than 8 ms. */
    static final BackoffStrategy SHORT = BackoffStrategy.exponentialDelay(Duration.ofMillis(1), Duration.ofMillis(8));

    @Produces
    @ApplicationScoped
    DynamoDbClient dynamo(DynamoDbClientBuilder builder,
            @ConfigProperty(name = "relay-test.dynamodb-retry-pauses", defaultValue = "sdk") String pauses) {
        switch (pauses) {
            case "sdk" -> {
            }
            case "short" -> builder.addPlugin(client -> {
                var override = client.overrideConfiguration();
                RetryStrategy resolved = override.retryStrategy()
                        .orElseThrow(() -> new IllegalStateException("the SDK resolved no retry strategy for DynamoDB"));
                client.overrideConfiguration(override.toBuilder()
                        .retryStrategy(resolved.toBuilder().backoffStrategy(SHORT).throttlingBackoffStrategy(SHORT).build())
                        .build());
            });
            default -> throw new IllegalArgumentException("relay-test.dynamodb-retry-pauses is sdk or short, not " + pauses);
        }
        return builder.build();
    }

    void close(@Disposes DynamoDbClient dynamo) {
        dynamo.close();
    }
}
