package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/** Held events in the records table, one partition per merchant so they can be listed and replayed. */
@ApplicationScoped
public class DynamoHeldEventStore implements HeldEventStore {

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RelayConfig.Ingest settings;

    DynamoHeldEventStore(DynamoDbClient dynamo, Tables tables, RelayConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.settings = config.ingest();
    }

    @Override
    public void hold(HeldEvent event) {
        var item = new HashMap<String, AttributeValue>();
        item.put(Keys.PK, s(Keys.held(event.merchantId())));
        item.put(Keys.SK, s(event.nectorDeliveryId()));
        item.put("topic", s(event.topic()));
        item.put("reason", s(event.reason()));
        item.put("detail", s(event.detail()));
        item.put("headers", AttributeValue.fromM(event.headers().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> s(e.getValue())))));
        item.put("body", s(event.body()));
        item.put("receivedAt", n(event.receivedAt().toEpochMilli()));
        item.put(Keys.EXPIRES_AT, n(event.receivedAt().plus(settings.heldRetention()).getEpochSecond()));
        try {
            DynamoCalls.call("hold event", () -> dynamo.putItem(r -> r.tableName(tables.records()).item(item)
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
        } catch (ConditionalCheckFailedException alreadyHeld) {
            // Nector retried an event already held: the first copy stays.
        }
    }

    @Override
    public void release(String merchantId, String nectorDeliveryId) {
        DynamoCalls.call("release held event", () -> dynamo.deleteItem(r -> r.tableName(tables.records())
                .key(Map.of(Keys.PK, s(Keys.held(merchantId)), Keys.SK, s(nectorDeliveryId)))));
    }

    @Override
    public java.util.Optional<HeldEvent> find(String merchantId, String nectorDeliveryId) {
        var item = DynamoCalls.call("read held event", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(Map.of(Keys.PK, s(Keys.held(merchantId)), Keys.SK, s(nectorDeliveryId))))).item();
        return item == null || item.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(heldEvent(merchantId, item));
    }

    private static HeldEvent heldEvent(String merchantId, Map<String, AttributeValue> item) {
        return new HeldEvent(merchantId, string(item, Keys.SK), string(item, "topic"), string(item, "reason"), string(item, "detail"),
                item.get("headers").m().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().s())),
                string(item, "body"), Instant.ofEpochMilli(number(item, "receivedAt").orElse(0L)));
    }

    @Override
    public HeldPage page(String merchantId, String afterDeliveryId, int limit) {
        var response = DynamoCalls.call("list held events", () -> dynamo.query(r -> {
            r.tableName(tables.records())
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":pk", s(Keys.held(merchantId))))
                    .limit(limit);
            if (afterDeliveryId != null) {
                r.exclusiveStartKey(Map.of(Keys.PK, s(Keys.held(merchantId)), Keys.SK, s(afterDeliveryId)));
            }
        }));
        List<HeldEvent> events = response.items().stream().map(item -> heldEvent(merchantId, item)).toList();
        String continueAfter = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? string(response.lastEvaluatedKey(), Keys.SK) : null;
        return new HeldPage(events, continueAfter);
    }
}
