package dev.loyaltyrelay.admin;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The admin function, with every DynamoDB and SQS call of the application recorded as IAM sees it. */
public class IamRecordingProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.lambda.handler", "admin",
                "quarkus.dynamodb.interceptors",
                "dev.loyaltyrelay.support.DynamoCallCounter,dev.loyaltyrelay.support.DynamoFaults,dev.loyaltyrelay.admin.IamCallRecorder",
                "quarkus.sqs.interceptors", "dev.loyaltyrelay.admin.IamCallRecorder");
    }
}
