package dev.loyaltyrelay.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.loyaltyrelay.admin.AdminScenario.merchants;
import static dev.loyaltyrelay.support.AdminCalls.call;
import static dev.loyaltyrelay.support.AdminCalls.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.AdminCalls.Answer;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A mapping whose template Meta refuses (the *flag mapping* codes of README's table), from the delivery to the merchant's
 * fix: the mapping is flagged once, shown in its GET and the attention list, nothing more is sent through it, and saving
 * it again (PUT) clears the flag and sends again. Through DelightChat's function and the admin API, against WireMock.
 */
@QuarkusTest
@TestProfile(AdminFunctionProfile.class)
class MappingAttentionTest {

    static final String DELIGHTCHAT_SEND = "/api/v1/public/message";

    @Inject
    IngestHandler ingest;
    @Inject
    MerchantDirectory directory;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore configuration;

    DeliveryFunction delightchat = DeliveryFunction.of(BuiltIn.DELIGHTCHAT);
    String merchantId;
    String key;
    String integrationId;

    @BeforeEach
    void connected() {
        clock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        AdminScenario.providersAccept();
        merchantId = AdminScenario.fresh();
        key = AdminScenario.newMerchant(merchantId);
        integrationId = call("POST", merchants(merchantId) + "/integrations", key,
                object("provider", "delightchat", "credentials", AdminScenario.CREDENTIALS.get(BuiltIn.DELIGHTCHAT))).get("integrationId").asText();
        Answer mapped = call("POST", mappings(), key, AdminScenario.walletMapping(BuiltIn.DELIGHTCHAT));
        assertEquals(201, mapped.status(), mapped.toString());
    }

    @Test
    void aRefusedTemplate_flagsTheMapping_stopsItsSends_andSavingItAgainClearsTheFlag() {
        refuseTheTemplate(132016);
        JsonNode refused = deliverOneEvent();
        assertEquals("rejected", refused.get("status").asText());
        assertEquals("meta_132016", refused.get("reason").asText());

        Answer read = call("GET", mappings() + "/wallet", key, null);
        assertEquals("meta_132016", read.get("attention").get("reason").asText(), read.toString());
        assertEquals(Fields.timestamp(clock.instant()), read.get("attention").get("since").asText());
        assertEquals(List.of(), AdminScenario.violationsOf("Mapping", read.body()), "GET still answers in the Mapping schema");
        JsonNode listed = call("GET", merchants(merchantId) + "/attention", key, null).get("mappings");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals(integrationId, listed.get(0).get("integrationId").asText());
        assertEquals("wallet", listed.get(0).get("mappingId").asText());
        assertEquals("walletreward_create", listed.get(0).get("topic").asText());
        assertEquals("meta_132016", listed.get(0).get("reason").asText());
        assertEquals(0, call("GET", merchants(merchantId) + "/attention", key, null).get("integrations").size(),
                "the integration itself is fine");

        JsonNode stopped = deliverOneEvent();
        assertEquals("rejected", stopped.get("status").asText());
        assertEquals("mapping_needs_attention", stopped.get("reason").asText());
        assertEquals(1, sends(), "nothing more is sent through the flagged mapping");

        Answer putBack = call("PUT", mappings() + "/wallet", key, read.body());
        assertEquals(200, putBack.status(), putBack.toString());
        assertFalse(call("GET", mappings() + "/wallet", key, null).body().has("attention"), "saving the mapping clears the flag");
        assertEquals(0, call("GET", merchants(merchantId) + "/attention", key, null).get("mappings").size());
        AdminScenario.providersAccept();

        assertEquals("sent", deliverOneEvent().get("status").asText());
    }

    @Test
    void aSecondRefusal_keepsTheFirstReasonAndTime() {
        refuseTheTemplate(131008);
        deliverOneEvent();
        EventMapping.Attention first = mapping().attention();
        clock.advance(Duration.ofMinutes(5));

        // A delivery that read the mapping before it was flagged meets a second refusal.
        assertFalse(configuration.flagMapping(merchantId, integrationId, "wallet", mapping().templateId(), new EventMapping.Attention("meta_132012", clock.instant())));

        assertEquals(first, mapping().attention());
        assertEquals("meta_131008", first.reason());
    }

    @Test
    void aDeletedMapping_isNotBroughtBackByALateFlag() {
        assertEquals(204, call("DELETE", mappings() + "/wallet", key, null).status());

        assertFalse(configuration.flagMapping(merchantId, integrationId, "wallet", "3f9a7c52-0d4e-4a8b-9c1e-7b2d5f6a8e01",
                new EventMapping.Attention("meta_132016", clock.instant())));

        assertEquals(0, configuration.load(merchantId).orElseThrow().mappings().size());
    }

    @Test
    void aTemplateRefusedForTheRecipient_flagsNoMapping() {
        refuseTheTemplate(131026);

        assertEquals("meta_131026", deliverOneEvent().get("reason").asText());

        assertEquals(null, mapping().attention());
    }

    private void refuseTheTemplate(int metaCode) {
        ProviderStubs.of(BuiltIn.DELIGHTCHAT).stubFor(post(urlEqualTo(DELIGHTCHAT_SEND)).willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"code\":" + metaCode + ",\"message\":\"template refused\"}}")));
    }

    /** One webhook of the mapping's topic, delivered; its delivery as the admin API lists it. */
    private JsonNode deliverOneEvent() {
        java.util.Set<String> before = new java.util.HashSet<>();
        call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries").forEach(d -> before.add(d.get("deliveryId").asText()));
        assertEquals(202, AdminScenario.webhook(ingest, merchantId, "walletreward_create"));
        assertEquals(1, AdminScenario.deliver(BuiltIn.DELIGHTCHAT, delightchat));
        List<JsonNode> added = new java.util.ArrayList<>();
        call("GET", merchants(merchantId) + "/deliveries", key, null).get("deliveries").forEach(d -> {
            if (!before.contains(d.get("deliveryId").asText())) {
                added.add(d);
            }
        });
        assertEquals(1, added.size(), added.toString());
        return added.getFirst();
    }

    private EventMapping mapping() {
        return configuration.load(merchantId).orElseThrow().mappings().getFirst();
    }

    private int sends() {
        return ProviderStubs.of(BuiltIn.DELIGHTCHAT).findAll(postRequestedFor(urlEqualTo(DELIGHTCHAT_SEND))).size();
    }

    private String mappings() {
        return merchants(merchantId) + "/integrations/" + integrationId + "/mappings";
    }
}
