package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.domain.RecipientPolicies.Consent;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.StoreUnavailable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes consent items ({@code RECIPIENT#<keyed hash>} / {@code CONSENT#<CHANNEL>}): one whole item per recipient and
 * channel, so a write is a put that repeats safely. One change is one UpdateItem; many (a bulk opt-out of up to 10,000)
 * go 25 to a BatchWriteItem, a few calls at once. No item carries an expiry: an opt-out is kept until changed.
 */
final class RecipientConsents {

    private static final int BATCH_WRITE_LIMIT = 25;
    private static final int CALLS_AT_ONCE = 8;

    private final DynamoDbClient dynamo;
    private final Tables tables;

    RecipientConsents(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    static Map<String, AttributeValue> item(Map<String, AttributeValue> key, Consent consent) {
        var item = new HashMap<>(key);
        item.put("optedOut", bool(consent.optedOut()));
        item.put("changedAt", n(consent.changedAt().toEpochMilli()));
        item.put("source", s(consent.source().name()));
        return item;
    }

    static Optional<Consent> consent(Map<String, AttributeValue> item) {
        Optional<Instant> changedAt = number(item, "changedAt").map(Instant::ofEpochMilli);
        if (changedAt.isEmpty() || item.get("optedOut") == null) {
            return Optional.empty();
        }
        String source = string(item, "source");
        return Optional.of(new Consent(bool(item, "optedOut", false), changedAt.get(),
                "PROVIDER".equals(source) ? ConsentSource.PROVIDER : "CUSTOMER".equals(source) ? ConsentSource.CUSTOMER : ConsentSource.MERCHANT));
    }

    /** Writes the items (one per key); throws {@link StoreUnavailable} when some could not be written (all may be written again). */
    void write(List<Map<String, AttributeValue>> items) {
        if (items.size() == 1) {
            // An update rather than a put: the delivery functions, which record a provider's opt-out, may update only.
            var item = items.getFirst();
            var update = new ItemUpdate();
            item.forEach((name, value) -> {
                if (!name.equals(Keys.PK) && !name.equals(Keys.SK)) {
                    update.set(name, value);
                }
            });
            DynamoCalls.call("record consent", () -> dynamo.updateItem(r -> r.tableName(tables.records())
                    .key(Map.of(Keys.PK, item.get(Keys.PK), Keys.SK, item.get(Keys.SK))).updateExpression(update.expression())
                    .expressionAttributeNames(update.names()).expressionAttributeValues(update.values())));
            return;
        }
        List<List<Map<String, AttributeValue>>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += BATCH_WRITE_LIMIT) {
            chunks.add(items.subList(from, Math.min(from + BATCH_WRITE_LIMIT, items.size())));
        }
        Semaphore slots = new Semaphore(CALLS_AT_ONCE);
        List<Future<?>> calls = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var chunk : chunks) {
                calls.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        writeChunk(chunk);
                    } finally {
                        slots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                try {
                    call.get();
                } catch (ExecutionException failed) {
                    if (failed.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new StoreUnavailable("record consent", failed.getCause());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailable("record consent", interrupted);
                }
            }
        }
    }

    private void writeChunk(List<Map<String, AttributeValue>> chunk) throws InterruptedException {
        List<WriteRequest> pending = chunk.stream().map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                .toList();
        // DynamoDB may leave items unprocessed under load: write those again, backing off, a bounded number of times.
        for (int round = 0; round < 6 && !pending.isEmpty(); round++) {
            if (round > 0) {
                Thread.sleep(50L << round);
            }
            List<WriteRequest> request = pending;
            var response = DynamoCalls.call("record consent", () -> dynamo.batchWriteItem(r -> r.requestItems(Map.of(tables.records(), request))));
            pending = response.hasUnprocessedItems() ? response.unprocessedItems().getOrDefault(tables.records(), List.of()) : List.of();
        }
        if (!pending.isEmpty()) {
            throw new StoreUnavailable("record consent", new IllegalStateException(pending.size() + " items left unprocessed"));
        }
    }
}
