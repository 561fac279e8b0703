package dev.loyaltyrelay.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void countsAreWrittenOncePerFlush_summedByNameAndDimensions_andNotAgain() throws Exception {
        var out = new ByteArrayOutputStream();
        var metrics = new EmfMetrics(JSON, Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC), new PrintStream(out, true));

        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT"));
        metrics.increment("DeliveryOutcome", Map.of("status", "SENT", "provider", "zoko"));
        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "REJECTED"));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing is written before the invocation ends");

        metrics.flush();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertEquals(2, lines.size(), out.toString(StandardCharsets.UTF_8));
        JsonNode sent = lines.stream().filter(l -> l.get("status").asText().equals("SENT")).findFirst().orElseThrow();
        assertEquals(2, sent.get("DeliveryOutcome").asLong());
        assertEquals("LoyaltyRelay", sent.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText());
        assertEquals("[\"provider\",\"status\"]", sent.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").get(0).toString());
        assertEquals(3, metrics.total("DeliveryOutcome"), "the in-process totals count every increment");

        out.reset();
        metrics.flush();
        assertEquals("", out.toString(StandardCharsets.UTF_8), "a flush writes only what came since the last one");
    }
}
