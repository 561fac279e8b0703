package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.Provider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Delivery records ({@code DELIVERY#<id>}) in the records table. The claim is one conditional update that
 * sets {@code SENDING} with a lease and a fresh token; the outcome is written only by the token's holder.
 * The record keeps a trail of provider attempts and final decisions; waits that made no call (breaker open,
 * lease held elsewhere) are only counted, so a long outage cannot grow the item without bound.
 */
@ApplicationScoped
public class DynamoDeliveryLedger implements DeliveryLedger {

    static final String DELIVERY = "DELIVERY";
    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RelayConfig.Delivery settings;

    DynamoDeliveryLedger(DynamoDbClient dynamo, Tables tables, RelayConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.settings = config.delivery();
    }

    @Override
    public ClaimResult claim(DeliveryJob job, Instant now) {
        String token = UUID.randomUUID().toString();
        Instant leaseUntil = now.plus(settings.lease());
        var names = new HashMap<String, String>();
        var values = new HashMap<String, AttributeValue>();
        StringBuilder set = new StringBuilder("SET ");
        setAlways(set, names, values, "status", s(DeliveryStatus.SENDING.name()));
        setAlways(set, names, values, "token", s(token));
        setAlways(set, names, values, "leaseUntil", n(leaseUntil.toEpochMilli()));
        setAlways(set, names, values, "claimedAt", n(now.toEpochMilli()));
        setAlways(set, names, values, "updatedAt", n(now.toEpochMilli()));
        setOnce(set, names, values, "merchantId", s(job.merchantId()));
        setOnce(set, names, values, "provider", s(job.provider().key()));
        setOnce(set, names, values, "integrationId", s(job.integrationId()));
        setOnce(set, names, values, "mappingId", s(job.mapping().mappingId()));
        setOnce(set, names, values, "topic", s(job.topic()));
        setOnce(set, names, values, "nectorDeliveryId", s(job.nectorDeliveryId()));
        setOnce(set, names, values, "recipientKind", s(job.recipient().kind().name()));
        setOnce(set, names, values, "recipient", s(job.recipient().address()));
        setOnce(set, names, values, "recipientMasked", s(job.recipient().masked()));
        setOnce(set, names, values, "receivedAt", n(job.receivedAt().toEpochMilli()));
        setOnce(set, names, values, Keys.LISTED_AT, s(job.receivedAt() + "#" + job.deliveryId()));
        setOnce(set, names, values, "attempts", n(0));
        setOnce(set, names, values, Keys.EXPIRES_AT, n(job.receivedAt().plus(settings.recordRetention()).getEpochSecond()));
        set.setLength(set.length() - 2);
        names.put("#pk", Keys.PK);
        values.put(":retry", s(DeliveryStatus.RETRY_SCHEDULED.name()));
        values.put(":deferred", s(DeliveryStatus.DEFERRED.name()));
        values.put(":sending", s(DeliveryStatus.SENDING.name()));
        values.put(":nowMillis", n(now.toEpochMilli()));
        try {
            var response = DynamoCalls.call("claim delivery", () -> dynamo.updateItem(r -> r.tableName(tables.records())
                    .key(key(job.deliveryId()))
                    .updateExpression(set.toString())
                    .conditionExpression("attribute_not_exists(#pk) OR #status IN (:retry, :deferred)"
                            + " OR (#status = :sending AND #leaseUntil < :nowMillis)")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            var previous = response.hasAttributes() ? response.attributes() : Map.<String, AttributeValue>of();
            int attemptsSoFar = number(previous, "attempts").orElse(0L).intValue();
            boolean lapsedWhileSending = DeliveryStatus.SENDING.name().equals(string(previous, "status"));
            return new Claimed(job.deliveryId(), token, leaseUntil, attemptsSoFar, lapsedWhileSending);
        } catch (ConditionalCheckFailedException e) {
            var existing = e.hasItem() ? e.item() : Map.<String, AttributeValue>of();
            DeliveryStatus status = DeliveryStatus.valueOf(string(existing, "status"));
            if (status.finished()) {
                return new AlreadyFinished(status);
            }
            return new HeldElsewhere(Instant.ofEpochMilli(number(existing, "leaseUntil").orElse(now.toEpochMilli())));
        }
    }

    @Override
    public boolean record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now) {
        var names = new HashMap<String, String>();
        var values = new HashMap<String, AttributeValue>();
        StringBuilder set = new StringBuilder("SET ");
        setAlways(set, names, values, "status", s(status.name()));
        setAlways(set, names, values, "reason", s(outcome.reason()));
        setAlways(set, names, values, "updatedAt", n(now.toEpochMilli()));
        setAlways(set, names, values, "leaseUntil", n(0));
        if (outcome instanceof DeliveryOutcome.Sent sent && sent.providerMessageId() != null) {
            setAlways(set, names, values, "providerMessageId", s(sent.providerMessageId()));
        }
        if (status.finished()) {
            setAlways(set, names, values, "finishedAt", n(now.toEpochMilli()));
        }
        if (nextAttemptAt != null) {
            setAlways(set, names, values, "nextAttemptAt", n(nextAttemptAt.toEpochMilli()));
        }
        boolean worthATrailEntry = outcome.providerCalled() || status.finished() || status == DeliveryStatus.DEFERRED;
        if (worthATrailEntry) {
            names.put("#trail", "trail");
            values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(trailEntry(status, outcome, now)))));
            values.put(":noTrail", AttributeValue.fromL(List.of()));
            set.append("#trail = list_append(if_not_exists(#trail, :noTrail), :entry), ");
        }
        set.setLength(set.length() - 2);
        names.put("#token", "token");
        names.put("#counter", outcome.providerCalled() ? "attempts" : "waits");
        values.put(":token", s(claim.token()));
        values.put(":one", n(1));
        String update = set + " ADD #counter :one REMOVE #token";
        try {
            DynamoCalls.call("record delivery outcome", () -> dynamo.updateItem(r -> r.tableName(tables.records())
                    .key(key(claim.deliveryId()))
                    .updateExpression(update)
                    .conditionExpression("#token = :token")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            return true;
        } catch (ConditionalCheckFailedException lostTheClaim) {
            return false;
        }
    }

    @Override
    public Optional<DeliveryRecord> find(String deliveryId) {
        var item = DynamoCalls.call("read delivery", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(key(deliveryId)).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        List<DeliveryRecord.TrailEntry> trail = new ArrayList<>();
        AttributeValue trailValue = item.get("trail");
        if (trailValue != null && trailValue.hasL()) {
            for (AttributeValue entry : trailValue.l()) {
                var m = entry.m();
                trail.add(new DeliveryRecord.TrailEntry(Instant.ofEpochMilli(number(m, "at").orElse(0L)),
                        DeliveryStatus.valueOf(string(m, "status")), string(m, "reason"), bool(m, "called", false),
                        number(m, "httpStatus").orElse(0L).intValue()));
            }
        }
        return Optional.of(new DeliveryRecord(deliveryId, string(item, "merchantId"),
                Provider.fromKey(string(item, "provider")).orElseThrow(), string(item, "integrationId"), string(item, "topic"),
                string(item, "recipientMasked"), DeliveryStatus.valueOf(string(item, "status")), string(item, "reason"),
                number(item, "attempts").orElse(0L).intValue(), string(item, "providerMessageId"),
                Instant.ofEpochMilli(number(item, "receivedAt").orElse(0L)), instant(item, "updatedAt"), instant(item, "nextAttemptAt"), trail));
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        return number(item, name).filter(millis -> millis > 0).map(Instant::ofEpochMilli).orElse(null);
    }

    private static Map<String, AttributeValue> trailEntry(DeliveryStatus status, DeliveryOutcome outcome, Instant now) {
        var entry = new HashMap<String, AttributeValue>();
        entry.put("at", n(now.toEpochMilli()));
        entry.put("status", s(status.name()));
        entry.put("reason", s(outcome.reason()));
        entry.put("called", bool(outcome.providerCalled()));
        int httpStatus = switch (outcome) {
            case DeliveryOutcome.Sent sent -> sent.httpStatus();
            case DeliveryOutcome.RetryLater retry -> retry.httpStatus();
            case DeliveryOutcome.Rejected rejected -> rejected.httpStatus();
            default -> 0;
        };
        if (httpStatus > 0) {
            entry.put("httpStatus", n(httpStatus));
        }
        return entry;
    }

    private static void setAlways(StringBuilder set, Map<String, String> names, Map<String, AttributeValue> values, String name, AttributeValue value) {
        names.put("#" + name, name);
        values.put(":" + name, value);
        set.append('#').append(name).append(" = :").append(name).append(", ");
    }

    private static void setOnce(StringBuilder set, Map<String, String> names, Map<String, AttributeValue> values, String name, AttributeValue value) {
        names.put("#" + name, name);
        values.put(":" + name, value);
        set.append('#').append(name).append(" = if_not_exists(#").append(name).append(", :").append(name).append("), ");
    }

    static Map<String, AttributeValue> key(String deliveryId) {
        return Map.of(Keys.PK, s(Keys.delivery(deliveryId)), Keys.SK, s(DELIVERY));
    }
}
