package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.bool;
import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.number;
import static dev.loyaltyrelay.store.Attributes.s;
import static dev.loyaltyrelay.store.Attributes.string;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Delivery records ({@code DELIVERY#<id>}) in the records table; the contract is {@link DeliveryLedger}'s.
 * Each write sets a fresh {@code token} and keeps the status it replaced ({@code priorStatus}), so
 * when a condition fails on an item that already carries the caller's own token, the SDK repeated a write that had
 * been applied, and the kept state answers as the first write would have. The record keeps a trail of provider
 * calls and decisions; waits without a call are only counted ({@code waits}), so an outage cannot grow the item.
 */
@ApplicationScoped
public class DynamoDeliveryLedger implements DeliveryLedger {

    static final String DELIVERY = "DELIVERY";
    /** {@code priorStatus} of a delivery whose first write it was. */
    private static final String NEW = "NEW";
    private static final String NOTHING_COUNTED = "";
    static final String ERASED = Recipient.ERASED;

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RecipientKeyring keyring;
    private final RelayConfig.Delivery settings;

    DynamoDeliveryLedger(DynamoDbClient dynamo, Tables tables, RecipientKeyring keyring, RelayConfig config) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.keyring = keyring;
        this.settings = config.delivery();
    }

    @Override
    public ClaimResult claim(DeliveryJob job, String jobJson, Budget budget, Instant now) {
        String token = UUID.randomUUID().toString();
        Instant leaseUntil = now.plus(settings.lease());
        var update = new ItemUpdate();
        firstWrite(update, job, jobJson, true);
        update.set("status", s(DeliveryStatus.SENDING.name()))
                .set("token", s(token))
                .set("leaseUntil", n(leaseUntil.toEpochMilli()))
                .set("claimedAt", n(now.toEpochMilli()))
                .set("updatedAt", n(now.toEpochMilli()))
                .setFromOld("priorStatus", "status", s(NEW))
                .setFromOld("priorToken", "token", s(NEW));
        // A new delivery is claimable while its age budget (from ingest) lasts; an existing one while it waits or its
        // lease lapsed, and its budget (calls made, time since ingest or its latest reopening) is not spent.
        String existingClaimable = "(" + claimable(update, now, true) + ") AND " + update.name("attempts") + " < "
                + update.value(n(budget.maxAttempts())) + " AND " + update.name("budgetFrom") + " > "
                + update.value(n(budget.oldestStart().toEpochMilli()));
        boolean newStillInBudget = job.receivedAt().isAfter(budget.oldestStart());
        String condition = (newStillInBudget ? "attribute_not_exists(" + update.name(Keys.PK) + ") OR " : "") + "(" + existingClaimable + ")";
        Outcome written;
        try {
            written = update("claim delivery", job.deliveryId(), update, condition);
        } catch (StoreUnavailable unanswered) {
            // The claim may have been written although no answer came back: give it up, or its lapse would read as a call.
            releaseIfOurs(job.deliveryId(), token);
            throw unanswered;
        }
        if (written.applied()) {
            Map<String, AttributeValue> previous = written.item();
            DeliveryStatus previousStatus = status(previous, "status");
            return new Claimed(job.deliveryId(), token, leaseUntil, attempts(previous), previousStatus == DeliveryStatus.SENDING,
                    previousStatus, budgetFrom(previous, job), previousStatus == DeliveryStatus.SENDING ? string(previous, "token") : null);
        }
        var existing = written.item();
        if (existing.isEmpty()) {
            return new BudgetSpent("age_exceeded", false, null);
        }
        if (token.equals(string(existing, "token"))) {
            // The SDK repeated our own claim after a lost answer: what it replaced is kept beside it.
            DeliveryStatus priorStatus = status(existing, "priorStatus");
            boolean tookOverALapse = priorStatus == DeliveryStatus.SENDING;
            return new Claimed(job.deliveryId(), token, leaseUntil, attempts(existing), tookOverALapse,
                    priorStatus, budgetFrom(existing, job), tookOverALapse ? string(existing, "priorToken") : null);
        }
        DeliveryStatus status = status(existing, "status");
        if (status.finished()) {
            return new AlreadyFinished(status);
        }
        if (status == DeliveryStatus.SENDING && !leaseLapsed(existing, now)) {
            return new HeldElsewhere(Instant.ofEpochMilli(number(existing, "leaseUntil").orElse(now.toEpochMilli())));
        }
        String reason = attempts(existing) >= budget.maxAttempts() ? "attempts_exhausted" : "age_exceeded";
        return new BudgetSpent(reason, status == DeliveryStatus.SENDING, string(existing, "reason"));
    }

    @Override
    public WriteResult record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now) {
        return record(claim, status, outcome, nextAttemptAt, null, now);
    }

    @Override
    public WriteResult recordGivenUp(Claimed claim, DeliveryOutcome outcome, String givenUpBy, Instant now) {
        return record(claim, DeliveryStatus.EXHAUSTED, outcome, null, givenUpBy, now);
    }

    private WriteResult record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, String givenUpBy,
            Instant now) {
        var update = new ItemUpdate();
        outcome(update, status, outcome, nextAttemptAt, givenUpBy, now);
        if (outcome instanceof DeliveryOutcome.Suppressed suppressed && suppressed.recipientErased()) {
            // Erased while its attempt was being prepared: the claim wrote the address; this write takes it back.
            update.set("recipient", s(ERASED)).set("recipientMasked", s(ERASED)).remove("job").remove(Keys.RECIPIENT_KEY);
        }
        update.add(outcome.providerCalled() ? "attempts" : "waits", 1);
        String condition = update.name("token") + " = " + update.value(s(claim.token())) + " AND " + update.name("status") + " = "
                + update.value(s(DeliveryStatus.SENDING.name()));
        try {
            var response = DynamoCalls.call("record delivery outcome", () -> dynamo.updateItem(r -> r.tableName(tables.records())
                    .key(key(claim.deliveryId()))
                    .updateExpression(update.expression())
                    .conditionExpression(condition)
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values())
                    .returnValues(ReturnValue.UPDATED_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            return new Written();
        } catch (ConditionalCheckFailedException refused) {
            var existing = refused.hasItem() ? refused.item() : Map.<String, AttributeValue>of();
            // The SDK repeated our own write after a lost answer: the token is still ours and the status moved on.
            if (claim.token().equals(string(existing, "token")) && status(existing, "status") != DeliveryStatus.SENDING) {
                return new Written();
            }
            return new ClaimLost();
        }
    }

    @Override
    public SettleResult settle(DeliveryJob job, String jobJson, Settlement settlement, Instant now) {
        String token = UUID.randomUUID().toString();
        DeliveryOutcome outcome = settlement.outcome();
        var update = new ItemUpdate();
        firstWrite(update, job, jobJson, !outcome.providerCalled());
        outcome(update, settlement.status(), outcome, settlement.nextAttemptAt(), settlement.givenUpBy(), now);
        update.set("token", s(token)).setFromOld("priorStatus", "status", s(NEW));
        update.add(outcome.providerCalled() ? "attempts" : "waits", 1);
        // Not over our own write: a wait repeated by the SDK would otherwise apply twice (and count twice).
        String condition = "(attribute_not_exists(" + update.name(Keys.PK) + ") OR (" + claimable(update, now, settlement.overLapsedLease())
                + ")) AND (attribute_not_exists(" + update.name("token") + ") OR " + update.name("token") + " <> " + update.value(s(token)) + ")";
        Outcome written = update("settle delivery", job.deliveryId(), update, condition);
        if (written.applied()) {
            var previous = written.item();
            return new Settled(status(previous, "status"), budgetFrom(previous, job), attempts(previous));
        }
        var existing = written.item();
        if (token.equals(string(existing, "token"))) {
            return new Settled(status(existing, "priorStatus"), budgetFrom(existing, job), attempts(existing));
        }
        DeliveryStatus status = status(existing, "status");
        if (status != null && status.finished()) {
            return new AlreadyFinished(status);
        }
        if (status == DeliveryStatus.SENDING && !leaseLapsed(existing, now)) {
            return new HeldElsewhere(Instant.ofEpochMilli(number(existing, "leaseUntil").orElse(now.toEpochMilli())));
        }
        return new LapsedMidCall();
    }

    /**
     * Takes back a claim this caller may have written without hearing so: the delivery waits again (one UpdateItem, the
     * action the delivery functions' roles allow). A claim that replaced a lapsed one is left as it is, since that lapse
     * still means an earlier request may have gone out. Best effort: the store has just failed.
     */
    private void releaseIfOurs(String deliveryId, String token) {
        Counted pending = Counted.of(DeliveryStatus.RETRY_SCHEDULED, null);
        var update = new ItemUpdate()
                .set("status", s(DeliveryStatus.RETRY_SCHEDULED.name()))
                .set("reason", s("claim_released"))
                .set("leaseUntil", n(0))
                .set("counted", s(pending.encode()));
        String condition = update.name("token") + " = " + update.value(s(token)) + " AND " + update.name("status") + " = "
                + update.value(s(DeliveryStatus.SENDING.name())) + " AND " + update.name("priorStatus") + " IN ("
                + update.value(s(NEW)) + ", " + update.value(s(DeliveryStatus.RETRY_SCHEDULED.name())) + ", "
                + update.value(s(DeliveryStatus.DEFERRED.name())) + ")";
        try {
            update("release unanswered claim", deliveryId, update, condition);
        } catch (RuntimeException stillFailing) {
            // Its lease lapses; the lapse is read as a possible call (never a duplicate).
        }
    }

    /**
     * What a conditional update of a delivery record found.
     *
     * @param applied whether the condition held and the update was written
     * @param item    the item as it was before the update (applied), or as it is (not applied); empty when absent
     */
    private record Outcome(boolean applied, Map<String, AttributeValue> item) {
    }

    private Outcome update(String operation, String deliveryId, ItemUpdate update, String condition) {
        try {
            var response = DynamoCalls.call(operation, () -> dynamo.updateItem(r -> r.tableName(tables.records())
                    .key(key(deliveryId))
                    .updateExpression(update.expression())
                    .conditionExpression(condition)
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values())
                    .returnValues(ReturnValue.ALL_OLD)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)));
            return new Outcome(true, response.hasAttributes() ? response.attributes() : Map.of());
        } catch (ConditionalCheckFailedException refused) {
            return new Outcome(false, refused.hasItem() ? refused.item() : Map.of());
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

    @Override
    public Optional<String> job(String deliveryId) {
        var item = DynamoCalls.call("read delivery job", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(key(deliveryId)).consistentRead(true).projectionExpression("#job").expressionAttributeNames(Map.of("#job", "job")))).item();
        return Optional.ofNullable(item == null ? null : string(item, "job"));
    }

    @Override
    public Optional<String> reopen(DeliveryRecord record, Reopening reopening, Instant now) {
        String token = UUID.randomUUID().toString();
        Counted pending = Counted.of(DeliveryStatus.RETRY_SCHEDULED, null);
        var update = new ItemUpdate()
                .set("status", s(DeliveryStatus.RETRY_SCHEDULED.name()))
                .set("reason", s(reopening.reason()))
                .set("attempts", n(0))
                .set("reopenedAt", n(now.toEpochMilli()))
                .set("budgetFrom", n(now.toEpochMilli()))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("leaseUntil", n(0))
                .set("token", s(token))
                .set("priorStatus", s(record.status().name()))
                .set("counted", s(pending.encode()))
                .append("trail", AttributeValue.fromM(trailEntry(DeliveryStatus.RETRY_SCHEDULED, reopening.reason(), false, 0, now)))
                .remove("finishedAt")
                .remove("givenUpBy")
                .remove("nextAttemptAt");
        // Only as the caller saw it: a delivery that moved on meanwhile (another reopening) is not reopened twice.
        String condition = update.name("status") + " = " + update.value(s(record.status().name())) + " AND "
                + update.name("counted") + " = " + update.value(s(encode(record.counted())));
        return updateIfOrOwn("reopen delivery", record.deliveryId(), update, condition, token) ? Optional.of(token) : Optional.empty();
    }

    @Override
    public boolean renewBudget(DeliveryJob job, String jobJson, Reopening reopening, Instant now) {
        String token = UUID.randomUUID().toString();
        var update = new ItemUpdate();
        firstWrite(update, job, jobJson, false, false);
        update.set("status", s(DeliveryStatus.RETRY_SCHEDULED.name()))
                .set("reason", s(reopening.reason()))
                .set("attempts", n(0))
                .set("budgetFrom", n(now.toEpochMilli()))
                .set("reopenedAt", n(now.toEpochMilli()))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("leaseUntil", n(0))
                .set("token", s(token))
                .set("counted", s(Counted.of(DeliveryStatus.RETRY_SCHEDULED, null).encode()))
                .append("trail", AttributeValue.fromM(trailEntry(DeliveryStatus.RETRY_SCHEDULED, reopening.reason(), false, 0, now)))
                .remove("givenUpBy")
                .remove("nextAttemptAt");
        String condition = "attribute_not_exists(" + update.name(Keys.PK) + ") OR (" + claimable(update, now, false) + ")";
        return updateIfOrOwn("renew delivery budget", job.deliveryId(), update, condition, token);
    }

    @Override
    public boolean undoReopen(DeliveryRecord before, String reopenToken, Instant now) {
        String token = UUID.randomUUID().toString();
        var update = new ItemUpdate()
                .set("status", s(before.status().name()))
                .set("reason", s(Objects.toString(before.reason(), "")))
                .set("attempts", n(before.attempts()))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("finishedAt", n(now.toEpochMilli()))
                .set("token", s(token))
                .set("counted", s(encode(before.counted())))
                .append("trail", AttributeValue.fromM(trailEntry(before.status(), "reopening_undone", false, 0, now)));
        if (before.givenUpBy() != null) {
            update.set("givenUpBy", s(before.givenUpBy()));
        }
        String condition = update.name("token") + " = " + update.value(s(reopenToken)) + " AND " + update.name("status") + " = "
                + update.value(s(DeliveryStatus.RETRY_SCHEDULED.name()));
        return updateIfOrOwn("undo reopening", before.deliveryId(), update, condition, token);
    }

    @Override
    public DeliveryPage list(String merchantId, DeliveryQuery query) {
        var names = new HashMap<String, String>(Map.of("#merchantId", "merchantId", "#listedAt", Keys.LISTED_AT));
        var values = new HashMap<String, AttributeValue>(Map.of(":merchantId", s(merchantId),
                ":from", s(query.from() == null ? "0" : Keys.sortableTime(query.from())),
                ":to", s(query.to() == null ? "9" : Keys.sortableTime(query.to()))));
        var filters = new ArrayList<String>();
        filter(filters, names, values, "status", query.status() == null ? null : query.status().name());
        filter(filters, names, values, "topic", query.topic());
        filter(filters, names, values, "provider", query.provider() == null ? null : query.provider().key());
        filter(filters, names, values, "recipient", query.recipient());
        List<DeliveryRecord> found = new ArrayList<>();
        Map<String, AttributeValue> startKey = Cursors.decode(query.cursor());
        if (startKey != null && (startKey.get("merchantId") == null || !merchantId.equals(startKey.get("merchantId").s()))) {
            // A cursor of another merchant's listing (or made up) is the caller's mistake, not a store failure.
            throw new InvalidCursor();
        }
        // A filtered page may come back short; read on (a bounded number of pages) until the page is full.
        for (int reads = 0; reads < 10 && found.size() < query.limit(); reads++) {
            Map<String, AttributeValue> from = startKey;
            software.amazon.awssdk.services.dynamodb.model.QueryResponse response;
            try {
                response = DynamoCalls.call("list deliveries", () -> dynamo.query(r -> {
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
            } catch (StoreRefused refused) {
                if (from != null) {
                    // The start key came from the caller's cursor and DynamoDB will not start there: a made-up cursor.
                    throw new InvalidCursor();
                }
                throw refused;
            }
            response.items().forEach(item -> found.add(recordFrom(string(item, Keys.PK).substring("DELIVERY#".length()), item)));
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            if (startKey == null) {
                break;
            }
        }
        return new DeliveryPage(found, Cursors.encode(startKey));
    }

    @Override
    public int eraseRecipient(String merchantId, Recipient recipient, Instant now) {
        String recipientKey = keyring.hash(new RecipientKey(merchantId, recipient));
        int erased = 0;
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            var response = DynamoCalls.call("find a recipient's deliveries", () -> dynamo.query(r -> {
                r.tableName(tables.records()).indexName(Keys.DELIVERIES_BY_RECIPIENT_INDEX)
                        .keyConditionExpression("#recipientKey = :recipientKey")
                        .expressionAttributeNames(Map.of("#recipientKey", Keys.RECIPIENT_KEY))
                        .expressionAttributeValues(Map.of(":recipientKey", s(recipientKey)));
                if (from != null) {
                    r.exclusiveStartKey(from);
                }
            }));
            for (var key : response.items()) {
                Optional<DeliveryRecord> found = find(string(key, Keys.PK).substring("DELIVERY#".length()));
                if (found.isEmpty() || !merchantId.equals(found.get().merchantId())) {
                    continue;
                }
                DeliveryRecord record = found.get();
                boolean waiting = record.status() == DeliveryStatus.RETRY_SCHEDULED || record.status() == DeliveryStatus.DEFERRED;
                if (!waiting || !suppressErased(record, now)) {
                    var update = new ItemUpdate().set("recipient", s(ERASED)).set("recipientMasked", s(ERASED)).remove("job")
                            .remove(Keys.RECIPIENT_KEY);
                    // Only an existing record: a write to one that went meanwhile would leave a partial item.
                    updateIf("erase delivery recipient", record.deliveryId(), update, "attribute_exists(" + update.name(Keys.PK) + ")");
                }
                erased++;
            }
            startKey = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (startKey != null);
        return erased;
    }

    /** Ends a waiting delivery of an erased recipient, so its queued job is dropped as a duplicate when it comes back. */
    private boolean suppressErased(DeliveryRecord record, Instant now) {
        String reason = DeliveryOutcome.Suppressed.RECIPIENT_ERASED;
        Counted suppressed = Counted.of(DeliveryStatus.SUPPRESSED, reason);
        String token = UUID.randomUUID().toString();
        var update = new ItemUpdate()
                .set("status", s(DeliveryStatus.SUPPRESSED.name()))
                .set("reason", s(reason))
                .set("recipient", s(ERASED))
                .set("recipientMasked", s(ERASED))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("finishedAt", n(now.toEpochMilli()))
                .set("token", s(token))
                .set("priorStatus", s(record.status().name()))
                .set("counted", s(suppressed.encode()))
                .append("trail", AttributeValue.fromM(trailEntry(DeliveryStatus.SUPPRESSED, reason, false, 0, now)))
                .remove("job")
                .remove(Keys.RECIPIENT_KEY)
                .remove("nextAttemptAt");
        String condition = update.name("status") + " = " + update.value(s(record.status().name()));
        return updateIfOrOwn("suppress erased delivery", record.deliveryId(), update, condition, token);
    }

    /** One conditional update of a delivery record; false when its condition failed (the record changed meanwhile). */
    private boolean updateIf(String operation, String deliveryId, ItemUpdate update, String condition) {
        return update(operation, deliveryId, update, condition).applied();
    }

    /**
     * An update that writes a fresh {@code token}: refused, it may still be ours, applied by an attempt whose answer was
     * lost and then repeated by the SDK against its own result. The token it wrote tells.
     */
    private boolean updateIfOrOwn(String operation, String deliveryId, ItemUpdate update, String condition, String token) {
        Outcome outcome = update(operation, deliveryId, update, condition);
        return outcome.applied() || token.equals(string(outcome.item(), "token"));
    }

    /** What every first write of a delivery sets: who it is for and what it carries, and when its budget started. */
    private void firstWrite(ItemUpdate update, DeliveryJob job, String jobJson, boolean withAttempts) {
        firstWrite(update, job, jobJson, withAttempts, true);
    }

    /** @param budgetFromReceipt whether a new record's budget starts at ingest (false: the caller sets it) */
    private void firstWrite(ItemUpdate update, DeliveryJob job, String jobJson, boolean withAttempts, boolean budgetFromReceipt) {
        boolean erased = ERASED.equals(job.recipient().address());
        update.setOnce("merchantId", s(job.merchantId()))
                .setOnce("provider", s(job.provider().key()))
                .setOnce("integrationId", s(job.integrationId()))
                .setOnce("mappingId", s(job.mapping().mappingId()))
                .setOnce("topic", s(job.topic()))
                .setOnce("nectorDeliveryId", s(job.nectorDeliveryId()))
                .setOnce("recipientKind", s(job.recipient().kind().name()))
                .setOnce("receivedAt", n(job.receivedAt().toEpochMilli()))
                .setOnce(Keys.LISTED_AT, s(Keys.listedAt(job.receivedAt(), job.deliveryId())))
                .setOnce(Keys.EXPIRES_AT, n(job.receivedAt().plus(settings.recordRetention()).getEpochSecond()));
        if (budgetFromReceipt) {
            update.setOnce("budgetFrom", n(job.receivedAt().toEpochMilli()));
        }
        if (erased) {
            // Whatever an earlier write kept of the person goes: the address, its index key and the job.
            update.set("recipient", s(ERASED)).set("recipientMasked", s(ERASED)).remove(Keys.RECIPIENT_KEY).remove("job");
        } else {
            update.setOnce("recipient", s(job.recipient().address()))
                    .setOnce("recipientMasked", s(job.recipient().masked()))
                    .setOnce(Keys.RECIPIENT_KEY, s(keyring.hash(new RecipientKey(job.merchantId(), job.recipient()))));
        }
        if (withAttempts) {
            update.setOnce("attempts", n(0));
        }
        if (jobJson != null && !erased) {
            update.setOnce("job", s(jobJson));
        }
    }

    /** What an outcome sets on the record, and what the delivery now counts as (keeping what it counted as before). */
    private static void outcome(ItemUpdate update, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, String givenUpBy,
            Instant now) {
        update.set("status", s(status.name()))
                .set("reason", s(outcome.reason()))
                .set("updatedAt", n(now.toEpochMilli()))
                .set("leaseUntil", n(0));
        Counted counted = Counted.of(status, outcome.reason());
        if (counted != null) {
            update.set("counted", s(counted.encode()));
        }
        if (outcome instanceof DeliveryOutcome.Sent sent && sent.providerMessageId() != null) {
            update.set("providerMessageId", s(sent.providerMessageId()));
        }
        if (status.finished()) {
            update.set("finishedAt", n(now.toEpochMilli()));
        }
        if (givenUpBy != null) {
            update.set("givenUpBy", s(givenUpBy));
        } else {
            update.remove("givenUpBy");
        }
        if (nextAttemptAt != null) {
            update.set("nextAttemptAt", n(nextAttemptAt.toEpochMilli()));
        } else {
            // A scheduled retry's time means nothing once the delivery has moved on.
            update.remove("nextAttemptAt");
        }
        if (outcome.providerCalled() || status.finished() || status == DeliveryStatus.DEFERRED) {
            update.append("trail", AttributeValue.fromM(trailEntry(status, outcome.reason(), outcome.providerCalled(), httpStatus(outcome), now)));
        }
    }

    /** Waiting for a retry or quiet hours, or a lease that lapsed ({@code withLapsedLease}). */
    private static String claimable(ItemUpdate update, Instant now, boolean withLapsedLease) {
        String status = update.name("status");
        String waiting = status + " IN (" + update.value(s(DeliveryStatus.RETRY_SCHEDULED.name())) + ", "
                + update.value(s(DeliveryStatus.DEFERRED.name())) + ")";
        if (!withLapsedLease) {
            return waiting;
        }
        return waiting + " OR (" + status + " = " + update.value(s(DeliveryStatus.SENDING.name())) + " AND " + update.name("leaseUntil")
                + " < " + update.value(n(now.toEpochMilli())) + ")";
    }

    private static boolean leaseLapsed(Map<String, AttributeValue> item, Instant now) {
        return number(item, "leaseUntil").orElse(0L) < now.toEpochMilli();
    }

    private static int attempts(Map<String, AttributeValue> item) {
        return number(item, "attempts").orElse(0L).intValue();
    }

    private static Instant budgetFrom(Map<String, AttributeValue> item, DeliveryJob job) {
        return number(item, "budgetFrom").map(Instant::ofEpochMilli).orElse(job.receivedAt());
    }

    private static DeliveryStatus status(Map<String, AttributeValue> item, String attribute) {
        String text = string(item, attribute);
        return text == null || NEW.equals(text) ? null : DeliveryStatus.valueOf(text);
    }

    private static String encode(Counted counted) {
        return counted == null ? NOTHING_COUNTED : counted.encode();
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
                attempts(item), string(item, "providerMessageId"),
                Instant.ofEpochMilli(number(item, "receivedAt").orElse(0L)), instant(item, "updatedAt"), instant(item, "nextAttemptAt"),
                string(item, "givenUpBy"), Counted.decode(string(item, "counted")), trail);
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

    private static int httpStatus(DeliveryOutcome outcome) {
        return switch (outcome) {
            case DeliveryOutcome.Sent sent -> sent.httpStatus();
            case DeliveryOutcome.RetryLater retry -> retry.httpStatus();
            case DeliveryOutcome.Rejected rejected -> rejected.httpStatus();
            default -> 0;
        };
    }

    private static Map<String, AttributeValue> trailEntry(DeliveryStatus status, String reason, boolean called, int httpStatus, Instant now) {
        var entry = new HashMap<String, AttributeValue>();
        entry.put("at", n(now.toEpochMilli()));
        entry.put("status", s(status.name()));
        entry.put("reason", s(reason));
        entry.put("called", bool(called));
        if (httpStatus > 0) {
            entry.put("httpStatus", n(httpStatus));
        }
        return entry;
    }

    static Map<String, AttributeValue> key(String deliveryId) {
        return Map.of(Keys.PK, s(Keys.delivery(deliveryId)), Keys.SK, s(DELIVERY));
    }
}
