package dev.loyaltyrelay.storm;

import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.domain.Provider;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The storm's application: its own queues (on the storm's clock) and providers (with chaos), faults in the SDK clients
 * and crashes at the provider call. Time the storm cannot simulate is short instead: a 2.5 s call timeout (slow
 * answers come after 4 s) and a 0.5 s breaker delay (SmallRye's breaker keeps real time). A budget of six calls and 45 minutes,
 * so deliveries of the provider that is down for an hour are given up, and the dead-letter queues have letters for the
 * operator's redrive after the outage.
 */
public class StormProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        var config = new HashMap<String, String>();
        config.put("quarkus.lambda.handler", "admin");
        config.put("quarkus.dynamodb.interceptors", "dev.loyaltyrelay.support.DynamoCallCounter,dev.loyaltyrelay.storm.StormFaults");
        config.put("quarkus.sqs.interceptors", "dev.loyaltyrelay.storm.StormFaults");
        for (Provider provider : BuiltIn.ALL) {
            config.put("quarkus.rest-client." + provider.key() + ".providers", CrashingClientFilter.class.getName());
        }
        // 2.5 s, not 1 s: on a loaded CI machine a definite answer (a 503) reached the client after 1 s once, and the storm
        // counted the honest UNKNOWN (timeout) as a broken promise. Slow answers still come well after it (4 s).
        config.put("relay.delivery.call-timeout", "PT2.5S");
        config.put("relay.delivery.breaker-delay", "PT0.5S");
        config.put("relay.delivery.connect-retry-delay", "PT0.01S");
        config.put("relay.delivery.max-attempts", "6");
        config.put("relay.delivery.max-age", "PT45M");
        // The SDK's own pauses between DynamoDB attempts, as in AWS (the other tests shorten them: DynamoRetryPauses).
        config.put("relay-test.dynamodb-retry-pauses", "sdk");
        return config;
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(StormResource.class));
    }
}
