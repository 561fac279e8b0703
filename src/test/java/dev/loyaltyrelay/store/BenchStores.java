package dev.loyaltyrelay.store;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.TrafficObservations;
import io.quarkus.arc.Arc;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The production DynamoDB stores of the ingest path over a client the benchmark chooses (an in-process stub that
 * answers at once), so the benchmark measures the stores' own work and not DynamoDB's. Benchmark only.
 */
public final class BenchStores {

    private BenchStores() {
    }

    private static Tables tables() {
        return Arc.container().instance(Tables.class).get();
    }

    private static RelayConfig config() {
        return Arc.container().instance(RelayConfig.class).get();
    }

    public static IngestLedger ingestLedger(DynamoDbClient dynamo) {
        return new DynamoIngestLedger(dynamo, tables(), config());
    }

    public static CustomerStore customerStore(DynamoDbClient dynamo, Clock clock) {
        return new DynamoCustomerStore(dynamo, tables(), clock, config());
    }

    public static TrafficObservations trafficObservations(DynamoDbClient dynamo) {
        return new DynamoTrafficObservations(dynamo, tables());
    }

    public static HeldEventStore heldEventStore(DynamoDbClient dynamo) {
        return new DynamoHeldEventStore(dynamo, tables(), config());
    }
}
