package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;

import dev.loyaltyrelay.domain.RecipientPolicies;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Recipient policies in the records table ({@code RECIPIENT#<keyed hash>} / {@code POLICY}), read for a whole batch
 * of deliveries with one BatchGetItem. An erasure is kept {@link #ERASURE_KEPT}: longer than any job about the person
 * can still be queued (the dead-letter queues keep letters 14 days, and a redrive gives a day more).
 */
@ApplicationScoped
public class DynamoRecipientPolicies implements RecipientPolicies {

    static final String POLICY = "POLICY";
    static final Duration ERASURE_KEPT = Duration.ofDays(30);
    private static final int BATCH_GET_LIMIT = 100;

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RecipientKeyring keyring;

    DynamoRecipientPolicies(DynamoDbClient dynamo, Tables tables, RecipientKeyring keyring) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.keyring = keyring;
    }

    @Override
    public Map<RecipientKey, RecipientPolicy> lookup(Collection<RecipientKey> recipients) {
        Map<String, RecipientKey> byHash = new LinkedHashMap<>();
        recipients.forEach(recipient -> byHash.put(keyring.hash(recipient), recipient));
        Map<RecipientKey, RecipientPolicy> found = new HashMap<>();
        List<String> hashes = new ArrayList<>(byHash.keySet());
        for (int from = 0; from < hashes.size(); from += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = hashes.subList(from, Math.min(from + BATCH_GET_LIMIT, hashes.size())).stream()
                    .map(DynamoRecipientPolicies::key).toList();
            Map<String, KeysAndAttributes> pending = Map.of(tables.records(), KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            // DynamoDB may leave keys unprocessed under load: ask again for those, a bounded number of times.
            for (int round = 0; round < 5 && !pending.isEmpty(); round++) {
                Map<String, KeysAndAttributes> request = pending;
                var response = DynamoCalls.call("read recipient policies", () -> dynamo.batchGetItem(r -> r.requestItems(request)));
                response.responses().getOrDefault(tables.records(), List.of()).forEach(item -> {
                    String hash = item.get(Keys.PK).s().substring(PREFIX.length());
                    RecipientKey recipient = byHash.get(hash);
                    if (recipient != null) {
                        found.put(recipient, new RecipientPolicy(number(item, "erasedAt").map(Instant::ofEpochMilli).orElse(null)));
                    }
                });
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
            if (!pending.isEmpty()) {
                throw new dev.loyaltyrelay.domain.StoreUnavailable("read recipient policies", new IllegalStateException("keys left unprocessed"));
            }
        }
        return found;
    }

    @Override
    public java.util.Optional<RecipientPolicy> find(RecipientKey recipient) {
        var item = DynamoCalls.call("read recipient policy", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(key(keyring.hash(recipient))).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new RecipientPolicy(number(item, "erasedAt").map(Instant::ofEpochMilli).orElse(null)));
    }

    @Override
    public void recordErasure(RecipientKey recipient, Instant at) {
        var update = new ItemUpdate()
                .set("erasedAt", n(at.toEpochMilli()))
                .set(Keys.EXPIRES_AT, n(at.plus(ERASURE_KEPT).getEpochSecond()));
        DynamoCalls.call("record erasure", () -> dynamo.updateItem(r -> r.tableName(tables.records()).key(key(keyring.hash(recipient)))
                .updateExpression(update.expression()).expressionAttributeNames(update.names()).expressionAttributeValues(update.values())));
    }

    private static final String PREFIX = "RECIPIENT#";

    private static Map<String, AttributeValue> key(String hash) {
        return Map.of(Keys.PK, s(PREFIX + hash), Keys.SK, s(POLICY));
    }
}
