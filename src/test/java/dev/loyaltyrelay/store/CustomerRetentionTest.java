package dev.loyaltyrelay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore.UpsertResult;
import dev.loyaltyrelay.support.LocalAws;
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
 * Customers learned from webhooks (name, mobile, email) expire through the config table's TTL 400 days after Nector
 * last told us of them: a customer still in the traffic has the expiry moved on (once half of it has passed, so not a
 * rewrite per webhook: the conditional write fails before then), one no longer in it is removed by DynamoDB.
 */
@QuarkusTest
class CustomerRetentionTest {

    static final Instant FIRST_SEEN = Instant.parse("2026-12-02T10:00:00Z");

    @Inject
    DynamoCustomerStore customers;
    @Inject
    DynamoDbClient dynamo;
    @Inject
    Tables tables;
    @Inject
    MutableClock clock;
    @Inject
    RelayConfig config;

    @AfterEach
    void clockBack() {
        clock.set(dev.loyaltyrelay.support.Webhooks.SIGNED_AT);
    }

    @Test
    void aCustomerExpires400DaysAfterLastSeen_andAWebhookAboutThemMovesTheExpiryOn_atMostOncePerHalfRetention() {
        Duration retention = config.ingest().customerRetention();
        assertEquals(Duration.ofDays(400), retention);
        String merchantId = TestMerchants.freshId();
        CustomerProfile riya = new CustomerProfile(merchantId, "id:c-1", "+919876543210", "riya@example.com", "Riya", null, null, null);
        clock.set(FIRST_SEEN);

        assertEquals(UpsertResult.CREATED_OR_CHANGED, customers.upsert(riya));
        assertEquals(FIRST_SEEN.plus(retention).getEpochSecond(), expiresAt(merchantId));

        clock.set(FIRST_SEEN.plus(Duration.ofDays(150)));
        assertEquals(UpsertResult.UNCHANGED, customers.upsert(riya), "seen again, unchanged, early: the condition fails, nothing changes");
        assertEquals(FIRST_SEEN.plus(retention).getEpochSecond(), expiresAt(merchantId));

        Instant later = FIRST_SEEN.plus(Duration.ofDays(250));
        clock.set(later);
        assertEquals(UpsertResult.CREATED_OR_CHANGED, customers.upsert(riya), "past half the retention, the same details are rewritten");
        assertEquals(later.plus(retention).getEpochSecond(), expiresAt(merchantId));

        clock.set(later.plus(Duration.ofDays(1)));
        assertEquals(UpsertResult.UNCHANGED, customers.upsert(riya), "nothing changes again so soon");
    }

    @Test
    void theConfigTable_expiresItemsByExpiresAt() {
        var ttl = dynamo.describeTimeToLive(r -> r.tableName(tables.config())).timeToLiveDescription();
        assertEquals("expiresAt", ttl.attributeName());
    }

    private long expiresAt(String merchantId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tables.config())
                .key(Map.of("pk", AttributeValue.fromS(Keys.customers(merchantId)), "sk", AttributeValue.fromS("id:c-1")))).item();
        return Long.parseLong(item.get("expiresAt").n());
    }
}
