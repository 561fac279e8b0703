package dev.loyaltyrelay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.FrequencyCap;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.TestMerchants;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The cap's places on DynamoDB Local. Twenty "containers" (each its own client and its own {@link DynamoFrequencyCaps},
 * sharing nothing but the table) race for one recipient's places: exactly the cap's number win. A delivery asking again
 * holds one place; a place given back is free again; places leave the window as the held clock moves.
 */
@QuarkusTest
class FrequencyCapsTest {

    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final FrequencyCap THREE_A_DAY = new FrequencyCap(3, Duration.ofDays(1));

    @Inject
    DynamoFrequencyCaps caps;
    @Inject
    Tables tables;
    @Inject
    RecipientKeyring keyring;

    static RecipientKey someone() {
        return new RecipientKey(TestMerchants.freshId(), new Recipient(CommonProperty.MOBILE, "+919876543210"));
    }

    DynamoFrequencyCaps anotherContainer(List<DynamoDbClient> clients) {
        var local = LocalAws.get();
        var client = DynamoDbClient.builder().endpointOverride(local.dynamoEndpoint).region(Region.of(LocalAws.REGION))
                .credentialsProvider(local.credentials).httpClient(UrlConnectionHttpClient.create()).build();
        clients.add(client);
        return new DynamoFrequencyCaps(client, tables, keyring);
    }

    @Test
    void twentyContainersRacingForOneRecipient_takeExactlyThePlacesTheCapHas() throws Exception {
        RecipientKey recipient = someone();
        List<DynamoDbClient> clients = new ArrayList<>();
        List<DynamoFrequencyCaps> containers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            containers.add(anotherContainer(clients));
        }
        var start = new CountDownLatch(1);
        List<Future<Boolean>> takes = new ArrayList<>();
        try (var threads = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                DynamoFrequencyCaps container = containers.get(i);
                String deliveryId = "d-" + i;
                takes.add(threads.submit(() -> {
                    start.await();
                    return container.take(recipient, deliveryId, THREE_A_DAY, NOW);
                }));
            }
            start.countDown();
            long taken = 0;
            for (Future<Boolean> take : takes) {
                taken += take.get() ? 1 : 0;
            }
            assertEquals(3, taken, "three places, whoever wins them");
        } finally {
            clients.forEach(DynamoDbClient::close);
        }
        assertEquals(3, caps.inUse(recipient, THREE_A_DAY, NOW));
        assertFalse(caps.take(recipient, "d-late", THREE_A_DAY, NOW.plusSeconds(60)));
    }

    @Test
    void aDeliveryAskingAgain_holdsOnePlace_evenWhenTheCapIsFull() {
        RecipientKey recipient = someone();
        var one = new FrequencyCap(1, Duration.ofDays(1));

        assertTrue(caps.take(recipient, "d-1", one, NOW));
        assertTrue(caps.take(recipient, "d-1", one, NOW.plusSeconds(30)), "a retry or a redelivered copy keeps its place");
        assertFalse(caps.take(recipient, "d-2", one, NOW.plusSeconds(60)));
        assertEquals(1, caps.inUse(recipient, one, NOW.plusSeconds(60)));
    }

    @Test
    void aPlaceGivenBack_isFreeForTheNextDelivery_andGivingBackTwiceChangesNothing() {
        RecipientKey recipient = someone();
        var two = new FrequencyCap(2, Duration.ofDays(1));
        assertTrue(caps.take(recipient, "d-1", two, NOW));
        assertTrue(caps.take(recipient, "d-2", two, NOW));
        assertFalse(caps.take(recipient, "d-3", two, NOW));

        caps.giveBack(recipient, "d-1");
        caps.giveBack(recipient, "d-1");
        caps.giveBack(recipient, "never-held");

        assertEquals(1, caps.inUse(recipient, two, NOW));
        assertTrue(caps.take(recipient, "d-3", two, NOW));
        assertFalse(caps.take(recipient, "d-4", two, NOW));
    }

    @Test
    void aPlaceLeavesTheRollingWindow_aWindowAfterItWasTaken() {
        RecipientKey recipient = someone();
        var twoADay = new FrequencyCap(2, Duration.ofDays(1));
        assertTrue(caps.take(recipient, "d-1", twoADay, NOW));
        assertTrue(caps.take(recipient, "d-2", twoADay, NOW.plus(Duration.ofHours(6))));

        assertFalse(caps.take(recipient, "d-3", twoADay, NOW.plus(Duration.ofHours(23))));
        assertFalse(caps.take(recipient, "d-3", twoADay, NOW.plus(Duration.ofDays(1)).minusMillis(1)), "the first place is still in the window");
        assertTrue(caps.take(recipient, "d-3", twoADay, NOW.plus(Duration.ofDays(1))), "a window of a day: a place taken a day ago has left it");
        assertFalse(caps.take(recipient, "d-4", twoADay, NOW.plus(Duration.ofDays(1)).plusMillis(1)), "d-2 and d-3 hold the window");
    }

    @Test
    void placesAreKeptPerRecipient() {
        RecipientKey first = someone();
        RecipientKey second = new RecipientKey(first.merchantId(), new Recipient(CommonProperty.MOBILE, "+919876543211"));
        var one = new FrequencyCap(1, Duration.ofDays(1));
        assertTrue(caps.take(first, "d-1", one, NOW));
        assertTrue(caps.take(second, "d-2", one, NOW));
        assertFalse(caps.take(first, "d-3", one, NOW));
    }
}
