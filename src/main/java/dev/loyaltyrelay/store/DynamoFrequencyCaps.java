package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

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
 * {@code places} maps each delivery id to its place ({@code at}, {@code holder}, {@code kept}), and {@code version} counts the item's changes.
 * A place is taken by writing the whole map back on the condition that the version is the one read (places that left the
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
    public boolean take(RecipientKey recipient, String deliveryId, String attempt, FrequencyCap cap, Instant now) {
        Map<String, AttributeValue> key = key(recipient);
        Map<String, AttributeValue> item = read(key);
        long windowStart = now.minus(cap.window()).toEpochMilli();
        for (int tries = 0; tries < MOST_TRIES; tries++) {
            Map<String, Place> places = places(item);
            Place own = places.get(deliveryId);
            boolean ownInWindow = own != null && own.at() > windowStart;
            if (ownInWindow && (own.kept() || own.holder().equals(attempt))) {
                return true;
            }
            Map<String, AttributeValue> kept = new HashMap<>();
            places.forEach((holder, place) -> {
                if (place.at() > windowStart) {
                    kept.put(holder, place.value());
                }
            });
            if (!ownInWindow && kept.size() >= cap.messages()) {
                return false;
            }
            // A place not kept is taken over: its holder is gone, or will find the delivery claimed and give back nothing.
            kept.put(deliveryId, new Place(ownInWindow ? own.at() : now.toEpochMilli(), attempt, false).value());
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
    public void giveBack(RecipientKey recipient, String deliveryId, String attempt) {
        var update = new ItemUpdate();
        String place = update.name("places") + "." + update.name(deliveryId);
        // The version moves too, so a take that read the place still there cannot write it back.
        String expression = "REMOVE " + place + " ADD " + update.name("version") + " " + update.value(n(1));
        String condition = place + "." + update.name("holder") + " = " + update.value(s(attempt)) + " AND " + place + "." + update.name("kept")
                + " = " + update.value(AttributeValue.fromBool(false));
        ConditionalUpdate.send("give back a frequency cap place", dynamo, r -> r.tableName(tables.records()).key(key(recipient))
                .updateExpression(expression).conditionExpression(condition)
                .expressionAttributeNames(update.names()).expressionAttributeValues(update.values()));
    }

    @Override
    public void keep(RecipientKey recipient, String deliveryId, String attempt, Instant now) {
        var update = new ItemUpdate();
        // Whatever became of the place meanwhile (given back by a copy that lost its claim, say), the message went: it counts.
        String place = update.name("places") + "." + update.name(deliveryId);
        String expression = "SET " + place + " = " + update.value(new Place(now.toEpochMilli(), attempt, true).value()) + " ADD "
                + update.name("version") + " " + update.value(n(1));
        try {
            DynamoCalls.call("keep a frequency cap place", () -> dynamo.updateItem(r -> r.tableName(tables.records()).key(key(recipient))
                    .updateExpression(expression).expressionAttributeNames(update.names()).expressionAttributeValues(update.values())));
        } catch (StoreRefused noPlacesYet) {
            // The take's item expired, or never was written (its answer lost): a map to set the key in, as a take writes it.
            Map<String, AttributeValue> places = new HashMap<>();
            places.put(deliveryId, new Place(now.toEpochMilli(), attempt, true).value());
            var whole = new ItemUpdate().set("places", AttributeValue.fromM(places)).add("version", 1)
                    .set(Keys.EXPIRES_AT, n(now.plus(FrequencyCap.LONGEST_WINDOW).plus(Duration.ofDays(1)).getEpochSecond()));
            ConditionalUpdate.send("keep a frequency cap place", dynamo, r -> r.tableName(tables.records()).key(key(recipient))
                    .updateExpression(whole.expression()).conditionExpression("attribute_not_exists(" + whole.name("places") + ")")
                    .expressionAttributeNames(whole.names()).expressionAttributeValues(whole.values()));
        }
    }

    @Override
    public int inUse(RecipientKey recipient, FrequencyCap cap, Instant now) {
        long windowStart = now.minus(cap.window()).toEpochMilli();
        return (int) places(read(key(recipient))).values().stream().filter(place -> place.at() > windowStart).count();
    }

    private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
        var response = DynamoCalls.call("read frequency cap places", () -> dynamo.getItem(r -> r.tableName(tables.records()).key(key).consistentRead(true)));
        return response.hasItem() ? response.item() : Map.of();
    }

    /** One delivery's place: when it was taken, the attempt that holds it, and whether its message went (kept). */
    private record Place(long at, String holder, boolean kept) {
        AttributeValue value() {
            return AttributeValue.fromM(Map.of("at", n(at), "holder", s(holder), "kept", AttributeValue.fromBool(kept)));
        }
    }

    private static Map<String, Place> places(Map<String, AttributeValue> item) {
        AttributeValue places = item.get("places");
        Map<String, Place> found = new HashMap<>();
        if (places != null && places.hasM()) {
            places.m().forEach((deliveryId, place) -> {
                if (place.hasM()) {
                    Map<String, AttributeValue> fields = place.m();
                    found.put(deliveryId, new Place(number(fields, "at").orElse(0L), string(fields, "holder") == null ? "" : string(fields, "holder"),
                            Boolean.TRUE.equals(fields.getOrDefault("kept", AttributeValue.fromBool(false)).bool())));
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
