package dev.loyaltyrelay.store;

import dev.loyaltyrelay.domain.ConfigurationStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The DynamoDB configuration store for tests that run outside Quarkus (seeding the tables a packaged function reads,
 * or standing for another function's container); its changes reach no cache of this JVM, as another process's would not.
 */
public final class StoreAccess {
    private StoreAccess() {
    }

    public static ConfigurationStore configurationStore(DynamoDbClient dynamo, String configTable, String recordsTable) {
        return new DynamoConfigurationStore(dynamo, new Tables(null) {
            @Override
            public String config() {
                return configTable;
            }

            @Override
            public String records() {
                return recordsTable;
            }
        }, change -> {
        });
    }
}
