package dev.loyaltyrelay.admin;

import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The issue: "look a delivery up by Nector's delivery id (what a merchant has)". Ingest takes any x-nector-delivery-id of
 * 1 to 128 printable ASCII characters (WebhookReader) and records its claim under it; the lookup's route takes only
 * [A-Za-z0-9_.:-]. An id ingest accepted and queued, written in the path as URLs allow it unencoded (+ ~ @ ! $ are legal
 * path characters), must be found.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class WebhookLookupAnyIngestedIdTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;

    @Test
    void everyDeliveryIdIngestAccepts_isFoundByTheLookup() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        String merchantId = AdminScenario.fresh();
        String key = AdminScenario.newMerchant(merchantId);
        String integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "zoko", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.ZOKO))).get("integrationId").asText();
        assertEquals(201, call("POST", merchants(merchantId) + "/integrations/" + integrationId + "/mappings", key,
                AdminScenario.walletMapping(BuiltIn.ZOKO)).status());

        List<String> notFound = new ArrayList<>();
        for (String prefix : List.of("nd+", "nd~", "nd@", "nd!")) {
            String nectorDeliveryId = prefix + UUID.randomUUID();
            assertEquals(202, webhook(merchantId, nectorDeliveryId), nectorDeliveryId + " is accepted and queued by ingest");
            Answer found = call("GET", merchants(merchantId) + "/events/" + nectorDeliveryId, key, null);
            if (found.status() != 200) {
                notFound.add(nectorDeliveryId + " -> " + found);
            }
        }
        assertEquals(List.of(), notFound, "ingested webhooks the lookup cannot find");
    }

    private int webhook(String merchantId, String nectorDeliveryId) {
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        Webhooks.withDeliveryId(event, nectorDeliveryId);
        try {
            return ingest.handleRequest(JSON.treeToValue(event, APIGatewayV2HTTPEvent.class), null).getStatusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
