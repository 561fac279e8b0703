package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.AdminKey;
import dev.loyaltyrelay.domain.AdminKeyStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Admin keys under the merchant's partition of the config table ({@code ADMINKEY#<keyId>}). */
@ApplicationScoped
public class DynamoAdminKeyStore implements AdminKeyStore {

    static final String PREFIX = "ADMINKEY#";
    private final DynamoDbClient dynamo;
    private final Tables tables;

    DynamoAdminKeyStore(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    @Override
    public void save(AdminKey key) {
        var item = new HashMap<String, AttributeValue>();
        item.put(Keys.PK, s(Keys.merchant(key.merchantId())));
        item.put(Keys.SK, s(PREFIX + key.keyId()));
        item.put("sha256", s(key.sha256Hex()));
        item.put("lastFour", s(key.lastFour()));
        item.put("createdAt", n(key.createdAt().toEpochMilli()));
        if (key.revokedAt() != null) {
            item.put("revokedAt", n(key.revokedAt().toEpochMilli()));
        }
        DynamoCalls.call("save admin key", () -> dynamo.putItem(r -> r.tableName(tables.config()).item(item)));
    }

    /** Read consistently: a key revoked a moment ago must not pass. */
    @Override
    public Optional<AdminKey> find(String merchantId, String keyId) {
        var item = DynamoCalls.call("read admin key", () -> dynamo.getItem(r -> r.tableName(tables.config())
                .key(Keys.merchantItem(merchantId, PREFIX + keyId)).consistentRead(true))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(from(merchantId, item));
    }

    @Override
    public List<AdminKey> list(String merchantId) {
        var items = DynamoCalls.call("list admin keys", () -> dynamo.query(r -> r.tableName(tables.config())
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
                .expressionAttributeValues(Map.of(":pk", s(Keys.merchant(merchantId)), ":prefix", s(PREFIX))))).items();
        return items.stream().map(item -> from(merchantId, item)).toList();
    }

    private static AdminKey from(String merchantId, Map<String, AttributeValue> item) {
        return new AdminKey(merchantId, string(item, Keys.SK).substring(PREFIX.length()), string(item, "sha256"), string(item, "lastFour"),
                Instant.ofEpochMilli(number(item, "createdAt").orElse(0L)),
                number(item, "revokedAt").map(Instant::ofEpochMilli).orElse(null));
    }
}
