package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 15 ("Data safety: TTL on everything personal") and of the observed traffic's promise (names and types,
 * "never a value"). Observed topics are kept in the config table without an expiry, and they keep every property NAME
 * of an authentic event, nested ones as dotted paths. A body whose object is keyed by a customer's address (a referral
 * map keyed by the referred friend's e-mail or number) makes that address a "name": it is then kept with no TTL,
 * shown by the admin API, and never erased by the customer's erasure.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ObservedNamesCarryNoAddressReviewTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FRIEND_EMAIL = "friend.review15c@example.org";
    static final String FRIEND_MOBILE = "+919812399999";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    @Test
    void anAddressUsedAsAKey_isNeverKeptAsAnObservedPropertyName() throws Exception {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        String body = "{\"user_name\":\"Riya\",\"user_mobile\":\"+919812345678\",\"value\":\"CODE-1\",\"fiat_value\":150,\"fiat_class\":\"fixed\","
                + "\"minimumcart_amount\":999,\"expire\":\"2026-12-31T23:59:59Z\",\"status\":\"used\","
                + "\"referrals\":{\"" + FRIEND_EMAIL + "\":{\"coins\":50},\"" + FRIEND_MOBILE + "\":{\"coins\":50}}}";
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-coupon_create.json"), merchantId);
        Webhooks.withHeader(event, "x-nector-topic", "coupon_update");
        Webhooks.withDeliveryId(event, "nd-" + UUID.randomUUID());
        Webhooks.withSignedBody(event, body, BodySignatureScheme.RAW_BODY);
        assertEquals(202, ingest.handleRequest(JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null).getStatusCode());

        Answer listed = call("GET", merchants(merchantId) + "/observed-topics/coupon_update", key, null);
        assertEquals(200, listed.status(), listed.toString());
        String text = listed.body().toString();
        assertFalse(text.contains(FRIEND_EMAIL) || text.contains(FRIEND_MOBILE),
                "a customer's address kept (without expiry) as an observed property name: " + text);
    }
}
