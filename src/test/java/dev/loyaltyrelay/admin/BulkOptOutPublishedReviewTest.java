package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.EventBridgeStub;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 15 ("Events for the merchant's own systems: ... an opt-out recorded: published to EventBridge"). The
 * merchant's single opt-out is published (OperationalEventsTest); an opt-out the merchant records through
 * consent/bulk is recorded all the same (it stops every later send to the recipient) but no event is published, so a
 * team routing "Recipient Opted Out" to its CRM never hears of it.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class BulkOptOutPublishedReviewTest {

    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    @Test
    void anOptOutRecordedInBulk_isPublishedLikeASingleOne() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        EventBridgeStub.working();
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        Answer bulk = call("POST", merchants(merchantId) + "/consent/bulk", key,
                object("action", "opt_out", "entries", List.of(object("channel", "WHATSAPP", "mobile", "9876543210"))));
        assertEquals(200, bulk.status(), bulk.toString());
        assertEquals(1, bulk.get("applied").asInt(), bulk.toString());

        List<EventBridgeStub.Entry> published = EventBridgeStub.entriesOf(merchantId);
        assertEquals(1, published.size(), "one Recipient Opted Out for the recorded opt-out: " + published);
        assertEquals("Recipient Opted Out", published.getFirst().detailType());
        assertEquals(Hashes.sha256Hex(merchantId + "\n+919876543210"), published.getFirst().detail().path("recipientHash").asText());
    }
}
