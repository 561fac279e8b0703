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
                    return container.take(recipient, deliveryId, "a", THREE_A_DAY, NOW);
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
        assertFalse(caps.take(recipient, "d-late", "a", THREE_A_DAY, NOW.plusSeconds(60)));
    }

    @Test
    void aDeliveryAskingAgain_holdsOnePlace_evenWhenTheCapIsFull() {
        RecipientKey recipient = someone();
        var one = new FrequencyCap(1, Duration.ofDays(1));

        assertTrue(caps.take(recipient, "d-1", "a", one, NOW));
        assertTrue(caps.take(recipient, "d-1", "a", one, NOW.plusSeconds(30)), "the same attempt asking again (the SDK's repeat)");
        assertTrue(caps.take(recipient, "d-1", "b", one, NOW.plusSeconds(40)), "a retry or a redelivered copy takes the delivery's place over");
        assertFalse(caps.take(recipient, "d-2", "a", one, NOW.plusSeconds(60)));
        assertEquals(1, caps.inUse(recipient, one, NOW.plusSeconds(60)));
    }

    @Test
    void aPlaceGivenBack_isFreeForTheNextDelivery_andGivingBackTwiceChangesNothing() {
        RecipientKey recipient = someone();
        var two = new FrequencyCap(2, Duration.ofDays(1));
        assertTrue(caps.take(recipient, "d-1", "a", two, NOW));
        assertTrue(caps.take(recipient, "d-2", "a", two, NOW));
        assertFalse(caps.take(recipient, "d-3", "a", two, NOW));

        caps.giveBack(recipient, "d-1", "a");
        caps.giveBack(recipient, "d-1", "a");
        caps.giveBack(recipient, "never-held", "a");

        assertEquals(1, caps.inUse(recipient, two, NOW));
        assertTrue(caps.take(recipient, "d-3", "a", two, NOW));
        assertFalse(caps.take(recipient, "d-4", "a", two, NOW));
    }

    @Test
    void aPlaceLeavesTheRollingWindow_aWindowAfterItWasTaken() {
        RecipientKey recipient = someone();
        var twoADay = new FrequencyCap(2, Duration.ofDays(1));
        assertTrue(caps.take(recipient, "d-1", "a", twoADay, NOW));
        assertTrue(caps.take(recipient, "d-2", "a", twoADay, NOW.plus(Duration.ofHours(6))));

        assertFalse(caps.take(recipient, "d-3", "a", twoADay, NOW.plus(Duration.ofHours(23))));
        assertFalse(caps.take(recipient, "d-3", "a", twoADay, NOW.plus(Duration.ofDays(1)).minusMillis(1)), "the first place is still in the window");
        assertTrue(caps.take(recipient, "d-3", "a", twoADay, NOW.plus(Duration.ofDays(1))), "a window of a day: a place taken a day ago has left it");
        assertFalse(caps.take(recipient, "d-4", "a", twoADay, NOW.plus(Duration.ofDays(1)).plusMillis(1)), "d-2 and d-3 hold the window");
    }

    @Test
    void placesAreKeptPerRecipient() {
        RecipientKey first = someone();
        RecipientKey second = new RecipientKey(first.merchantId(), new Recipient(CommonProperty.MOBILE, "+919876543211"));
        var one = new FrequencyCap(1, Duration.ofDays(1));
        assertTrue(caps.take(first, "d-1", "a", one, NOW));
        assertTrue(caps.take(second, "d-2", "a", one, NOW));
        assertFalse(caps.take(first, "d-3", "a", one, NOW));
    }

    @Test
    void anAttemptGoingOnItsDeliverysPlace_givesNothingBack_andAPlaceOutsideTheWindowIsNotReused() {
        RecipientKey recipient = someone();
        var oneAnHour = new FrequencyCap(1, Duration.ofHours(1));
        assertTrue(caps.take(recipient, "d-1", "first", oneAnHour, NOW));
        caps.keep(recipient, "d-1", "first", NOW);
        assertTrue(caps.take(recipient, "d-1", "resend", oneAnHour, NOW.plusSeconds(600)));
        caps.giveBack(recipient, "d-1", "resend");
        assertEquals(1, caps.inUse(recipient, oneAnHour, NOW.plusSeconds(600)), "the resend's failure frees not the first send's place");
        assertFalse(caps.take(recipient, "d-2", "a", oneAnHour, NOW.plusSeconds(700)));

        assertTrue(caps.take(recipient, "d-1", "later", oneAnHour, NOW.plus(Duration.ofHours(2))), "a new place in the new window");
        assertFalse(caps.take(recipient, "d-2", "b", oneAnHour, NOW.plus(Duration.ofHours(2)).plusSeconds(60)),
                "the resend two hours on took this window's one place");
    }

    @Test
    void aPlaceTakenOver_cannotBeGivenBackByItsFormerHolder_andAKeptPlaceIsNeverGivenBack() {
        RecipientKey recipient = someone();
        var one = new FrequencyCap(1, Duration.ofDays(1));
        assertTrue(caps.take(recipient, "d-1", "gone", one, NOW), "an attempt that will die before its claim");
        assertTrue(caps.take(recipient, "d-1", "next", one, NOW.plusSeconds(60)), "the next attempt takes its place over");
        caps.giveBack(recipient, "d-1", "gone");
        assertEquals(1, caps.inUse(recipient, one, NOW.plusSeconds(60)), "the former holder frees nothing");
        caps.giveBack(recipient, "d-1", "next");
        assertEquals(0, caps.inUse(recipient, one, NOW.plusSeconds(60)), "the holder that did not send frees it");

        assertTrue(caps.take(recipient, "d-2", "sent", one, NOW.plusSeconds(120)));
        caps.keep(recipient, "d-2", "sent", NOW.plusSeconds(121));
        assertTrue(caps.take(recipient, "d-2", "copy", one, NOW.plusSeconds(130)), "a copy of a kept delivery goes on its place");
        caps.giveBack(recipient, "d-2", "copy");
        caps.giveBack(recipient, "d-2", "sent");
        assertEquals(1, caps.inUse(recipient, one, NOW.plusSeconds(130)), "kept: never given back");
        assertFalse(caps.take(recipient, "d-3", "a", one, NOW.plusSeconds(140)));
    }

    @Test
    void aKeptSend_countsEvenWhenItsPlaceWasGivenBackMeanwhile() {
        RecipientKey recipient = someone();
        var one = new FrequencyCap(1, Duration.ofDays(1));
        assertTrue(caps.take(recipient, "d-1", "winner", one, NOW));
        assertTrue(caps.take(recipient, "d-1", "loser", one, NOW.plusSeconds(1)));
        caps.giveBack(recipient, "d-1", "loser");
        caps.keep(recipient, "d-1", "winner", NOW.plusSeconds(2));
        assertEquals(1, caps.inUse(recipient, one, NOW.plusSeconds(3)), "the message went: it counts");
        assertFalse(caps.take(recipient, "d-2", "a", one, NOW.plusSeconds(4)));
    }

    @Test
    void aSendKeptWhereNoPlaceWasEverWritten_stillCounts() {
        RecipientKey recipient = someone();
        var one = new FrequencyCap(1, Duration.ofDays(1));
        // The take's write was lost with its answer (or its item expired): the send is counted all the same.
        caps.keep(recipient, "d-1", "a", NOW);
        assertEquals(1, caps.inUse(recipient, one, NOW.plusSeconds(1)));
        assertFalse(caps.take(recipient, "d-2", "a", one, NOW.plusSeconds(2)));
    }
}
