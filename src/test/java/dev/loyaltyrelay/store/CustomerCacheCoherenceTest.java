package dev.loyaltyrelay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Review 15b. DynamoCustomerStore's warm-container memory ("what this container last wrote") is trusted over the table
 * for half the retention (200 days), though other functions write the same item: the admin function's erasure deletes
 * it (and clears only the admin container's memory), another ingest container rewrites it with other details. A
 * customer then in active traffic is not written back: no item at all (erased), or another webhook's older details.
 */
@QuarkusTest
class CustomerCacheCoherenceTest {

    static final Instant SEEN = Instant.parse("2026-12-02T10:00:00Z");

    @Inject
    DynamoCustomerStore customers;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    Tables tables;
    @Inject
    MutableClock clock;
    @Inject
    dev.loyaltyrelay.config.RelayConfig config;

    @AfterEach
    void clockBack() {
        clock.set(dev.loyaltyrelay.support.Webhooks.SIGNED_AT);
    }

    @Test
    void aCustomerErasedByTheAdminFunction_andSeenAgainByAWarmIngestContainer_isStoredAgain() {
        String merchantId = TestMerchants.freshId();
        CustomerProfile riya = new CustomerProfile(merchantId, "id:c-1", "+919876543210", "riya@example.com", "Riya", null, null, null);
        clock.set(SEEN);
        customers.upsert(riya);
        // The admin function (another container, its own DynamoCustomerStore) erases her: the item goes, this
        // container's memory stays.
        dynamo.deleteItem(r -> r.tableName(tables.config()).key(key(merchantId)));

        clock.set(SEEN.plus(Duration.ofDays(3)));
        customers.upsert(riya);
        assertTrue(item(merchantId).containsKey("mobile"),
                "a customer Nector tells us of again after an erasure is in active traffic: stored again, with an expiry");
    }

    @Test
    void aCustomerChangedByAnotherIngestContainer_andSeenAgainWithTheFirstDetails_holdsTheLatestDetails() {
        String merchantId = TestMerchants.freshId();
        CustomerProfile before = new CustomerProfile(merchantId, "id:c-1", "+919876543210", "riya@example.com", "Riya", null, null, null);
        CustomerProfile changed = new CustomerProfile(merchantId, "id:c-1", "+919876500000", "riya@example.com", "Riya", null, null, null);
        clock.set(SEEN);
        customers.upsert(before);
        // Another ingest container (its own memory) writes her new mobile.
        clock.set(SEEN.plus(Duration.ofMinutes(1)));
        var other = new DynamoCustomerStore(dynamo, tables, clock, config);
        other.upsert(changed);
        assertEquals("+919876500000", item(merchantId).get("mobile").s());
        // Then she changes it back, and this container ingests that webhook.
        clock.set(SEEN.plus(Duration.ofMinutes(2)));
        customers.upsert(before);
        assertEquals("+919876543210", item(merchantId).get("mobile").s(), "the table holds the latest details Nector sent");
    }

    private static Map<String, AttributeValue> key(String merchantId) {
        return Map.of("pk", AttributeValue.fromS(Keys.customers(merchantId)), "sk", AttributeValue.fromS("id:c-1"));
    }

    private Map<String, AttributeValue> item(String merchantId) {
        return dynamo.getItem(r -> r.tableName(tables.config()).key(key(merchantId)).consistentRead(true)).item();
    }
}
