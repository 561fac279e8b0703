package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import jakarta.enterprise.context.ApplicationScoped;
import dev.loyaltyrelay.config.RelayConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The store's customers, one item per customer in the merchant's customer partition, found by mobile or email
 * through two sparse indexes. Every webhook about a customer is a consistent read of the stored details, and a
 * conditional write only when they differ (or their expiry is due): the table, not a container's memory, decides, so
 * a customer erased by the admin function, or changed by another container, is written again with the latest details
 * Nector sent (CustomerCacheCoherenceTest). A container's memory once skipped even the read; it could keep an erased
 * customer gone and older details in place for as long as it lived.
 *
 * <p>Personal data is not kept forever: each item expires ({@code expiresAt}, the config table's TTL attribute)
 * {@code relay.ingest.customer-retention} (400 days) after it was last written, and a webhook about the customer
 * rewrites it once half of that has passed, so a customer Nector still tells us of stays and one it stopped telling us
 * of goes.
 */
@ApplicationScoped
public class DynamoCustomerStore implements CustomerStore {

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final Clock clock;
    private final Duration retention;

    DynamoCustomerStore(DynamoDbClient dynamo, Tables tables, Clock clock, RelayConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.clock = clock;
        this.retention = config.ingest().customerRetention();
    }

    @Override
    public UpsertResult upsert(CustomerProfile profile) {
        String hash = profile.contentHash();
        long now = clock.millis();
        long refreshAfterMillis = retention.toMillis() / 2;
        var names = new HashMap<String, String>();
        var values = new HashMap<String, AttributeValue>();
        var set = new StringBuilder("SET #hash = :hash, #updatedAt = :updatedAt, #expiresAt = :expiresAt");
        names.put("#hash", "contentHash");
        names.put("#updatedAt", "updatedAt");
        names.put("#expiresAt", Keys.EXPIRES_AT);
        values.put(":hash", s(hash));
        values.put(":updatedAt", n(now));
        values.put(":expiresAt", n((now + retention.toMillis()) / 1000));
        // Unchanged details are rewritten only to move the expiry on, once half the retention has passed.
        values.put(":refreshBefore", n((now + retention.toMillis() - refreshAfterMillis) / 1000));
        var remove = new StringBuilder();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("mobile", profile.mobile());
        fields.put("email", profile.email());
        fields.put("name", profile.name());
        fields.put("tier", profile.tier());
        fields.put("customerType", profile.type());
        fields.put("referralCode", profile.referralCode());
        fields.put(Keys.MOBILE_KEY, profile.mobile() == null ? null : profile.merchantId() + "#" + profile.mobile());
        fields.put(Keys.EMAIL_KEY, profile.email() == null ? null : profile.merchantId() + "#" + profile.email());
        int i = 0;
        for (var field : fields.entrySet()) {
            String name = "#f" + i;
            names.put(name, field.getKey());
            if (field.getValue() == null) {
                remove.append(remove.isEmpty() ? " REMOVE " : ", ").append(name);
            } else {
                values.put(":v" + i, s(field.getValue()));
                set.append(", ").append(name).append(" = :v").append(i);
            }
            i++;
        }
        var key = Map.of(Keys.PK, s(Keys.customers(profile.merchantId())), Keys.SK, s(profile.customerKey()));
        // A consistent read first (1 read unit; the item is under 4 KB): a customer seen again with the same details, the
        // common case, costs that instead of a conditional write that fails (billed 1 write unit, five times the price).
        // The write below keeps its condition, so a change between the read and the write is still the table's to decide.
        var stored = DynamoCalls.call("read customer", () -> dynamo.getItem(r -> r.tableName(tables.config()).key(key).consistentRead(true)
                .projectionExpression("#hash, #expiresAt").expressionAttributeNames(Map.of("#hash", "contentHash", "#expiresAt", Keys.EXPIRES_AT))))
                .item();
        if (stored != null && hash.equals(Attributes.string(stored, "contentHash"))
                && Attributes.number(stored, Keys.EXPIRES_AT).map(expiresAt -> expiresAt >= (now + retention.toMillis() - refreshAfterMillis) / 1000)
                        .orElse(false)) {
            return UpsertResult.UNCHANGED;
        }
        try {
            DynamoCalls.call("upsert customer", () -> dynamo.updateItem(r -> r.tableName(tables.config())
                    .key(key)
                    .updateExpression(set + remove.toString())
                    .conditionExpression("attribute_not_exists(#hash) OR #hash <> :hash OR attribute_not_exists(#expiresAt) OR #expiresAt < :refreshBefore")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            return UpsertResult.CREATED_OR_CHANGED;
        } catch (ConditionalCheckFailedException unchanged) {
            // The stored details are these, and their expiry is not yet due for a refresh: nothing to write.
            return UpsertResult.UNCHANGED;
        }
    }

    @Override
    public Optional<CustomerProfile> findByMobile(String merchantId, String e164) {
        return findBy(Keys.BY_MOBILE_INDEX, Keys.MOBILE_KEY, merchantId + "#" + e164, merchantId);
    }

    @Override
    public Optional<CustomerProfile> findByEmail(String merchantId, String email) {
        return findBy(Keys.BY_EMAIL_INDEX, Keys.EMAIL_KEY, merchantId + "#" + email, merchantId);
    }

    @Override
    public java.util.List<CustomerProfile> withAddress(String merchantId, dev.loyaltyrelay.domain.Recipient address) {
        boolean mobile = address.kind() == dev.loyaltyrelay.domain.CommonProperty.MOBILE;
        String index = mobile ? Keys.BY_MOBILE_INDEX : Keys.BY_EMAIL_INDEX;
        String attribute = mobile ? Keys.MOBILE_KEY : Keys.EMAIL_KEY;
        var found = new java.util.ArrayList<CustomerProfile>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            var response = DynamoCalls.call("find customers", () -> dynamo.query(r -> {
                r.tableName(tables.config()).indexName(index)
                        .keyConditionExpression("#k = :k")
                        .expressionAttributeNames(Map.of("#k", attribute))
                        .expressionAttributeValues(Map.of(":k", s(merchantId + "#" + address.address())));
                if (from != null) {
                    r.exclusiveStartKey(from);
                }
            }));
            response.items().forEach(item -> found.add(profileFrom(merchantId, item)));
            startKey = Cursors.next(response);
        } while (startKey != null);
        return found;
    }

    private Optional<CustomerProfile> findBy(String index, String attribute, String key, String merchantId) {
        var response = DynamoCalls.call("find customer", () -> dynamo.query(r -> r.tableName(tables.config()).indexName(index)
                .keyConditionExpression("#k = :k")
                .expressionAttributeNames(Map.of("#k", attribute))
                .expressionAttributeValues(Map.of(":k", s(key)))
                .limit(1)));
        return response.items().stream().findFirst().map(item -> profileFrom(merchantId, item));
    }

    private static CustomerProfile profileFrom(String merchantId, Map<String, AttributeValue> item) {
        return new CustomerProfile(merchantId, string(item, Keys.SK), string(item, "mobile"), string(item, "email"), string(item, "name"),
                string(item, "tier"), string(item, "customerType"), string(item, "referralCode"));
    }

    @Override
    public void erase(CustomerProfile profile) {
        DynamoCalls.call("erase customer", () -> dynamo.deleteItem(r -> r.tableName(tables.config())
                .key(java.util.Map.of(Keys.PK, Attributes.s(Keys.customers(profile.merchantId())), Keys.SK, Attributes.s(profile.customerKey())))));
    }
}
