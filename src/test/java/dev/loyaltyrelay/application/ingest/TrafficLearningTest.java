package dev.loyaltyrelay.application.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.domain.BodySignatureScheme;
import dev.loyaltyrelay.domain.ObservedEvent;
import dev.loyaltyrelay.domain.ObservedEvent.JsonType;
import dev.loyaltyrelay.domain.ObservedTopic;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.TrafficObservations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TrafficLearningTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Optional<BodySignatureScheme> MATCHED = Optional.of(BodySignatureScheme.RAW_BODY);

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anEvent_teachesNamesAndTypes_nestedToDepthThree_neverAValue() {
        ObservedEvent event = TrafficLearning.observe("coupon_update", json("""
                {"value":"CODE-1","fiat_value":"10","n":1.5,"ok":true,"none":null,"list":[1],"":"empty name",
                 "meta":{"a":{"b":{"c":1}}},"%s":1}""".formatted("x".repeat(101))), MATCHED);

        assertEquals(Map.of("value", Set.of(JsonType.STRING), "fiat_value", Set.of(JsonType.STRING), "n", Set.of(JsonType.NUMBER),
                "ok", Set.of(JsonType.BOOLEAN), "none", Set.of(JsonType.NULL), "list", Set.of(JsonType.ARRAY),
                "meta", Set.of(JsonType.OBJECT), "meta.a", Set.of(JsonType.OBJECT), "meta.a.b", Set.of(JsonType.OBJECT)), event.properties());
        assertEquals(3, event.namesLeftOut(), "the empty name, the name over 100 characters, and meta.a.b.c (depth 4)");
        assertFalse(event.toString().contains("CODE-1"), "no value is carried");
    }

    @Test
    void anEventWhoseSignatureMatchedNoScheme_teachesNoProperty() {
        ObservedEvent event = TrafficLearning.observe("coupon_update", json("{\"forged\":1}"), Optional.empty());
        assertEquals(Map.of(), event.properties());
        assertEquals(Optional.empty(), event.signatureScheme());
    }

    @Test
    void oneEventTeachesAtMost200Names_theRestCounted() {
        StringBuilder body = new StringBuilder("{");
        for (int i = 0; i < 230; i++) {
            body.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":").append(i);
        }
        ObservedEvent event = TrafficLearning.observe("lead_create", json(body.append("}").toString()), MATCHED);
        assertEquals(200, event.properties().size());
        assertEquals(30, event.namesLeftOut());
    }

    @Test
    void aSlowStore_delaysTheAnswerAtMostTheWait_andAFailingOneIsCounted() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<String> counted = new ArrayList<>();
        TrafficObservations slow = new TrafficObservations() {
            @Override
            public void record(String merchantId, ObservedEvent event, Instant at) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new StoreUnavailable("record traffic observation", new RuntimeException("timed out"));
            }

            @Override
            public List<ObservedTopic> list(String merchantId) {
                return List.of();
            }
        };
        var learning = new TrafficLearning(slow, new IngestCounters((name, dimensions) -> counted.add(name + " " + dimensions)));

        long started = System.nanoTime();
        learning.start("m-1", "coupon_update", json("{\"value\":\"x\"}"), MATCHED, Instant.EPOCH).awaitBriefly();
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(millis >= TrafficLearning.WAIT.toMillis() - 20 && millis < TrafficLearning.WAIT.toMillis() + 700, millis + " ms");
        release.countDown();
        for (int i = 0; i < 100 && counted.isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(List.of("TrafficObservationFailed {}"), counted, "counted without a merchant dimension");
    }
}
