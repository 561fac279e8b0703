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
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    public ClaimResult claim(DeliveryJob job, String jobJson, Instant now) {
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
        if (jobJson != null) {
            setOnce(set, names, values, "job", s(jobJson));
        }
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
            String previousStatus = string(previous, "status");
            boolean lapsedWhileSending = DeliveryStatus.SENDING.name().equals(previousStatus);
            Instant budgetFrom = number(previous, "reopenedAt").map(Instant::ofEpochMilli).orElse(job.receivedAt());
            return new Claimed(job.deliveryId(), token, leaseUntil, attemptsSoFar, lapsedWhileSending,
                    previousStatus == null ? null : DeliveryStatus.valueOf(previousStatus), budgetFrom);
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
        // A scheduled retry's time means nothing once the delivery has moved on.
        if (nextAttemptAt == null) {
            names.put("#nextAttemptAt", "nextAttemptAt");
        }
        String update = set + " ADD #counter :one REMOVE #token" + (nextAttemptAt == null ? ", #nextAttemptAt" : "");
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
        return Optional.of(recordFrom(deliveryId, item));
    }

    private static DeliveryRecord recordFrom(String deliveryId, Map<String, AttributeValue> item) {
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
        return new DeliveryRecord(deliveryId, string(item, "merchantId"),
                Provider.fromKey(string(item, "provider")).orElseThrow(), string(item, "integrationId"), string(item, "topic"),
                string(item, "recipientMasked"), DeliveryStatus.valueOf(string(item, "status")), string(item, "reason"),
                number(item, "attempts").orElse(0L).intValue(), string(item, "providerMessageId"),
                Instant.ofEpochMilli(number(item, "receivedAt").orElse(0L)), instant(item, "updatedAt"), instant(item, "nextAttemptAt"), trail);
    }

    @Override
    public Optional<String> job(String deliveryId) {
        var item = DynamoCalls.call("read delivery job", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(key(deliveryId)).projectionExpression("#job").expressionAttributeNames(Map.of("#job", "job")))).item();
        return Optional.ofNullable(item == null ? null : string(item, "job"));
    }

    @Override
    public boolean reopen(String deliveryId, Instant now) {
        var finished = java.util.Arrays.stream(DeliveryStatus.values()).filter(DeliveryStatus::finished)
                .map(st -> s(st.name())).toList();
        var values = new HashMap<String, AttributeValue>();
        var placeholders = new java.util.ArrayList<String>();
        for (int i = 0; i < finished.size(); i++) {
            values.put(":f" + i, finished.get(i));
            placeholders.add(":f" + i);
        }
        values.put(":retry", s(DeliveryStatus.RETRY_SCHEDULED.name()));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":zero", n(0));
        values.put(":reason", s("reopened"));
        try {
            DynamoCalls.call("reopen delivery", () -> dynamo.updateItem(r -> r.tableName(tables.records()).key(key(deliveryId))
                    .updateExpression("SET #status = :retry, #attempts = :zero, #reopenedAt = :now, #updatedAt = :now, #reason = :reason"
                            + " REMOVE #finishedAt")
                    .conditionExpression("attribute_exists(#pk) AND #status IN (" + String.join(", ", placeholders) + ")")
                    .expressionAttributeNames(Map.of("#status", "status", "#attempts", "attempts", "#reopenedAt", "reopenedAt",
                            "#updatedAt", "updatedAt", "#reason", "reason", "#finishedAt", "finishedAt", "#pk", Keys.PK))
                    .expressionAttributeValues(values)));
            return true;
        } catch (ConditionalCheckFailedException notFinishedOrAbsent) {
            return false;
        }
    }

    @Override
    public DeliveryPage list(String merchantId, DeliveryQuery query) {
        var names = new HashMap<String, String>(Map.of("#merchantId", "merchantId", "#listedAt", Keys.LISTED_AT));
        var values = new HashMap<String, AttributeValue>(Map.of(":merchantId", s(merchantId),
                ":from", s(query.from() == null ? "0" : query.from().toString()),
                ":to", s(query.to() == null ? "9" : query.to().toString())));
        var filters = new java.util.ArrayList<String>();
        filter(filters, names, values, "status", query.status() == null ? null : query.status().name());
        filter(filters, names, values, "topic", query.topic());
        filter(filters, names, values, "provider", query.provider() == null ? null : query.provider().key());
        filter(filters, names, values, "recipient", query.recipient());
        List<DeliveryRecord> found = new ArrayList<>();
        Map<String, AttributeValue> startKey = Cursors.decode(query.cursor());
        // A filtered page may come back short; read on (a bounded number of pages) until the page is full.
        for (int reads = 0; reads < 10 && found.size() < query.limit(); reads++) {
            Map<String, AttributeValue> from = startKey;
            var response = DynamoCalls.call("list deliveries", () -> dynamo.query(r -> {
                r.tableName(tables.records()).indexName(Keys.DELIVERIES_BY_MERCHANT_INDEX)
                        .keyConditionExpression("#merchantId = :merchantId AND #listedAt BETWEEN :from AND :to")
                        .expressionAttributeNames(names).expressionAttributeValues(values)
                        .scanIndexForward(false).limit(query.limit() - found.size());
                if (!filters.isEmpty()) {
                    r.filterExpression(String.join(" AND ", filters));
                }
                if (from != null) {
                    r.exclusiveStartKey(from);
                }
            }));
            response.items().forEach(item -> found.add(recordFrom(string(item, Keys.PK).substring("DELIVERY#".length()), item)));
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            if (startKey == null) {
                break;
            }
        }
        return new DeliveryPage(found, Cursors.encode(startKey));
    }

    @Override
    public int eraseRecipient(String merchantId, String address) {
        int erased = 0;
        String cursor = null;
        do {
            DeliveryPage page = list(merchantId, new DeliveryQuery(null, null, null, null, null, address, 100, cursor));
            for (DeliveryRecord record : page.deliveries()) {
                DynamoCalls.call("erase delivery recipient", () -> dynamo.updateItem(r -> r.tableName(tables.records()).key(key(record.deliveryId()))
                        .updateExpression("SET #recipient = :erased, #masked = :erased REMOVE #job")
                        .expressionAttributeNames(Map.of("#recipient", "recipient", "#masked", "recipientMasked", "#job", "job"))
                        .expressionAttributeValues(Map.of(":erased", s("erased")))));
                erased++;
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return erased;
    }

    private static void filter(List<String> filters, Map<String, String> names, Map<String, AttributeValue> values, String attribute, String value) {
        if (value != null) {
            names.put("#f_" + attribute, attribute);
            values.put(":f_" + attribute, s(value));
            filters.add("#f_" + attribute + " = :f_" + attribute);
        }
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
