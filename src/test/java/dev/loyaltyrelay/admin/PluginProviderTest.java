package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.delivery.DeliveryPipeline;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.provider.echo.EchoAdapter;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider added by one folder: {@code src/test/java/dev/loyaltyrelay/provider/echo} holds Echo's adapter (its
 * profile, typed credentials and wire format) and REST client, and nothing in {@code src/main} names it. The admin API
 * initializes it and checks its credential fields, a mapping is made, and a signed webhook reaches Echo's API in
 * Echo's wire format through Echo's own queue and the shared delivery pipeline.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class PluginProviderTest {

    private static final Provider ECHO = EchoAdapter.PROFILE.provider();

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    DeliveryPipeline pipeline;
    @Inject
    DeliveryLedger ledger;
    @Inject
    ProviderCatalogue catalogue;

    @BeforeEach
    void echoAccepts() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        ProviderStubs.of(ECHO).stubFor(post(urlEqualTo("/v1/echoes"))
                .willReturn(aResponse().withStatus(201).withBody("{\"echoId\":\"echo-77\"}")));
    }

    @Test
    void aProviderRegisteredByItsFolderAlone_isInitializedMappedAndDeliveredEndToEnd() {
        assertTrue(catalogue.profile(ECHO).isPresent(), "registered by being a bean");
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);

        Answer wrongFields = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "echo", "credentials", Map.of("apiKey", "echo-secret-0001")));
        assertEquals(400, wrongFields.status(), wrongFields.toString());
        assertEquals("credentials.apiKey", wrongFields.get("errors").get(0).get("field").asText(), "its credential record names its fields");

        Answer initialized = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "echo", "credentials", Map.of("token", "echo-secret-0001")));
        assertEquals(201, initialized.status(), initialized.toString());
        assertEquals("mobile", initialized.get("commonProperty").asText(), "from its profile");
        assertEquals("not_available", initialized.get("credentialsCheck").asText());
        String integrationId = initialized.get("integrationId").asText();
        Answer mapped = call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                object("mappingId", "wallet", "topic", "walletreward_create", "templateId", "echo_wallet",
                        "variables", List.of(object("property", "user_name", "fallback", "there"), object("property", "amount"))));
        assertEquals(201, mapped.status(), mapped.toString());

        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, AdminScenario.deliver(ECHO, (event, context) -> pipeline.handle(ECHO, event, context)));

        ProviderStubs.of(ECHO).verify(1, postRequestedFor(urlEqualTo("/v1/echoes"))
                .withHeader("x-echo-token", equalTo("echo-secret-0001"))
                .withRequestBody(equalToJson("{\"to\":\"+919876543210\",\"template\":\"echo_wallet\",\"values\":[\"Riya\",\"100\"]}")));
        Answer deliveries = call("GET", merchants(merchantId) + "/deliveries", key, null);
        JsonNode delivery = deliveries.get("deliveries").get(0);
        assertEquals("echo", delivery.get("provider").asText());
        var record = ledger.find(delivery.get("deliveryId").asText()).orElseThrow();
        assertEquals(DeliveryStatus.SENT, record.status());
        assertEquals("echo-77", record.providerMessageId());
    }
}
