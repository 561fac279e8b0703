package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;
import static dev.loyaltyrelay.store.Attributes.strings;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.IngestLedger;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
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
 * Claims and fingerprints in the records table. Every decision is one conditional write whose condition
 * also treats an expired record as absent: TTL deletion lags by up to days (and DynamoDB Local never
 * deletes), so the expiry time in the item is what counts.
 */
@ApplicationScoped
public class DynamoIngestLedger implements IngestLedger {

    static final String CLAIM = "CLAIM";
    static final String FINGERPRINT = "FP";
    static final String CLAIMED = "CLAIMED";
    static final String COMPLETED = "COMPLETED";

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RelayConfig.Ingest settings;

    DynamoIngestLedger(DynamoDbClient dynamo, Tables tables, RelayConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.settings = config.ingest();
    }

    @Override
    public ClaimResult claim(String merchantId, String nectorDeliveryId, String bodyHash, Instant now) {
        String token = UUID.randomUUID().toString();
        Instant leaseUntil = now.plus(settings.claimLease());
        var item = new HashMap<String, AttributeValue>();
        item.put(Keys.PK, s(Keys.ingestClaim(merchantId, nectorDeliveryId)));
        item.put(Keys.SK, s(CLAIM));
        item.put("bodyHash", s(bodyHash));
        item.put("state", s(CLAIMED));
        item.put("token", s(token));
        item.put("leaseUntil", n(leaseUntil.toEpochMilli()));
        item.put("claimedAt", n(now.toEpochMilli()));
        item.put(Keys.EXPIRES_AT, n(now.plus(settings.claimRetention()).getEpochSecond()));
        try {
            var response = DynamoCalls.call("claim delivery id", () -> dynamo.putItem(r -> r.tableName(tables.records()).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #expiresAt < :nowSeconds"
                            + " OR (#state = :claimed AND #leaseUntil < :nowMillis AND #bodyHash = :bodyHash)")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#expiresAt", Keys.EXPIRES_AT, "#state", "state",
                            "#leaseUntil", "leaseUntil", "#bodyHash", "bodyHash"))
                    .expressionAttributeValues(Map.of(":nowSeconds", n(now.getEpochSecond()), ":claimed", s(CLAIMED),
                            ":nowMillis", n(now.toEpochMilli()), ":bodyHash", s(bodyHash)))
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            var previous = response.attributes();
            boolean takeover = previous != null && !previous.isEmpty()
                    && number(previous, Keys.EXPIRES_AT).orElse(0L) >= now.getEpochSecond();
            return new Claim(merchantId, nectorDeliveryId, token, leaseUntil, takeover);
        } catch (ConditionalCheckFailedException e) {
            return notClaimed(e, bodyHash);
        }
    }

    @Override
    public ClaimResult adopt(Claim claim, String earlierDeliveryId, String bodyHash, Instant now) {
        var key = Map.of(Keys.PK, s(Keys.ingestClaim(claim.merchantId(), earlierDeliveryId)), Keys.SK, s(CLAIM));
        try {
            // The same condition as a takeover in claim(): only a CLAIMED record whose lease is over changes hands.
            DynamoCalls.call("adopt claim", () -> dynamo.updateItem(r -> r.tableName(tables.records()).key(key)
                    .updateExpression("SET #token = :token, #leaseUntil = :leaseUntil")
                    .conditionExpression("#state = :claimed AND #leaseUntil < :nowMillis AND #bodyHash = :bodyHash")
                    .expressionAttributeNames(Map.of("#token", "token", "#leaseUntil", "leaseUntil", "#state", "state",
                            "#bodyHash", "bodyHash"))
                    .expressionAttributeValues(Map.of(":token", s(claim.token()), ":leaseUntil", n(claim.leaseUntil().toEpochMilli()),
                            ":claimed", s(CLAIMED), ":nowMillis", n(now.toEpochMilli()), ":bodyHash", s(bodyHash)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            return new Claim(claim.merchantId(), earlierDeliveryId, claim.token(), claim.leaseUntil(), true);
        } catch (ConditionalCheckFailedException e) {
            return notClaimed(e, bodyHash);
        }
    }

    /** Why a claim record did not change hands, read from the item the failed condition returned. */
    private static ClaimResult notClaimed(ConditionalCheckFailedException e, String bodyHash) {
        var existing = e.hasItem() ? e.item() : Map.<String, AttributeValue>of();
        if (!bodyHash.equals(string(existing, "bodyHash"))) {
            return new BodyMismatch();
        }
        if (COMPLETED.equals(string(existing, "state"))) {
            return new AlreadyCompleted(Instant.ofEpochMilli(number(existing, "completedAt").orElse(0L)));
        }
        return new InProgress(Instant.ofEpochMilli(number(existing, "leaseUntil").orElse(0L)));
    }

    @Override
    public void complete(Claim claim, List<String> queuedDeliveryIds, Instant now) {
        completeClaim("complete claim", claim, queuedDeliveryIds, null, now);
    }

    /** The claim completed: its deliveries, or (a repeated body) the earlier id whose deliveries are the event's. One write. */
    private void completeClaim(String operation, Claim claim, List<String> queuedDeliveryIds, String repeatOf, Instant now) {
        var names = new java.util.HashMap<>(Map.of("#state", "state", "#completedAt", "completedAt", "#queued", "queued"));
        var values = new java.util.HashMap<>(Map.of(":completed", s(COMPLETED), ":now", n(now.toEpochMilli()), ":queued", strings(queuedDeliveryIds)));
        String update = "SET #state = :completed, #completedAt = :now, #queued = :queued";
        if (repeatOf != null) {
            names.put("#repeatOf", "repeatOf");
            values.put(":earlier", s(repeatOf));
            update += ", #repeatOf = :earlier";
        }
        String expression = update;
        DynamoCalls.call(operation, () -> dynamo.updateItem(r -> r.tableName(tables.records())
                .key(claimKey(claim))
                .updateExpression(expression)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
    }

    @Override
    public void release(Claim claim) {
        try {
            DynamoCalls.call("release claim", () -> dynamo.updateItem(r -> r.tableName(tables.records())
                    .key(claimKey(claim))
                    .updateExpression("SET #leaseUntil = :zero")
                    .conditionExpression("#token = :token AND #state = :claimed")
                    .expressionAttributeNames(Map.of("#leaseUntil", "leaseUntil", "#token", "token", "#state", "state"))
                    .expressionAttributeValues(Map.of(":zero", n(0), ":token", s(claim.token()), ":claimed", s(CLAIMED)))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
        } catch (ConditionalCheckFailedException someoneElsesNow) {
            // Another request took the claim over; it is theirs to finish.
        }
    }

    @Override
    public RepeatCheck recordFingerprint(String merchantId, String fingerprint, String nectorDeliveryId, Instant now) {
        var item = Map.of(
                Keys.PK, s(Keys.fingerprint(merchantId, fingerprint)),
                Keys.SK, s(FINGERPRINT),
                "deliveryId", s(nectorDeliveryId),
                Keys.EXPIRES_AT, n(now.plus(settings.fingerprintWindow()).getEpochSecond()));
        try {
            DynamoCalls.call("record fingerprint", () -> dynamo.putItem(r -> r.tableName(tables.records()).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #expiresAt < :nowSeconds OR #deliveryId = :deliveryId")
                    .expressionAttributeNames(Map.of("#pk", Keys.PK, "#expiresAt", Keys.EXPIRES_AT, "#deliveryId", "deliveryId"))
                    .expressionAttributeValues(Map.of(":nowSeconds", n(now.getEpochSecond()), ":deliveryId", s(nectorDeliveryId)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            return new FirstSeen();
        } catch (ConditionalCheckFailedException e) {
            return new RepeatOf(e.hasItem() ? string(e.item(), "deliveryId") : "unknown");
        }
    }

    @Override
    public void completeAsRepeat(Claim claim, String earlierDeliveryId, Instant now) {
        completeClaim("complete claim as repeat", claim, List.of(), earlierDeliveryId, now);
    }

    @Override
    public java.util.Optional<ClaimRecord> find(String merchantId, String nectorDeliveryId, Instant now) {
        var item = DynamoCalls.call("read claim", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(Map.of(Keys.PK, s(Keys.ingestClaim(merchantId, nectorDeliveryId)), Keys.SK, s(CLAIM))).consistentRead(true))).item();
        if (item == null || item.isEmpty()) {
            return java.util.Optional.empty();
        }
        // Expired but not yet deleted by TTL: gone, as every decision here treats it.
        if (number(item, Keys.EXPIRES_AT).map(expires -> expires < now.getEpochSecond()).orElse(false)) {
            return java.util.Optional.empty();
        }
        Instant completedAt = COMPLETED.equals(string(item, "state"))
                ? Instant.ofEpochMilli(number(item, "completedAt").orElse(0L)) : null;
        return java.util.Optional.of(new ClaimRecord(nectorDeliveryId, Instant.ofEpochMilli(number(item, "claimedAt").orElse(0L)),
                completedAt, strings(item, "queued"), string(item, "repeatOf")));
    }

    private static Map<String, AttributeValue> claimKey(Claim claim) {
        return Map.of(Keys.PK, s(Keys.ingestClaim(claim.merchantId(), claim.nectorDeliveryId())), Keys.SK, s(CLAIM));
    }
}
