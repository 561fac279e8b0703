package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.s;

import dev.loyaltyrelay.domain.ConfigurationChanged;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Every write to a merchant's configuration, each in one transaction with a new version token on the merchant's
 * {@code VERSION} item: a change is never stored without the version that announces it to other functions' caches
 * (so a change whose answer was lost, and is retried, is found either whole or not at all), and a write whose
 * condition fails stores neither. Then this process is told ({@link ConfigurationChanged}). Two writes for one merchant
 * at once touch the same version item, so DynamoDB may cancel one for the conflict; it is tried again, twice at most.
 */
final class VersionedWrites {

    private static final int ATTEMPTS = 3;
    /** Reasons that mean "a condition of the change did not hold"; "None" marks the items that passed. */
    private static final Set<String> CONDITION_FAILED = Set.of("None", "ConditionalCheckFailed");

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final Consumer<ConfigurationChanged> changes;

    VersionedWrites(DynamoDbClient dynamo, Tables tables, Consumer<ConfigurationChanged> changes) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.changes = changes;
    }

    /**
     * Writes the change (at most 99 items) and a new version in one transaction.
     *
     * @return false, having written nothing, when a condition of the change did not hold
     */
    boolean write(String operation, String merchantId, List<TransactWriteItem> change) {
        List<TransactWriteItem> items = new ArrayList<>(change);
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(tables.config())
                .item(Map.of(Keys.PK, s(Keys.merchant(merchantId)), Keys.SK, s(Keys.VERSION), "version", s(UUID.randomUUID().toString())))
                .build()).build());
        for (int attempt = 1; ; attempt++) {
            boolean mayTryAgain = attempt < ATTEMPTS;
            Boolean written = DynamoCalls.call(operation, () -> {
                try {
                    dynamo.transactWriteItems(r -> r.transactItems(items));
                    return true;
                } catch (TransactionCanceledException cancelled) {
                    if (cancelled.cancellationReasons().stream().allMatch(r -> CONDITION_FAILED.contains(r.code()))) {
                        return false;
                    }
                    if (mayTryAgain && cancelled.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code()))) {
                        return null;
                    }
                    throw cancelled;
                }
            });
            if (written != null) {
                if (written) {
                    changes.accept(new ConfigurationChanged(merchantId));
                }
                return written;
            }
            pause(attempt);
        }
    }

    boolean write(String operation, String merchantId, TransactWriteItem... change) {
        return write(operation, merchantId, List.of(change));
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 30L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
