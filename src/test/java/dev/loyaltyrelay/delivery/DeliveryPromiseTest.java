package dev.loyaltyrelay.delivery;

import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.loyaltyrelay.delivery.DeliveryFixture.ZOKO_PATH;
import static dev.loyaltyrelay.delivery.DeliveryFixture.calls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.support.DynamoFaults;
import dev.loyaltyrelay.support.DynamoFaults.When;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The delivery promise at the edges: after a claim, every exit records an outcome with a true reason; UNKNOWN only
 * where a request may have reached the provider; waits stay within the pipeline's own budget; a refusal flags only
 * the credentials it was made with. Real queue, DynamoDB Local, WireMock; store faults injected in the SDK.
 */
@QuarkusTest
class DeliveryPromiseTest {

    @Inject
    DeliveryFixture fixture;
    @Inject
    MutableClock clock;
    @Inject
    ConfigurationStore configuration;
    @Inject
    TestMerchants merchants;
    @Inject
    RelayConfig config;
    @Inject
    dev.loyaltyrelay.domain.SecretCipher cipher;

    @BeforeEach
    void freshMerchant() {
        fixture.freshMerchant();
    }

    @AfterEach
    void noFaultsLeft() {
        DynamoFaults.clear();
    }

    void zokoAnswers(int status) {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo(ZOKO_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "application/json").withBody("{\"messageId\":\"zk-msg-1\"}")));
    }

    @Test
    void aStoreErrorWhileLoadingTheIntegration_makesTheDeliveryWait_andItIsSentLater_neverUnknown() {
        zokoAnswers(202);
        DeliveryJob job = fixture.zokoJob();
        DynamoFaults.inject(DynamoFaults.configurationLoad(), When.BEFORE_SENDING, 1_000);
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord waiting = fixture.record(job);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, waiting.status());
        assertEquals("store_unavailable", waiting.reason());
        assertEquals(0, calls(BuiltIn.ZOKO));

        DynamoFaults.clear();
        clock.advance(Duration.ofMinutes(1));
        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(1, calls(BuiltIn.ZOKO));
        assertEquals(Map.of("sent", 1L), fixture.totals());
    }

    @Test
    void credentialsMissingAField_areRejectedNamingTheField_withoutACall() {
        zokoAnswers(202);
        merchants.integration(fixture.merchantId(), "zoko-no-key", BuiltIn.ZOKO, true, Map.of("token", "not-what-zoko-wants"));
        DeliveryJob job = fixture.zokoJob("zoko-no-key", Map.of("user_name", "Riya", "amount", 5));
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord record = fixture.record(job);
        assertEquals(DeliveryStatus.REJECTED, record.status());
        assertEquals("credentials_incomplete:apiKey", record.reason());
        assertEquals(0, calls(BuiltIn.ZOKO));
    }

    @Test
    void credentialsThatDoNotOpen_areRejectedAsUnreadable_withoutACall() {
        zokoAnswers(202);
        // Sealed for another integration: the encryption context does not match, so they never open for this one.
        var sealedElsewhere = cipher.seal("{\"apiKey\":\"zk-key-0009\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                dev.loyaltyrelay.domain.SecretCipher.EncryptionContext.forIntegration(fixture.merchantId(), "zoko-other"));
        configuration.saveIntegration(new dev.loyaltyrelay.domain.Integration(fixture.merchantId(), "zoko-moved", BuiltIn.ZOKO,
                dev.loyaltyrelay.domain.CommonProperty.MOBILE, sealedElsewhere, true, null));
        DeliveryJob job = fixture.zokoJob("zoko-moved", Map.of("user_name", "Riya", "amount", 5));
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.REJECTED, fixture.record(job).status());
        assertEquals("credentials_unreadable", fixture.record(job).reason());
        assertEquals(0, calls(BuiltIn.ZOKO));
    }

    @Test
    void aClaimWhoseAnswerWasLost_isRecognisedAsOurOwn_andTheMessageIsSentOnce() {
        zokoAnswers(202);
        DeliveryJob job = fixture.zokoJob();
        // DynamoDB applies the claim; its answer is lost; the SDK repeats the same write.
        long before = DynamoFaults.fired();
        DynamoFaults.inject(DynamoFaults.updateOf("DELIVERY#", "claimedAt"), When.AFTER_APPLYING, 1);
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        assertEquals(before + 1, DynamoFaults.fired());
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(1, calls(BuiltIn.ZOKO));
    }

    @Test
    void anOutcomeWhoseAnswerWasLost_isStillCountedOnce() {
        zokoAnswers(202);
        DeliveryJob job = fixture.zokoJob();
        long before = DynamoFaults.fired();
        DynamoFaults.inject(DynamoFaults.updateOf("DELIVERY#", "providerMessageId"), When.AFTER_APPLYING, 1);
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        assertEquals(before + 1, DynamoFaults.fired());
        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        assertEquals(Map.of("sent", 1L), fixture.totals(), "the figures count the send although the record's answer was lost");
    }

    @Test
    void waitsWithoutACall_backOffWithEachReceive_andThePipelineNotSqsGivesThemUp() {
        zokoAnswers(503);
        for (int i = 0; i < 8; i++) {
            fixture.enqueue(fixture.zokoJob());
            fixture.poll(BuiltIn.ZOKO);
        }
        int callsWhenOpen = calls(BuiltIn.ZOKO);
        DeliveryJob waiting = fixture.zokoJob();

        fixture.invoke(waiting, 5);

        DeliveryRecord afterFiveReceives = fixture.record(waiting);
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, afterFiveReceives.status());
        assertEquals("circuit_open", afterFiveReceives.reason());
        Duration wait = Duration.between(clock.instant(), afterFiveReceives.nextAttemptAt());
        assertTrue(wait.compareTo(Duration.ofMinutes(2)) >= 0, "backed off with the receive count, not the breaker's 30 s: " + wait);

        fixture.invoke(waiting, config.delivery().maxReceives());

        DeliveryRecord givenUp = fixture.record(waiting);
        assertEquals(DeliveryStatus.EXHAUSTED, givenUp.status());
        assertEquals("circuit_open", givenUp.reason());
        List<Message> letters = Queues.drainDeadLetters(BuiltIn.ZOKO);
        assertEquals(1, letters.size());
        assertEquals("circuit_open", letters.getFirst().messageAttributes().get("reason").stringValue());
        assertEquals(callsWhenOpen, calls(BuiltIn.ZOKO), "no call while the breaker is open");
        assertEquals(1L, fixture.totals().get("failed"), "the given-up delivery is counted failed, and only it");
        assertEquals(8L, fixture.totals().get("pending"), "the eight 503s wait for their retry");
    }

    @Test
    void aWaitPastTheAgeBudget_isGivenUpWithItsReason() {
        DynamoFaults.inject(DynamoFaults.configurationLoad(), When.BEFORE_SENDING, 1_000);
        DeliveryJob job = fixture.zokoJob();
        fixture.invoke(job, 1);
        clock.advance(Duration.ofHours(25));

        fixture.invoke(job, 2);

        assertEquals(DeliveryStatus.EXHAUSTED, fixture.record(job).status());
        assertEquals("store_unavailable", fixture.record(job).reason());
        assertEquals(1, Queues.drainDeadLetters(BuiltIn.ZOKO).size());
    }

    @Test
    void aRefusalOfCredentialsTheMerchantReplaced_flagsNothing_andTheDeliveryGoesOutWithTheNewOnes() {
        var zoko = ProviderStubs.of(BuiltIn.ZOKO);
        zoko.stubFor(post(urlEqualTo(ZOKO_PATH)).withHeader("apikey", equalTo("zk-key-0001")).willReturn(aResponse().withStatus(202)));
        fixture.enqueue(fixture.zokoJob());
        fixture.poll(BuiltIn.ZOKO);
        // The merchant re-initializes with a new key through the admin function; this warm delivery container still holds
        // the old one (its version check is not due yet), which Zoko now refuses.
        merchants.inAnotherFunction().integration(fixture.merchantId(), "zoko-1", BuiltIn.ZOKO, true, Map.of("apiKey", "zk-key-0002"));
        zoko.stubFor(post(urlEqualTo(ZOKO_PATH)).withHeader("apikey", equalTo("zk-key-0001")).willReturn(aResponse().withStatus(401)));
        zoko.stubFor(post(urlEqualTo(ZOKO_PATH)).withHeader("apikey", equalTo("zk-key-0002")).willReturn(aResponse().withStatus(202)));
        DeliveryJob job = fixture.zokoJob();
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        assertNull(configuration.load(fixture.merchantId()).orElseThrow().integrations().stream()
                .filter(i -> i.integrationId().equals("zoko-1")).findFirst().orElseThrow().attention(), "the new key is not flagged");
        assertEquals(DeliveryStatus.RETRY_SCHEDULED, fixture.record(job).status());
        assertEquals("credentials_replaced", fixture.record(job).reason());

        fixture.enqueue(job);
        fixture.poll(BuiltIn.ZOKO);

        assertEquals(DeliveryStatus.SENT, fixture.record(job).status());
        zoko.verify(1, postRequestedFor(urlEqualTo(ZOKO_PATH)).withHeader("apikey", equalTo("zk-key-0002")));
    }

    @Test
    void aNumberWithAHugeExponent_isRejectedNamingTheVariable_andNeverLeftSending() {
        zokoAnswers(202);
        DeliveryJob job = fixture.zokoJob("zoko-1", Map.of("user_name", "Riya", "amount", new BigDecimal("1E2147483647")));
        fixture.enqueue(job);

        fixture.poll(BuiltIn.ZOKO);

        DeliveryRecord record = fixture.record(job);
        assertEquals(DeliveryStatus.REJECTED, record.status());
        assertEquals("variable_out_of_range:amount", record.reason());
        assertEquals(0, calls(BuiltIn.ZOKO));
    }
}
