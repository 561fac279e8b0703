package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;

import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One item per merchant and day in the records table ({@code FIG#<merchant>} / {@code <yyyy-mm-dd>}), one number
 * attribute per {@code provider|topic|outcome|reason}, bumped with {@code ADD}. Figures are kept two years.
 */
@ApplicationScoped
public class DynamoDeliveryFigures implements DeliveryFigures {

    static final long RETENTION_DAYS = 731;
    private final DynamoDbClient dynamo;
    private final Tables tables;

    DynamoDeliveryFigures(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    @Override
    public void add(String merchantId, LocalDate day, Provider provider, String topic, Outcome outcome, String reason, long delta) {
        String counter = provider.key() + "|" + topic + "|" + outcome.name().toLowerCase(Locale.ROOT) + "|" + reason;
        DynamoCalls.call("count delivery", () -> dynamo.updateItem(r -> r.tableName(tables.records())
                .key(Map.of(Keys.PK, s("FIG#" + merchantId), Keys.SK, s(day.toString())))
                .updateExpression("ADD #counter :delta SET #expiresAt = if_not_exists(#expiresAt, :expires)")
                .expressionAttributeNames(Map.of("#counter", counter, "#expiresAt", Keys.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":delta", n(delta),
                        ":expires", n(day.plusDays(RETENTION_DAYS).toEpochDay() * 86_400L)))));
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
                String[] parts = name.split("\\|", 4);
                if (parts.length == 4 && value.n() != null) {
                    Provider.fromKey(parts[0]).ifPresent(provider -> figures.add(new Figure(day, provider, parts[1],
                            Outcome.valueOf(parts[2].toUpperCase(Locale.ROOT)), parts[3], Long.parseLong(value.n()))));
                }
            });
        }
        return figures;
    }
}
