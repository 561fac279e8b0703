package dev.loyaltyrelay.application.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.EventBridgeStub;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Review of issue 15 ("Events for the merchant's own systems: an integration that needs attention ... so a team can
 * route them"). Every "Integration Needs Attention" names its provider (README: identifiers, reason codes, the provider
 * and the topic), so a rule matching detail.provider routes it. The one the breaker publishes (provider_failing) leaves
 * the provider out: IntegrationAttention.providerFailing passes null, though the gateway knows it.
 */
@QuarkusTest
class ProviderFailingEventNamesProviderReviewTest {

    @Inject
    IntegrationAttention attention;
    @Inject
    TestMerchants merchants;

    @Test
    void theBreakersAttentionEvent_namesItsProvider_asTheRefusedCredentialsOneDoes() {
        EventBridgeStub.working();
        String merchantId = TestMerchants.freshId();
        merchants.merchant(merchantId, SignaturePolicy.RECORD, RepeatPolicy.COUNT);
        Integration integration = merchants.integration(merchantId, "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "k-review15c"));

        attention.providerFailing(IntegrationKey.of(integration), integration.provider());

        List<EventBridgeStub.Entry> published = EventBridgeStub.entriesOf(merchantId);
        assertEquals(1, published.size(), published.toString());
        assertEquals("Integration Needs Attention", published.getFirst().detailType());
        assertEquals("provider_failing", published.getFirst().detail().path("reason").asText());
        assertEquals("zoko", published.getFirst().detail().path("provider").asText(), "the provider is named: " + published.getFirst().detail());
    }
}
