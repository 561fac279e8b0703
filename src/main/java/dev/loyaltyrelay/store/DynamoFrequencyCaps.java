package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;

import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.FrequencyCaps;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * A recipient's places in the cap as one item beside their consent ({@code RECIPIENT#<keyed hash>} / {@code FREQUENCY}):
 * {@code places} maps each attempt's place ({@code <deliveryId>#<attempt>}) to when it was taken, and {@code version} counts the item's changes. A place
 * is taken by writing the whole map back on the condition that the version is the one read (places that left the
 * window dropped on the way), so of two deliveries racing for the last place one wins and the other reads the item
 * again from the refusal and finds the cap full. The item expires a day after its window would have emptied.
 */
@ApplicationScoped
public class DynamoFrequencyCaps implements FrequencyCaps {

    static final String FREQUENCY = "FREQUENCY";
    /** Races lost before giving up; each loss means another delivery took or gave back a place meanwhile. */
    private static final int MOST_TRIES = 25;

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RecipientKeyring keyring;

    DynamoFrequencyCaps(DynamoDbClient dynamo, Tables tables, RecipientKeyring keyring) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.keyring = keyring;
    }

    @Override
    public boolean take(RecipientKey recipient, String deliveryId, String place, FrequencyCap cap, Instant now) {
        Map<String, AttributeValue> key = key(recipient);
        Map<String, AttributeValue> item = read(key);
        long windowStart = now.minus(cap.window()).toEpochMilli();
        String ofTheDelivery = deliveryId + "#";
        for (int tries = 0; tries < MOST_TRIES; tries++) {
            Map<String, Long> places = places(item);
            boolean heldAlready = places.containsKey(place) || places.entrySet().stream()
                    .anyMatch(held -> held.getKey().startsWith(ofTheDelivery) && held.getValue() > windowStart);
            if (heldAlready) {
                return true;
            }
            Map<String, AttributeValue> kept = new HashMap<>();
            places.forEach((holder, at) -> {
                if (at > windowStart) {
                    kept.put(holder, n(at));
                }
            });
            if (kept.size() >= cap.messages()) {
                return false;
            }
            kept.put(place, n(now.toEpochMilli()));
            Long version = number(item, "version").orElse(null);
            var update = new ItemUpdate()
                    .set("places", AttributeValue.fromM(kept))
                    .set("version", n(version == null ? 1 : version + 1))
                    .set(Keys.EXPIRES_AT, n(now.plus(cap.window()).plus(Duration.ofDays(1)).getEpochSecond()));
            String condition = version == null ? "attribute_not_exists(" + update.name("version") + ")"
                    : update.name("version") + " = " + update.value(n(version));
            ConditionalUpdate written = ConditionalUpdate.send("take a frequency cap place", dynamo, r -> r.tableName(tables.records()).key(key)
                    .updateExpression(update.expression()).conditionExpression(condition).expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values()).returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            if (written.applied()) {
                return true;
            }
            item = written.item();
            pauseAfterLosing(tries);
        }
        throw new StoreUnavailable("take a frequency cap place", new IllegalStateException("lost " + MOST_TRIES + " races for the item"));
    }

    @Override
    public void giveBack(RecipientKey recipient, String attemptPlace) {
        var update = new ItemUpdate();
        String place = update.name("places") + "." + update.name(attemptPlace);
        // The version moves too, so a take that read the place still there cannot write it back.
        String expression = "REMOVE " + place + " ADD " + update.name("version") + " " + update.value(n(1));
        ConditionalUpdate.send("give back a frequency cap place", dynamo, r -> r.tableName(tables.records()).key(key(recipient))
                .updateExpression(expression).conditionExpression("attribute_exists(" + place + ")")
                .expressionAttributeNames(update.names()).expressionAttributeValues(update.values()));
    }

    @Override
    public int inUse(RecipientKey recipient, FrequencyCap cap, Instant now) {
        long windowStart = now.minus(cap.window()).toEpochMilli();
        return (int) places(read(key(recipient))).values().stream().filter(at -> at > windowStart).count();
    }

    private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
        var response = DynamoCalls.call("read frequency cap places", () -> dynamo.getItem(r -> r.tableName(tables.records()).key(key).consistentRead(true)));
        return response.hasItem() ? response.item() : Map.of();
    }

    private static Map<String, Long> places(Map<String, AttributeValue> item) {
        AttributeValue places = item.get("places");
        Map<String, Long> found = new HashMap<>();
        if (places != null && places.hasM()) {
            places.m().forEach((holder, at) -> {
                if (at.n() != null) {
                    found.put(holder, Long.parseLong(at.n()));
                }
            });
        }
        return found;
    }

    private Map<String, AttributeValue> key(RecipientKey recipient) {
        return DynamoRecipientPolicies.key(keyring.hash(recipient), FREQUENCY);
    }

    /** A short random pause, longer after each loss, so the racers do not meet again at once. */
    private static void pauseAfterLosing(int tries) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L + 5L * Math.min(tries, 8)));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("take a frequency cap place", interrupted);
        }
    }
}
