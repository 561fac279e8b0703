package dev.loyaltyrelay.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.MOBILE;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.admin.AdminFunctionProfile;
import dev.loyaltyrelay.application.delivery.Recovery;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.support.AdminCalls;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Independent review of issue 16's kept job (DELIVERY#id / JOB, commits 6dbb065, 24f3cd4, 0b3262d): erasure against
 * the job item, and first writes whose keep never comes.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class KeptJobReviewTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    CustomerStore customers;
    @Inject
    DeliveryLedger ledger;
    @Inject
    Recovery recovery;
    @Inject
    MutableClock clock;

    String merchantId;

    @BeforeEach
    void freshMerchant() {
        merchantId = fixture.freshMerchant();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(202)));
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    private static Map<String, AttributeValue> jobItem(DeliveryJob job) {
        return LocalAws.get().dynamo.getItem(r -> r.tableName(LocalAws.RECORDS_TABLE).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("DELIVERY#" + job.deliveryId()), "sk", AttributeValue.fromS("JOB")))).item();
    }

    private AdminCalls.Answer erase() {
        return AdminCalls.operator("POST", "/v1/admin/merchants/" + merchantId + "/customers/erase", Map.of("mobile", MOBILE));
    }

    /**
     * README, Erasure: an erased person's job is never kept. The erasure lands after the batch read the policies and
     * before the claim: the claim writes the record and keeps the job; the recipient re-check before the call sees the
     * erasure and records SUPPRESSED recipient_erased under the claim. DeliveryOutcomes.record scrubs the record
     * (scrubRecipient no longer removes a job) but never forgets the JOB item: the person's address and event
     * properties stay readable, and a resend queues them again.
     */
    @Test
    void aPersonErasedBetweenScreenAndClaim_leavesNoKeptJob_andCannotBeResent() {
        customers.upsert(new CustomerProfile(merchantId, "mobile:" + MOBILE, MOBILE, null, "Riya", null, null, null));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        AtomicReference<AdminCalls.Answer> erasure = new AtomicReference<>();
        DynamoFaults.justBefore(DynamoFaults.updateOf("DELIVERY#", "claimedAt"), () -> erasure.set(erase()));

        fixture.poll(BuiltIn.ZOKO);

        assertEquals(200, erasure.get().status(), String.valueOf(erasure.get()));
        assertEquals(0, calls(BuiltIn.ZOKO), "nothing is sent to a person erased before the call");
        assertEquals(DeliveryStatus.SUPPRESSED, fixture.record(job).status());
        Map<String, AttributeValue> item = jobItem(job);
        assertTrue(item == null || !item.containsKey("job"),
                "the erased person's job (address and event properties) is kept beside the record after the erasure: " + (item == null ? null : item.keySet()));
        assertTrue(ledger.job(job.deliveryId()).isEmpty(), "ledger.job() still returns the erased person's job");
        assertEquals(Recovery.Resend.JOB_GONE, recovery.resend(job.deliveryId()), "a resend of an erased person's delivery");
    }

    /**
     * README, Erasure ("an erasure that fails can be repeated"): the erasure scrubs the record (removing its
     * recipientKey, the only way the recipient index finds it) BEFORE it writes the job's tombstone. When the tombstone's
     * put fails, the erasure fails; its retry no longer finds the record, so the JOB item keeps the person's address and
     * properties for 30 days, and resend still works on it.
     */
    @Test
    void anErasureWhoseTombstoneFailed_isCompletedByItsRetry() {
        customers.upsert(new CustomerProfile(merchantId, "mobile:" + MOBILE, MOBILE, null, "Riya", null, null, null));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertTrue(ledger.job(job.deliveryId()).isPresent(), "precondition: the job was kept");

        DynamoFaults.inject(DynamoFaults.writeOf("JOB"), When.BEFORE_SENDING, 100);
        var failed = erase();
        DynamoFaults.clear();
        assertNotEquals(200, failed.status(), "precondition: the erasure reports its failure: " + failed);

        var retried = erase();
        assertEquals(200, retried.status(), retried.toString());
        assertTrue(ledger.job(job.deliveryId()).isEmpty(),
                "after an erasure answered 200 (on retry), the person's job is still kept and readable: " + ledger.job(job.deliveryId()).orElse(null));
        assertEquals(Recovery.Resend.JOB_GONE, recovery.resend(job.deliveryId()), "a resend of an erased person's delivery");
    }

    /**
     * README, Resend: a resend works from the kept job for 30 days. The job is kept only when the claim's answer says
     * it was the record's first write. A claim applied whose answer is lost (StoreUnavailable) is released to
     * RETRY_SCHEDULED; the next receive claims it (previousStatus RETRY_SCHEDULED: no keep) and sends it. Before the
     * change the claim wrote the job with the record (setOnce, on every claim): resend worked.
     */
    @Test
    void aDeliveryWhoseFirstClaimAnswerWasLost_canStillBeResent() {
        DeliveryJob job = fixture.zokoJob();
        DynamoFaults.inject(DynamoFaults.updateOf("DELIVERY#", "claimedAt"), When.AFTER_APPLYING, 100);
        fixture.invoke(job, 1);
        DynamoFaults.clear();
        assertEquals(0, calls(BuiltIn.ZOKO), "precondition: nothing sent while the store failed");

        fixture.invoke(job, 2);
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());

        assertEquals(Recovery.Resend.REQUEUED, recovery.resend(job.deliveryId()),
                "a sent delivery whose first claim's answer was lost cannot be resent (no job kept)");
    }

    /**
     * README, Resend. The keep is a separate write after the claim: a function that dies (or whose put fails) between
     * the two leaves a record that no later write keeps a job for (the retried claim is not a first write). The
     * lapsed attempt is recorded UNKNOWN, exactly the delivery a merchant resends.
     */
    @Test
    void aDeliveryWhoseFunctionDiedBetweenClaimAndKeep_canStillBeResent() {
        DeliveryJob job = fixture.zokoJob();
        // The keep fails (as if the function died right after the claim); the rest goes on.
        DynamoFaults.inject(DynamoFaults.writeOf("JOB"), When.BEFORE_SENDING, 100);
        fixture.invoke(job, 1);
        DynamoFaults.clear();
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        // The next time anything writes the record, nothing repairs it.
        assertEquals(Recovery.Resend.REQUEUED, recovery.resend(job.deliveryId()),
                "a delivery whose keep failed once is never resendable (job_gone for its 30 days)");
    }
}
