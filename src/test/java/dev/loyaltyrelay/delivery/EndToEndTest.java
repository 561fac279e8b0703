package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A signed webhook into ingest (through the Lambda mock event server), each provider queue drained by its own
 * delivery function the way Lambda's SQS event source drives it, WireMock as the providers. The webhook and
 * every queue message are delivered twice; each customer still gets exactly one message per mapping.
 */
@QuarkusTest
class EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TestMerchants merchants;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    DeliveryLedger ledger;
        DeliveryFunction zoko = DeliveryFunction.of(BuiltIn.ZOKO);
        DeliveryFunction limechat = DeliveryFunction.of(BuiltIn.LIMECHAT);
        DeliveryFunction wigzo = DeliveryFunction.of(BuiltIn.WIGZO);

    @BeforeEach
    void providersAccept() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        ProviderStubs.resetAll();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-e2e\"}")));
        ProviderStubs.of(BuiltIn.LIMECHAT).stubFor(post(urlEqualTo("/api/v1/cvf-events")).willReturn(aResponse().withStatus(200).withBody("{}")));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200)));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/event")).willReturn(aResponse().withStatus(200)));
    }

    static int ingest(String merchantId) {
        String response = given().contentType("application/json").body(Webhooks.text(Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId)))
                .when().post().then().statusCode(200).extract().asString();
        try {
            return JSON.readTree(response).get("statusCode").asInt();
        } catch (Exception e) {
            throw new AssertionError(response, e);
        }
    }

    /** Puts a second copy of every message on the queue, as SQS's at-least-once delivery may. */
    static List<String> duplicateEveryMessage(Provider provider) {
        List<Message> messages = Queues.drain(provider);
        String url = LocalAws.get().queueUrls.get(provider);
        List<String> deliveryIds = new ArrayList<>();
        for (Message message : messages) {
            for (int copy = 0; copy < 2; copy++) {
                LocalAws.get().sqs.sendMessage(r -> r.queueUrl(url).messageBody(message.body()));
            }
            try {
                deliveryIds.add(JSON.readTree(message.body()).get("deliveryId").asText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return deliveryIds;
    }

    static void drain(Provider provider, RequestHandler<SQSEvent, SQSBatchResponse> function) {
        new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(provider)).drain(event -> function.handleRequest(event, null));
    }

    @Test
    void signedWebhookTwice_queueMessagesTwice_eachCustomerGetsExactlyOneCorrectlyShapedMessagePerMapping() {
        String merchantId = merchants.demoLike();

        assertEquals(202, ingest(merchantId));
        assertEquals(200, ingest(merchantId), "Nector's retry is answered as a duplicate");
        Map<Provider, List<String>> deliveries = Map.of(
                BuiltIn.ZOKO, duplicateEveryMessage(BuiltIn.ZOKO),
                BuiltIn.LIMECHAT, duplicateEveryMessage(BuiltIn.LIMECHAT),
                BuiltIn.WIGZO, duplicateEveryMessage(BuiltIn.WIGZO));
        drain(BuiltIn.ZOKO, zoko);
        drain(BuiltIn.LIMECHAT, limechat);
        drain(BuiltIn.WIGZO, wigzo);

        deliveries.values().forEach(ids -> assertEquals(1, ids.size()));
        deliveries.values().stream().flatMap(List::stream)
                .forEach(id -> assertEquals(DeliveryStatus.SENT, ledger.find(id).orElseThrow().status(), id));
        ProviderStubs.of(BuiltIn.ZOKO).verify(1, postRequestedFor(urlEqualTo("/v2/message"))
                .withHeader("apikey", equalTo("zk-test-key-0001"))
                .withRequestBody(equalToJson("""
                        {"channel":"whatsapp","recipient":"919876543210","type":"template","templateId":"wallet_reward_v1",
                         "templateLanguage":"en","templateArgs":["Riya","100"]}""")));
        assertEquals(1, ProviderStubs.requests(BuiltIn.ZOKO).size());
        ProviderStubs.of(BuiltIn.LIMECHAT).verify(1, postRequestedFor(urlEqualTo("/api/v1/cvf-events"))
                .withHeader("x-limechat-uat", equalTo("lc-token-0001"))
                .withHeader("x-fb-account-id", equalTo("lc-acc"))
                .withRequestBody(equalToJson("{\"distinct_id\":\"919876543210\",\"phone\":\"919876543210\",\"event\":\"walletreward_create\"}", true, true)));
        assertEquals(1, ProviderStubs.requests(BuiltIn.LIMECHAT).size());
        ProviderStubs.of(BuiltIn.WIGZO).verify(1, postRequestedFor(urlPathEqualTo("/rest/v1/learn/event"))
                .withRequestBody(equalToJson("{\"eventName\":\"wallet_coins_rewarded\",\"eventCategory\":\"EXTERNAL\"}", true, true)));
        assertEquals(1, ProviderStubs.of(BuiltIn.WIGZO).findAll(postRequestedFor(urlPathEqualTo("/rest/v1/learn/event"))).size());
    }
}
