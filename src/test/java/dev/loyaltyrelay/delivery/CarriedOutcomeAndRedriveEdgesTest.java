package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.application.delivery.Recovery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.MOBILE;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.admin.AdminFunctionProfile;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.figures.FiguresHandler;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** Review round 3 (independent): the carried outcome, the budget renewal of a redrive, the figures projection's retries. */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class CarriedOutcomeAndRedriveEdgesTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    DeliveryLedger ledger;
    @Inject
    Recovery recovery;
    @Inject
    CustomerStore customers;
    @Inject
    FiguresHandler figuresHandler;
    @Inject
    DeliveryFigures figures;

    String merchantId;

    @BeforeEach
    void freshMerchant() {
        merchantId = fixture.freshMerchant();
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    /** An UpdateItem of a delivery record that writes {@code value} somewhere. */
    static Predicate<SdkRequest> deliveryWriteWith(String value) {
        return request -> request instanceof UpdateItemRequest update && update.key().get("pk") != null
                && update.key().get("pk").s().startsWith("DELIVERY#")
                && update.expressionAttributeValues().values().stream().anyMatch(v -> value.equals(v.s()));
    }

    static Map<String, AttributeValue> item(DeliveryJob job) {
        return LocalAws.get().dynamo.getItem(r -> r.tableName(LocalAws.RECORDS_TABLE).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("DELIVERY#" + job.deliveryId()), "sk", AttributeValue.fromS("DELIVERY")))).item();
    }

    static String describe(DeliveryRecord record) {
        return record.status() + " (" + record.reason() + ")";
    }

    /**
     * README, Delivery 5: "the attempt that takes the lapsed claim over records the carried outcome ... instead of
     * UNKNOWN, calling nothing". Zoko refuses the key (401); the REJECTED outcome cannot be written and is carried. The
     * refusal flagged the integration, so the copy's attempt stops in its preparation (integration_needs_attention),
     * never reaches the claim where the carried outcome is looked at, and its settlement over the lapsed lease ends the
     * delivery UNKNOWN (attempt_lapsed_mid_call): a known refusal shown as a possible send.
     */
    @Test
    void aCarriedRefusal_isRecordedRejected_evenWhenTheCopyCannotBePreparedForACall() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(401)));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        DynamoFaults.inject(deliveryWriteWith(DeliveryOutcome.Rejected.CREDENTIALS_REFUSED), When.BEFORE_SENDING, 1_000_000);

        fixture.poll(BuiltIn.ZOKO);

        DynamoFaults.clear();
        clock.advance(Duration.ofMinutes(1));
        fixture.poll(BuiltIn.ZOKO); // the copy carrying the outcome

        DeliveryRecord record = fixture.record(job);
        assertEquals(1, calls(BuiltIn.ZOKO));
        assertEquals(DeliveryStatus.REJECTED, record.status(), "Zoko answered 401 and the outcome was carried; the record says "
                + describe(record));
    }

    /**
     * README, Writes the SDK repeats: a claim applied whose answer was lost is recognised as the caller's own when the SDK
     * repeats it. On that path the claim does not know the token it took over ({@code lapsedToken} null), so the copy
     * carrying Zoko's 202 ends UNKNOWN although its outcome was in hand.
     */
    @Test
    void aCarriedSend_isRecordedSent_whenTheTakeoverClaimIsRepeatedByTheSdk() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-msg-1\"}")));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        DynamoFaults.inject(DynamoFaults.updateOf("DELIVERY#", "providerMessageId"), When.BEFORE_SENDING, 1_000_000);
        fixture.poll(BuiltIn.ZOKO);
        DynamoFaults.clear();
        clock.advance(Duration.ofMinutes(1));
        // The takeover claim is applied, its first answer lost; the SDK repeats it.
        DynamoFaults.inject(DynamoFaults.updateOf("DELIVERY#", "claimedAt"), When.AFTER_APPLYING, 1);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord record = fixture.record(job);
        assertEquals(1, calls(BuiltIn.ZOKO));
        assertEquals(DeliveryStatus.SENT, record.status(), "Zoko answered 202 (zk-msg-1), carried; the record says " + describe(record));
    }

    /**
     * Issue 10 item 3 / README Budget: a delivery out of calls is recorded EXHAUSTED with its last failure as the reason.
     * The 12th call is answered 503; the letter goes to the DLQ, then the EXHAUSTED write fails. The outcome is carried
     * (with its budget, {@code givenUpBy}) and recorded EXHAUSTED by the copy, never UNKNOWN: the delivery is known not
     * sent, and a redrive reopens it rather than dropping its letter as ended.
     */
    @Test
    void aDeliveryGivenUpAfterItsLastCall_isRecordedExhausted_evenWhenTheFirstWriteOfItFails() {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(503)));
        DeliveryJob job = fixture.zokoJob();
        String body = fixture.encode(job);
        for (int call = 0; call < 11; call++) {
            ledger.settle(job, body, new DeliveryLedger.Settlement(DeliveryStatus.RETRY_SCHEDULED,
                    new DeliveryOutcome.RetryLater("http_503", Optional.empty(), true, 503), null, false), clock.instant());
        }
        assertEquals(11, fixture.record(job).attempts());
        DynamoFaults.inject(deliveryWriteWith("attempts_exhausted"), When.BEFORE_SENDING, 1_000_000);

        fixture.invoke(job, 1);

        DynamoFaults.clear();
        clock.advance(Duration.ofMinutes(1));
        fixture.poll(BuiltIn.ZOKO); // the copy carrying the outcome (the original message was answered done)

        DeliveryRecord record = fixture.record(job);
        int letters = Queues.drainDeadLetters(BuiltIn.ZOKO).size();
        assertEquals(1, calls(BuiltIn.ZOKO));
        assertEquals(DeliveryStatus.EXHAUSTED, record.status(), "12 calls answered 503; the record says " + describe(record)
                + ", letters on the DLQ: " + letters);
    }

    /**
     * README, Erasure: every record that carries the address is erased, and a job queued before is suppressed "and its
     * record never carries the address". A letter dead-lettered while the store was down has no record; the person is
     * erased; the operator redrives. renewBudget creates the record from the letter with the full address and the job,
     * and the suppression that follows (a settle: firstWrite's setOnce) keeps both.
     */
    @Test
    void aRedriveAfterAnErasure_neverWritesTheErasedAddressBack() {
        customers.upsert(new CustomerProfile(merchantId, "mobile:" + MOBILE, MOBILE, null, "Riya", null, null, null));
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)));
        DeliveryJob job = fixture.zokoJob();
        // Dead-lettered while the store was down: a letter, no record.
        var dlq = LocalAws.get().deadLetterQueueUrls.get(BuiltIn.ZOKO);
        LocalAws.get().sqs.sendMessage(r -> r.queueUrl(dlq).messageBody(fixture.encode(job)));
        clock.advance(Duration.ofMinutes(5));
        var erased = AdminCalls.operator("POST", "/v1/admin/merchants/" + merchantId + "/customers/erase", Map.of("mobile", MOBILE));
        assertEquals(200, erased.status(), erased.toString());

        recovery.redrive(BuiltIn.ZOKO, 10, Duration.ofSeconds(20));
        fixture.poll(BuiltIn.ZOKO);

        var item = item(job);
        assertEquals(0, calls(BuiltIn.ZOKO));
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(job).status());
        assertNotEquals(MOBILE, item.get("recipient").s(), "the erased person's address is back on a record (" + item.keySet() + ")");
        assertFalse(item.containsKey("job"), "the erased person's job (address and event properties) is back on a record");
        assertTrue(ledger.job(job.deliveryId()).isEmpty(), "the erased person's job (address and event properties) is kept beside the record");
    }

    // ---- figures ----

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicLong SEQUENCE = new AtomicLong(5_000_000);
    static final LocalDate DAY = LocalDate.parse("2026-11-18");

    ObjectNode change(String merchant, String deliveryId, String before, String after) {
        ObjectNode record = JSON.createObjectNode();
        record.put("eventID", "ev-r3-" + SEQUENCE.incrementAndGet());
        record.put("eventName", "MODIFY");
        record.put("eventSource", "aws:dynamodb");
        ObjectNode dynamodb = record.putObject("dynamodb");
        ObjectNode keys = dynamodb.putObject("Keys");
        keys.putObject("pk").put("S", "DELIVERY#" + deliveryId);
        keys.putObject("sk").put("S", "DELIVERY");
        if (before != null) {
            image(dynamodb.putObject("OldImage"), merchant, before);
        }
        image(dynamodb.putObject("NewImage"), merchant, after);
        dynamodb.put("SequenceNumber", String.format("%024d", SEQUENCE.get()));
        return record;
    }

    static void image(ObjectNode image, String merchant, String counted) {
        image.putObject("merchantId").put("S", merchant);
        image.putObject("provider").put("S", "zoko");
        image.putObject("topic").put("S", "walletreward_create");
        image.putObject("receivedAt").put("N", Long.toString(DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli()));
        image.putObject("counted").put("S", counted);
    }

    JsonNode invoke(ObjectNode... records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        for (ObjectNode record : records) {
            array.add(record);
        }
        try {
            var out = new ByteArrayOutputStream();
            figuresHandler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
            return JSON.readTree(out.toByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * README, Figures: "a batch Lambda repeats after the function died past a commit counts once". The transaction of
     * a batch is applied but every answer is lost: the handler names its first change, and Lambda reads the stream
     * again from there. By then another delivery changed, so the retried batch is longer: its chunk has another last
     * change and size, so another idempotency token, and the first delivery is counted twice.
     */
    @Test
    void aBatchAppliedWithItsAnswerLost_countsOnce_whenItsRetryHoldsLaterChangesToo() {
        String merchant = TestMerchants.freshId();
        ObjectNode first = change(merchant, "d1", "PENDING|waiting", "SENT|sent");
        DynamoFaults.inject(request -> request instanceof TransactWriteItemsRequest, When.AFTER_APPLYING, 1_000_000);

        JsonNode failed = invoke(first);

        DynamoFaults.clear();
        assertEquals(1, failed.get("batchItemFailures").size(), failed.toString());
        ObjectNode later = change(merchant, "d2", "PENDING|waiting", "SENT|sent");
        assertEquals(0, invoke(first, later).get("batchItemFailures").size());

        var totals = new TreeMap<String, Long>();
        figures.read(merchant, DAY, DAY).forEach(f -> totals.merge(f.outcome().name().toLowerCase(Locale.ROOT), f.count(), Long::sum));
        assertEquals(2L, totals.getOrDefault("sent", 0L), "two deliveries sent; the figures say " + totals);
    }
}
