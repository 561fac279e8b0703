package dev.loyaltyrelay.figures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The figures function on DynamoDB Local, fed stream events as Lambda sends them: each change moves its delivery from
 * the counter it was in to the one it is in now; a batch repeated after its function died past the commit counts once;
 * a batch that fails is retried from the first change not applied; expiry and other items change nothing.
 */
@QuarkusTest
class FigureProjectionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong SEQUENCE = new AtomicLong(1_000);
    static final LocalDate DAY = LocalDate.parse("2026-11-18");

    @Inject
    FiguresHandler handler;
    @Inject
    DeliveryFigures figures;

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    ObjectNode change(String merchantId, String deliveryId, String eventName, String before, String after, LocalDate day) {
        ObjectNode record = JSON.createObjectNode();
        record.put("eventID", "ev-" + SEQUENCE.incrementAndGet());
        record.put("eventName", eventName);
        record.put("eventSource", "aws:dynamodb");
        ObjectNode dynamodb = record.putObject("dynamodb");
        ObjectNode keys = dynamodb.putObject("Keys");
        keys.putObject("pk").put("S", "DELIVERY#" + deliveryId);
        keys.putObject("sk").put("S", "DELIVERY");
        if (before != null) {
            image(dynamodb.putObject("OldImage"), merchantId, before, day);
        }
        if (after != null) {
            image(dynamodb.putObject("NewImage"), merchantId, after, day);
        }
        dynamodb.put("SequenceNumber", String.format("%024d", SEQUENCE.get()));
        return record;
    }

    static void image(ObjectNode image, String merchantId, String counted, LocalDate day) {
        image.putObject("merchantId").put("S", merchantId);
        image.putObject("provider").put("S", "zoko");
        image.putObject("topic").put("S", "walletreward_create");
        image.putObject("receivedAt").put("N", Long.toString(day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli()));
        if (!counted.isEmpty()) {
            image.putObject("counted").put("S", counted);
        }
    }

    JsonNode invoke(ObjectNode... records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        for (ObjectNode record : records) {
            array.add(record);
        }
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
            return JSON.readTree(out.toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Map<String, Long> totals(String merchantId, LocalDate day) {
        var totals = new TreeMap<String, Long>();
        figures.read(merchantId, day, day).forEach(f -> totals.merge(f.outcome().name().toLowerCase(Locale.ROOT), f.count(), Long::sum));
        totals.values().removeIf(count -> count == 0);
        return totals;
    }

    @Test
    void eachChange_movesTheDeliveryFromItsCounterToTheNext_soItCountsOnce() {
        String merchant = TestMerchants.freshId();

        invoke(change(merchant, "d1", "INSERT", null, "", DAY),
                change(merchant, "d1", "MODIFY", "", "PENDING|waiting", DAY),
                change(merchant, "d1", "MODIFY", "PENDING|waiting", "PENDING|waiting", DAY),
                change(merchant, "d1", "MODIFY", "PENDING|waiting", "SENT|sent", DAY),
                change(merchant, "d2", "MODIFY", null, "FAILED|http_400", DAY));

        assertEquals(Map.of("sent", 1L, "failed", 1L), totals(merchant, DAY));
    }

    @Test
    void aBatchRepeatedAfterItsFunctionDiedPastTheCommit_countsOnce() {
        String merchant = TestMerchants.freshId();
        ObjectNode pending = change(merchant, "d1", "INSERT", null, "PENDING|waiting", DAY);
        ObjectNode sent = change(merchant, "d1", "MODIFY", "PENDING|waiting", "SENT|sent", DAY);

        invoke(pending, sent);
        invoke(pending, sent);

        assertEquals(Map.of("sent", 1L), totals(merchant, DAY));
    }

    @Test
    void aBatchTheStoreRefuses_namesTheFirstChangeNotApplied_andItsRetryCountsEachChangeOnce() {
        String merchant = TestMerchants.freshId();
        ObjectNode[] changes = new ObjectNode[30];
        for (int day = 0; day < 30; day++) {
            changes[day] = change(merchant, "d" + day, "MODIFY", null, "SENT|sent", DAY.plusDays(day));
        }
        // Each change is two items of a transaction (its delivery's marker, its day): the second transaction fails, the
        // changes of the first are applied, the rest retried.
        int perTransaction = DeliveryFigures.MAX_ITEMS_AT_ONCE / 2;
        var transactions = new AtomicLong();
        DynamoFaults.inject(request -> request instanceof TransactWriteItemsRequest && transactions.incrementAndGet() > 1, When.BEFORE_SENDING, 100);

        JsonNode failed = invoke(changes);

        assertEquals(changes[perTransaction].get("dynamodb").get("SequenceNumber").asText(),
                failed.get("batchItemFailures").get(0).get("itemIdentifier").asText());
        DynamoFaults.clear();
        ObjectNode[] retried = java.util.Arrays.copyOfRange(changes, perTransaction, changes.length);
        assertEquals(0, invoke(retried).get("batchItemFailures").size());
        long sent = 0;
        for (int day = 0; day < 30; day++) {
            sent += totals(merchant, DAY.plusDays(day)).getOrDefault("sent", 0L);
        }
        assertEquals(30, sent, "every change counted once over the failure and its retry");
    }

    @Test
    void expiryAndItemsThatAreNotDeliveries_leaveTheFiguresAsTheyAre() {
        String merchant = TestMerchants.freshId();
        invoke(change(merchant, "d1", "MODIFY", null, "SENT|sent", DAY));
        ObjectNode expired = change(merchant, "d1", "REMOVE", "SENT|sent", null, DAY);
        ObjectNode claim = change(merchant, "c1", "MODIFY", null, "SENT|sent", DAY);
        ((ObjectNode) claim.get("dynamodb").get("Keys").get("sk")).put("S", "CLAIM");

        JsonNode answer = invoke(expired, claim);

        assertEquals(0, answer.get("batchItemFailures").size());
        assertEquals(Map.of("sent", 1L), totals(merchant, DAY));
    }

    @Test
    void anUnreadableEvent_isAnsweredWithAFailure_notAnEscapingError() {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("not json".getBytes()), out, null);

        assertTrue(out.toString().contains("batchItemFailures"), out.toString());
    }
}
