package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.receipts.ReceiptHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.CapturedLogs;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 15 ("Logs: every line with the AWS request id, and where known the merchant, Nector delivery id and
 * our delivery id"). The receipts function knows the merchant (its URL names it) and, once a receipt is applied, our
 * delivery id: the line it writes for an applied receipt must carry both in its context (the JSON log's mdc), as the
 * delivery function's outcome lines do, so Logs Insights finds a delivery's receipt lines by deliveryId / merchantId.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class ReceiptLogLinesCarryTheIdsReviewTest {

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

    record Line(String message, Map<String, String> mdc) {
    }

    @Test
    void anAppliedReceiptsLogLine_carriesTheRequestId_theMerchant_andTheDeliveryId() {
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO)));
        assertEquals(201, initialized.status(), initialized.toString());
        String integrationId = initialized.get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());
        String receiptUrl = initialized.get("receipts").get("url").asText();
        String messageId = "zk-review15c-" + System.nanoTime();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).atPriority(1)
                .willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"" + messageId + "\"}")));
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, ConsentTest.deliver(BuiltIn.ZOKO));
        String deliveryId = ReceiptsTest.delivery(merchantId, key, messageId).get("deliveryId").asText();
        assertFalse(deliveryId.isBlank());

        List<Line> lines = Collections.synchronizedList(new ArrayList<>());
        CapturedLogs.during(() -> {
            var event = new APIGatewayV2HTTPEvent();
            event.setRawPath(URI.create(receiptUrl).getPath());
            event.setBody(ReceiptsTest.receipt(messageId, "delivered"));
            event.setIsBase64Encoded(false);
            assertEquals(200, receipts.handleRequest(event, lambdaContext("req-receipt-review")).getStatusCode());
        }, record -> {
            Map<String, String> mdc = record instanceof ExtLogRecord ext ? ext.getMdcCopy() : Map.of();
            lines.add(new Line(record.getMessage() == null ? "" : String.format(java.util.Locale.ROOT, record.getMessage(),
                    record.getParameters() == null ? new Object[0] : record.getParameters()), Map.copyOf(mdc)));
        });

        List<Line> applied = lines.stream().filter(line -> line.message().startsWith("delivery " + deliveryId + " zoko: delivered")).toList();
        assertEquals(1, applied.size(), "the applied receipt's line: " + lines);
        Map<String, String> mdc = applied.getFirst().mdc();
        assertEquals("req-receipt-review", mdc.get("awsRequestId"), "request id: " + mdc);
        assertEquals(merchantId, mdc.get("merchantId"), "the merchant the receipt URL names is known: " + mdc);
        assertEquals(deliveryId, mdc.get("deliveryId"), "our delivery id is known once the receipt is applied: " + mdc);
    }

    static Context lambdaContext(String awsRequestId) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "getAwsRequestId" -> awsRequestId;
                    case "getRemainingTimeInMillis" -> 30_000;
                    case "getMemoryLimitInMB" -> 512;
                    case "toString" -> "Context[" + awsRequestId + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
