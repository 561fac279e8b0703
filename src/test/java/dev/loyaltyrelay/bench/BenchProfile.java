package dev.loyaltyrelay.bench;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The test application with {@link CapacityMeter} among the DynamoDB client's interceptors and {@link SqsCallMeter} among the SQS client's. */
public class BenchProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        // The application's log lines go to a file, as in Lambda they go to a pipe: not through Surefire's capture of the
        // forked JVM's console, which costs far more than the line itself and would be counted as the application's CPU.
        return Map.of("%test.quarkus.log.console.enabled", "false",
                "%test.quarkus.log.file.enabled", "true",
                "%test.quarkus.log.file.path", "target/bench/application.log",
                "%test.quarkus.dynamodb.interceptors", "dev.loyaltyrelay.support.DynamoCallCounter,dev.loyaltyrelay.support.DynamoFaults,"
                + "dev.loyaltyrelay.admin.IamCallRecorder,dev.loyaltyrelay.bench.CapacityMeter,dev.loyaltyrelay.bench.CallTimeline",
                "%test.quarkus.sqs.interceptors", "dev.loyaltyrelay.support.SqsVisibilityChanges,dev.loyaltyrelay.admin.IamCallRecorder,"
                + "dev.loyaltyrelay.bench.CallTimeline,dev.loyaltyrelay.bench.SqsCallMeter");
    }
}
