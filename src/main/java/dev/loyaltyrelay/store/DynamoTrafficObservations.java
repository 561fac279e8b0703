package dev.loyaltyrelay.store;

import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.ObservedEvent;
import dev.loyaltyrelay.domain.ObservedEvent.JsonType;
import dev.loyaltyrelay.domain.ObservedTopic;
import dev.loyaltyrelay.domain.ObservedTopic.ObservedProperty;
import dev.loyaltyrelay.domain.ObservedTopic.SchemeMatches;
import dev.loyaltyrelay.domain.TrafficObservations;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Traffic observations in the config table, one item per merchant and topic ({@code O#<merchant>} / {@code TOPIC#<topic>}),
 * in a partition of their own so the merchant's configuration load never reads them. An event costs one
 * {@code UpdateItem}: {@code ADD} counters and type sets, {@code SET} times and the event's sequence number per name
 * (top-level attributes {@code c:<name>}, {@code t:<name>}, {@code s:<name>}, {@code l:<name>}, since DynamoDB cannot
 * add to a map entry that does not exist yet). An event with more than {@link #NAMES_PER_CALL} names takes a call per
 * that many, as an update expression may be at most 4 KB.
 *
 * <p>The cap on names is kept by a condition: a call that adds names not known to be in the item requires the item's
 * name set to leave room for them. When it does not, the failed condition returns the item, and the call is made again
 * with the names that fit; the others are counted in {@code notKept}. A warm container remembers each item's names (from
 * the update's answer), so a topic's usual names cost no condition at all.
 */
@ApplicationScoped
public class DynamoTrafficObservations implements TrafficObservations {

    /** Names per update: an expression of this many stays well under DynamoDB's 4 KB. */
    static final int NAMES_PER_CALL = 40;
    private static final int REMEMBERED_TOPICS = 5_000;
    private static final String EVENTS = "events";
    private static final String LAST_SEEN = "lastSeen";
    private static final String NAMES = "names";
    private static final String NOT_KEPT = "notKept";
    private static final String MISMATCH = "sig:none";

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final Map<String, Set<String>> knownNames = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > REMEMBERED_TOPICS;
        }
    });

    DynamoTrafficObservations(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    static String partition(String merchantId) {
        return "O#" + merchantId;
    }

    @Override
    public void record(String merchantId, ObservedEvent event, Instant at) {
        String cacheKey = merchantId + "\u0000" + event.topic();
        List<String> names = new ArrayList<>(new TreeSet<>(event.properties().keySet()));
        int leftOut = event.namesLeftOut();
        if (names.isEmpty()) {
            update(merchantId, event, at, List.of(), true, leftOut, cacheKey);
            return;
        }
        for (int from = 0; from < names.size(); from += NAMES_PER_CALL) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + NAMES_PER_CALL));
            update(merchantId, event, at, chunk, from == 0, from == 0 ? leftOut : 0, cacheKey);
        }
    }

    /** One update: the event's counters when {@code first}, and the names of {@code chunk} within the cap. */
    private void update(String merchantId, ObservedEvent event, Instant at, List<String> chunk, boolean first, int leftOut, String cacheKey) {
        Set<String> known = knownNames.getOrDefault(cacheKey, Set.of());
        List<String> fresh = chunk.stream().filter(name -> !known.contains(name)).toList();
        try {
            remember(cacheKey, send(merchantId, event, at, chunk, first, leftOut, fresh.size()));
        } catch (ConditionalCheckFailedException full) {
            // The item has no room for every new name: keep those it already has and as many new ones as fit.
            Map<String, AttributeValue> item = full.hasItem() ? full.item() : Map.of();
            Set<String> stored = item.containsKey(NAMES) ? new HashSet<>(item.get(NAMES).ss()) : Set.of();
            int room = Math.max(0, MAX_NAMES_PER_TOPIC - stored.size());
            List<String> kept = new ArrayList<>();
            int dropped = 0;
            for (String name : chunk) {
                if (stored.contains(name)) {
                    kept.add(name);
                } else if (room > 0) {
                    kept.add(name);
                    room--;
                } else {
                    dropped++;
                }
            }
            long newNames = kept.stream().filter(name -> !stored.contains(name)).count();
            try {
                remember(cacheKey, send(merchantId, event, at, kept, first, leftOut + dropped, (int) newNames));
            } catch (ConditionalCheckFailedException raced) {
                // Another container filled the room meanwhile: this event's names are not kept, and that is all.
            }
        }
    }

    private void remember(String cacheKey, UpdateItemResponse response) {
        if (response.hasAttributes() && response.attributes().containsKey(NAMES)) {
            knownNames.put(cacheKey, Set.copyOf(response.attributes().get(NAMES).ss()));
        }
    }

    private UpdateItemResponse send(String merchantId, ObservedEvent event, Instant at, List<String> names, boolean first, int leftOut,
            int newNames) {
        Map<String, String> attributeNames = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> set = new ArrayList<>();
        List<String> add = new ArrayList<>();
        attributeNames.put("#e", EVENTS);
        values.put(":o", AttributeValue.fromN("1"));
        values.put(":z", AttributeValue.fromN("0"));
        values.put(":n", AttributeValue.fromN(Long.toString(at.toEpochMilli())));
        boolean teaches = event.signatureScheme().isPresent();
        if (first) {
            if (teaches) {
                set.add("#e = if_not_exists(#e, :z) + :o");
                attributeNames.put("#ls", LAST_SEEN);
                set.add("#ls = :n");
            } else {
                attributeNames.put("#sig", MISMATCH);
                add.add("#sig :o");
            }
            event.signatureScheme().ifPresent(scheme -> {
                attributeNames.put("#sig", "sig:" + scheme.wireName());
                attributeNames.put("#sigFirst", "sigFirst:" + scheme.wireName());
                attributeNames.put("#sigLast", "sigLast:" + scheme.wireName());
                add.add("#sig :o");
                set.add("#sigFirst = if_not_exists(#sigFirst, :n)");
                set.add("#sigLast = :n");
            });
        }
        // Names left out are counted by whichever call of the event meets the cap, not only its first.
        if (leftOut > 0) {
            attributeNames.put("#nk", NOT_KEPT);
            values.put(":nk", AttributeValue.fromN(Integer.toString(leftOut)));
            add.add("#nk :nk");
        }
        // Later calls of one event read the counter the first one moved on: the sequence number is the event's.
        String sequence = first ? "if_not_exists(#e, :z) + :o" : "if_not_exists(#e, :o)";
        if (!names.isEmpty()) {
            attributeNames.put("#names", NAMES);
            values.put(":names", AttributeValue.fromSs(names));
            add.add("#names :names");
        }
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            attributeNames.put("#c" + i, "c:" + name);
            attributeNames.put("#t" + i, "t:" + name);
            attributeNames.put("#s" + i, "s:" + name);
            attributeNames.put("#l" + i, "l:" + name);
            values.put(":t" + i, AttributeValue.fromSs(event.properties().get(name).stream().map(JsonType::wireName).toList()));
            add.add("#c" + i + " :o");
            add.add("#t" + i + " :t" + i);
            set.add("#s" + i + " = " + sequence);
            set.add("#l" + i + " = :n");
        }
        if (set.isEmpty() && add.isEmpty()) {
            // Nothing of this call is left to write (every name of it fell outside the cap and none was left out).
            return UpdateItemResponse.builder().build();
        }
        StringBuilder expression = new StringBuilder();
        if (!set.isEmpty()) {
            expression.append("SET ").append(String.join(", ", set));
        }
        if (!add.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("ADD ").append(String.join(", ", add));
        }
        // Keep only the placeholders the expression names: DynamoDB refuses unused ones.
        Set<String> named = placeholders(expression);
        values.keySet().removeIf(placeholder -> !named.contains(placeholder));
        attributeNames.keySet().removeIf(placeholder -> !named.contains(placeholder));
        var request = UpdateItemRequest.builder().tableName(tables.config())
                .key(Map.of(Keys.PK, AttributeValue.fromS(partition(merchantId)), Keys.SK, AttributeValue.fromS("TOPIC#" + event.topic())))
                .updateExpression(expression.toString())
                .returnValues(names.isEmpty() ? ReturnValue.NONE : ReturnValue.UPDATED_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
        if (newNames > 0) {
            attributeNames.put("#names", NAMES);
            values.put(":room", AttributeValue.fromN(Integer.toString(MAX_NAMES_PER_TOPIC - newNames)));
            request.conditionExpression("attribute_not_exists(#names) OR size(#names) <= :room");
        }
        request.expressionAttributeNames(attributeNames);
        if (!values.isEmpty()) {
            request.expressionAttributeValues(values);
        }
        return DynamoCalls.call("record traffic observation", () -> dynamo.updateItem(request.build()));
    }

    /** Whether {@code placeholder} occurs in the expression as a whole token ({@code :t1} is not in {@code :t12}). */
    /** The placeholders ({@code #name}, {@code :value}) an expression names, read in one pass. */
    static Set<String> placeholders(CharSequence expression) {
        Set<String> found = new HashSet<>();
        int length = expression.length();
        for (int at = 0; at < length; at++) {
            char c = expression.charAt(at);
            if (c == '#' || c == ':') {
                int end = at + 1;
                while (end < length && Character.isLetterOrDigit(expression.charAt(end))) {
                    end++;
                }
                if (end > at + 1) {
                    found.add(expression.subSequence(at, end).toString());
                }
                at = end - 1;
            }
        }
        return found;
    }

    @Override
    public List<ObservedTopic> list(String merchantId) {
        List<ObservedTopic> topics = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            var request = QueryRequest.builder().tableName(tables.config()).keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition(merchantId))))
                    .consistentRead(true);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse page = DynamoCalls.call("list traffic observations", () -> dynamo.query(request.build()));
            page.items().forEach(item -> topics.add(topic(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        topics.sort(Comparator.comparing(ObservedTopic::topic));
        return topics;
    }

    private static ObservedTopic topic(Map<String, AttributeValue> item) {
        String topic = item.get(Keys.SK).s().substring("TOPIC#".length());
        long events = Attributes.number(item, EVENTS).orElse(0L);
        List<ObservedProperty> properties = new ArrayList<>();
        if (item.containsKey(NAMES)) {
            for (String name : new TreeSet<>(item.get(NAMES).ss())) {
                List<JsonType> types = item.containsKey("t:" + name)
                        ? item.get("t:" + name).ss().stream().map(t -> JsonType.valueOf(t.toUpperCase(java.util.Locale.ROOT))).sorted().toList()
                        : List.of();
                long sequence = Attributes.number(item, "s:" + name).orElse(0L);
                properties.add(new ObservedProperty(name, types, Attributes.number(item, "c:" + name).orElse(0L),
                        instant(item, "l:" + name), Math.max(0, events - sequence)));
            }
        }
        Map<BodySignatureScheme, SchemeMatches> matches = new EnumMap<>(BodySignatureScheme.class);
        for (BodySignatureScheme scheme : BodySignatureScheme.values()) {
            Attributes.number(item, "sig:" + scheme.wireName()).filter(count -> count > 0).ifPresent(count -> matches.put(scheme,
                    new SchemeMatches(count, instant(item, "sigFirst:" + scheme.wireName()), instant(item, "sigLast:" + scheme.wireName()))));
        }
        return new ObservedTopic(topic, events, instant(item, LAST_SEEN), properties, Attributes.number(item, NOT_KEPT).orElse(0L), matches,
                Attributes.number(item, MISMATCH).orElse(0L));
    }

    /** Times are epoch milliseconds: a number is smaller than ISO text, and every name carries one. */
    private static Instant instant(Map<String, AttributeValue> item, String attribute) {
        return Attributes.number(item, attribute).map(Instant::ofEpochMilli).orElse(null);
    }
}
