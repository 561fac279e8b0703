package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;

import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import dev.loyaltyrelay.domain.StoreUnavailable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * One item per merchant and day in the records table ({@code FIG#<merchant>} / {@code <yyyy-mm-dd>}), one number
 * attribute per {@code provider|topic|outcome|reason}, bumped with {@code ADD}: a batch's increments for one
 * merchant and day are one write. Figures are kept two years.
 */
@ApplicationScoped
public class DynamoDeliveryFigures implements DeliveryFigures {

    static final long RETENTION_DAYS = 731;
    /** The sort key of a delivery's figures marker, beside its record ({@code DELIVERY}). */
    static final String MARKER_SORT_KEY = "FIGURES";
    /** How long a marker is kept: longer than a record (30 days), so no change of a living record finds it gone. */
    static final long MARKER_DAYS = 40;
    private final DynamoDbClient dynamo;
    private final Tables tables;

    private final java.time.Clock clock;

    DynamoDeliveryFigures(DynamoDbClient dynamo, Tables tables, java.time.Clock clock) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.clock = clock;
    }

    @Override
    public Set<String> applyOnce(List<Move> moves) {
        if (moves.isEmpty()) {
            return Set.of();
        }
        Map<String, Map<String, Long>> byItem = byItem(moves.stream().flatMap(move -> move.increments().stream()).toList());
        if (byItem.size() + moves.size() > MAX_ITEMS_AT_ONCE) {
            throw new IllegalArgumentException("at most " + MAX_ITEMS_AT_ONCE + " items at once");
        }
        var writes = new ArrayList<TransactWriteItem>();
        for (Move move : moves) {
            // The delivery's marker: the last position applied. Beside the record (same partition), never on its stream's filter.
            writes.add(TransactWriteItem.builder().update(u -> u.tableName(tables.records())
                    .key(Map.of(Keys.PK, s(Keys.delivery(move.deliveryId())), Keys.SK, s(MARKER_SORT_KEY)))
                    .updateExpression("SET #applied = :position, #expires = :expires")
                    .conditionExpression("attribute_not_exists(#applied) OR #applied < :position")
                    .expressionAttributeNames(Map.of("#applied", "appliedPosition", "#expires", Keys.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":position", s(move.position()),
                            ":expires", n(clock.instant().plus(java.time.Duration.ofDays(MARKER_DAYS)).getEpochSecond())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.NONE)).build());
        }
        byItem.forEach((item, counters) -> {
            String merchantId = item.substring(0, item.indexOf('\n'));
            LocalDate day = LocalDate.parse(item.substring(item.indexOf('\n') + 1));
            ItemUpdate update = update(day, counters);
            writes.add(TransactWriteItem.builder().update(u -> u.tableName(tables.records())
                    .key(key(merchantId, day)).updateExpression(update.expression())
                    .expressionAttributeNames(update.names()).expressionAttributeValues(update.values())).build());
        });
        try {
            DynamoCalls.call("count deliveries once", () -> dynamo.transactWriteItems(r -> r.transactItems(writes)));
            return Set.of();
        } catch (StoreUnavailable failed) {
            if (!(failed.getCause() instanceof TransactionCanceledException canceled) || !canceled.hasCancellationReasons()) {
                throw failed;
            }
            Set<String> appliedBefore = new HashSet<>();
            for (int i = 0; i < moves.size() && i < canceled.cancellationReasons().size(); i++) {
                if ("ConditionalCheckFailed".equals(canceled.cancellationReasons().get(i).code())) {
                    appliedBefore.add(moves.get(i).deliveryId());
                }
            }
            if (appliedBefore.isEmpty()) {
                throw failed;
            }
            return appliedBefore;
        }
    }

    /** Increments summed by figures item ({@code merchant \n day}) and counter; zero sums left out. */
    private static Map<String, Map<String, Long>> byItem(List<Increment> increments) {
        Map<String, Map<String, Long>> byItem = new LinkedHashMap<>();
        for (Increment increment : increments) {
            byItem.computeIfAbsent(increment.merchantId() + "\n" + increment.day(), k -> new LinkedHashMap<>())
                    .merge(counter(increment.provider(), increment.topic(), new Counted(increment.outcome(), increment.reason()), increment.template()),
                            increment.delta(), Long::sum);
        }
        byItem.values().forEach(counters -> counters.values().removeIf(delta -> delta == 0));
        byItem.values().removeIf(Map::isEmpty);
        return byItem;
    }

    @Override
    public void add(List<Increment> increments) {
        Map<String, Map<String, Long>> byItem = byItem(increments);
        byItem.forEach((item, counters) -> {
            String merchantId = item.substring(0, item.indexOf('\n'));
            LocalDate day = LocalDate.parse(item.substring(item.indexOf('\n') + 1));
            ItemUpdate update = update(day, counters);
            DynamoCalls.call("count deliveries", () -> dynamo.updateItem(r -> r.tableName(tables.records())
                    .key(key(merchantId, day))
                    .updateExpression(update.expression())
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values())));
        });
    }

    /** The figures item of a merchant and day. */
    static Map<String, AttributeValue> key(String merchantId, LocalDate day) {
        return Map.of(Keys.PK, s("FIG#" + merchantId), Keys.SK, s(day.toString()));
    }

    /** The counter attribute of a provider, topic, what a delivery counts as and, when known, its template. */
    static String counter(Provider provider, String topic, Counted counted, String template) {
        String counter = provider.key() + "|" + topic + "|" + counted.outcome().name().toLowerCase(Locale.ROOT) + "|" + counted.reason();
        // A template id is the provider's text: a '|' in it would read as another part.
        return template == null ? counter : counter + "|" + template.replace('|', '/');
    }

    /** Adds each counter's delta to a day's figures item (the same change a transaction writes beside a record). */
    static ItemUpdate update(LocalDate day, Map<String, Long> counters) {
        var update = new ItemUpdate();
        counters.forEach(update::add);
        update.setOnce(Keys.EXPIRES_AT, n(day.plusDays(RETENTION_DAYS).toEpochDay() * 86_400L));
        return update;
    }

    @Override
    public List<Figure> read(String merchantId, LocalDate from, LocalDate to) {
        var items = DynamoCalls.call("read figures", () -> dynamo.query(r -> r.tableName(tables.records())
                .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                .expressionAttributeNames(Map.of("#pk", Keys.PK, "#sk", Keys.SK))
                .expressionAttributeValues(Map.of(":pk", s("FIG#" + merchantId), ":from", s(from.toString()), ":to", s(to.toString())))))
                .items();
        List<Figure> figures = new ArrayList<>();
        for (var item : items) {
            LocalDate day = LocalDate.parse(item.get(Keys.SK).s());
            item.forEach((name, value) -> {
                String[] parts = name.split("\\|", 5);
                if (parts.length >= 4 && value.n() != null) {
                    Provider.fromKey(parts[0]).ifPresent(provider -> figures.add(new Figure(day, provider, parts[1],
                            Outcome.valueOf(parts[2].toUpperCase(Locale.ROOT)), parts[3], Long.parseLong(value.n()), parts.length == 5 ? parts[4] : null)));
                }
            });
        }
        return figures;
    }
}
