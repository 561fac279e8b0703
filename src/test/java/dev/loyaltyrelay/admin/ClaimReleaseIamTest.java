package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delivery function's rarer store calls (taking back a claim) against its role in template.yaml. */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ClaimReleaseIamTest {

    @Inject
    IngestHandler ingest;
        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    /**
     * README, Delivery step 2: "A claim written while every answer of the store was lost is taken back (removed, or its
     * earlier status restored)". DynamoDeliveryLedger.releaseIfOurs removes a new delivery's claim with DeleteItem on
     * the records table; no delivery function's role grants dynamodb:DeleteItem there (UpdateItem, GetItem,
     * BatchGetItem). In AWS the release is AccessDenied, swallowed as "still failing": the claim lapses and the
     * delivery ends UNKNOWN without a call. IamCoverageTest never drives this path.
     */
    @Test
    void takingBackAClaimWhoseAnswersWereLost_isAllowedByTheDeliveryRole() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        String integrationId = initialized.get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        directory.invalidateAll();
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        IamCallRecorder.take();

        // The claim is applied, and every answer to it (the SDK's repeats included) is lost.
        DynamoFaults.inject(DynamoFaults.updateOf("DELIVERY#", "claimedAt"), When.AFTER_APPLYING, 1_000);
        AdminScenario.deliver(BuiltIn.ZOKO, zoko);
        DynamoFaults.clear();
        List<IamCallRecorder.Call> calls = IamCallRecorder.take();
        Queues.purgeAll();

        List<String> denied = IamCoverageTest.deniedTo("ZokoFunction", calls);
        assertTrue(denied.isEmpty(), "calls template.yaml's roles do not allow (AccessDenied in AWS):\n" + String.join("\n", new TreeSet<>(denied)));
    }
}
