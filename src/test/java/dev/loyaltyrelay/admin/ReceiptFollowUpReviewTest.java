package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.receipts.ReceiptHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * Independent review of issue 16: a FAILED receipt's follow-up (an opt-out, 131050) now needs a second read (the JOB
 * item) after the receipt is applied. Before, the job came back with the receipt's own update (ALL_NEW), in one write.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ReceiptFollowUpReviewTest {

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    @Named("receipts")
    ReceiptHandler receipts;

    @BeforeEach
    void fresh() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    int posted(String url, String body) {
        var event = new APIGatewayV2HTTPEvent();
        event.setRawPath(URI.create(url).getPath());
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return receipts.handleRequest(event, null).getStatusCode();
    }

    /**
     * README, Receipts: "a failure reported after the send is classified like the answer: 131050 opts the recipient
     * out". The kept job's read fails (transiently, after the SDK's retries): the receipt is applied and answered
     * 200 anyway, so Zoko never posts it again, and a repeat would be "unchanged" (no follow-up): the opt-out is lost
     * for good and the next marketing message goes to a person who opted out.
     */
    @Test
    void anOptOutReportedByAFailureReceipt_isRecorded_evenWhenTheJobReadFailsOnce() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        ProviderStubs.of(BuiltIn.ZOKO).resetRequests();
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        String receiptUrl = initialized.get("receipts").get("url").asText();
        assertEquals(200, call("PUT", merchants(merchantId) + "/topic-categories", key,
                object("overrides", Map.of("walletreward_create", "marketing"))).status());
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).atPriority(1)
                .willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-fail-rv\"}")));
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));

        String failure = "{\"event\":\"message:delivery:update\",\"id\":\"zk-fail-rv\",\"deliveryStatus\":\"failed\","
                + "\"details\":{\"message\":\"(#131050) Unable to deliver message\"}}";
        DynamoFaults.inject(request -> request instanceof GetItemRequest get && get.key().get("sk") != null
                && "JOB".equals(get.key().get("sk").s()), DynamoFaults.When.BEFORE_SENDING, 100);
        int first = posted(receiptUrl, failure);
        DynamoFaults.clear();
        // Whatever the first answer, the provider (or an operator) posting it again must still get the opt-out recorded.
        int again = posted(receiptUrl, failure);

        Answer looked = call("POST", merchants(merchantId) + "/consent/lookup", key, object("mobile", ReceiptsTest.MOBILE_DIGITS));
        assertTrue(ConsentTest.channel(looked, "WHATSAPP").get("optedOut").asBoolean(),
                "the 131050 opt-out reported by a failure receipt was never recorded (receipt answered " + first + ", repeat "
                        + again + "): " + looked);
    }
}
