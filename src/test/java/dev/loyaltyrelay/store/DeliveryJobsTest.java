package dev.loyaltyrelay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.support.BuiltIn;
import java.time.Instant;
import java.util.List;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The job kept beside a delivery record (issue 16: out of the record, so the record's updates stop paying for it): read
 * back as written however large, written once, and never brought back after an erasure, whichever write comes first.
 */
@QuarkusTest
class DeliveryJobsTest {

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Tables tables;

    DeliveryJobs jobs() {
        return new DeliveryJobs(dynamo, tables, Duration.ofDays(30));
    }

    static DeliveryJob job(String deliveryId) {
        var mapping = new EventMapping("zoko-1", "wallet", "walletreward_create", "wallet_reward_v1", null,
                List.of(new TemplateVariable("user_name", "there")), "en", ForwardedProperties.only(List.of()));
        return new DeliveryJob(1, deliveryId, "m1", "n-1", "walletreward_create", BuiltIn.ZOKO, "zoko-1",
                new Recipient(CommonProperty.MOBILE, "+919876543210"), mapping, Map.of("user_name", "Riya"), Instant.parse("2026-11-18T10:00:00Z"));
    }

    @Test
    void aKeptJob_readsBackAsWritten_largeOrSmall_andIsStoredSmallerThanItsText() {
        var random = new Random(7);
        StringBuilder varied = new StringBuilder();
        while (varied.length() < 40_000) {
            varied.append("line ").append(Long.toHexString(random.nextLong())).append(" à 😀 ");
        }
        for (String text : new String[] {"{}", "{\"a\":\"ü\"}", "{\"lines\":\"" + varied + "\"}"}) {
            String deliveryId = "dlv_" + UUID.randomUUID().toString().replace("-", "");
            jobs().keep(job(deliveryId), text);
            assertEquals(Optional.of(text), jobs().read(deliveryId));
            var stored = dynamo.getItem(r -> r.tableName(tables.records()).key(DeliveryJobs.key(deliveryId))).item().get("job").b();
            assertTrue(text.length() < 100 || stored.asByteArray().length < text.length() / 2, "deflated: " + stored.asByteArray().length);
        }
    }

    @Test
    void aJobIsWrittenOnce_aLaterKeepChangesNothing() {
        String deliveryId = "dlv_" + UUID.randomUUID().toString().replace("-", "");
        jobs().keep(job(deliveryId), "{\"first\":1}");
        jobs().keep(job(deliveryId), "{\"second\":2}");
        assertEquals(Optional.of("{\"first\":1}"), jobs().read(deliveryId));
    }

    @Test
    void anErasure_forgetsTheJob_whetherItCameBeforeOrAfterTheKeep() {
        String keptFirst = "dlv_" + UUID.randomUUID().toString().replace("-", "");
        jobs().keep(job(keptFirst), "{\"address\":\"+919876543210\"}");
        jobs().forget(keptFirst, job(keptFirst).receivedAt());
        assertEquals(Optional.empty(), jobs().read(keptFirst), "forgotten after it was kept");

        String erasedFirst = "dlv_" + UUID.randomUUID().toString().replace("-", "");
        jobs().forget(erasedFirst, job(erasedFirst).receivedAt());
        // A claim that raced the erasure keeps its job after the erasure's write: the person must not come back.
        jobs().keep(job(erasedFirst), "{\"address\":\"+919876543210\"}");
        assertEquals(Optional.empty(), jobs().read(erasedFirst), "a keep after the erasure brought the job back");
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(tables.records()).key(DeliveryJobs.key(erasedFirst))).item();
        assertTrue(!item.containsKey("job"), "the tombstone holds no job: " + item.keySet());
    }

    @Test
    void aKeptJob_expiresWithItsRecord() {
        String deliveryId = "dlv_" + UUID.randomUUID().toString().replace("-", "");
        DeliveryJob job = job(deliveryId);
        jobs().keep(job, new DeliveryJobCodec(new com.fasterxml.jackson.databind.ObjectMapper()).encode(job));
        var item = dynamo.getItem(r -> r.tableName(tables.records()).key(DeliveryJobs.key(deliveryId))).item();
        assertEquals(job.receivedAt().plus(Duration.ofDays(30)).getEpochSecond(), Long.parseLong(item.get(Keys.EXPIRES_AT).n()));
    }

    @Test
    void aJobOnTheRecordItself_isRead_untilAnErasureForgetsIt() {
        // Where the keep failed, the outcome put the job on the record: read from there, but never past a tombstone
        // (the erasure writes the tombstone before it scrubs the record, so between the two the record still has it).
        String deliveryId = "dlv_" + UUID.randomUUID().toString().replace("-", "");
        String text = "{\"address\":\"+919876543210\"}";
        dynamo.putItem(r -> r.tableName(tables.records()).item(Map.of(Keys.PK, AttributeValue.fromS(Keys.delivery(deliveryId)),
                Keys.SK, AttributeValue.fromS(DeliveryRecords.DELIVERY), DeliveryJobs.DEFLATED_JOB,
                AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromByteArray(DeliveryJobs.deflate(text))))));
        assertEquals(Optional.of(text), jobs().read(deliveryId), "the job the record carries");
        jobs().forget(deliveryId, job(deliveryId).receivedAt());
        assertEquals(Optional.empty(), jobs().read(deliveryId), "a tombstone beside the record, the record not yet scrubbed");
    }
}
