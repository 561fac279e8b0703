package dev.loyaltyrelay.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics(JSON, CLOCK, new PrintStream(out, true), "prod", "delivery-zoko");

    private List<JsonNode> documents() throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                documents.add(JSON.readTree(line));
            }
        }
        return documents;
    }

    @Test
    void countsAreWrittenOncePerFlush_summedByNameAndDimensions_andNotAgain() throws Exception {
        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT"));
        metrics.increment("DeliveryOutcome", Map.of("status", "SENT", "provider", "zoko"));
        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "REJECTED"));
        assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing is written before the invocation ends");

        metrics.flush();
        List<JsonNode> documents = documents();
        assertEquals(2, documents.size(), "two values of status need two documents: " + out);
        JsonNode sent = documents.stream().filter(l -> l.get("status").asText().equals("SENT")).findFirst().orElseThrow();
        assertEquals(2, sent.get("DeliveryOutcome").asLong());
        assertEquals("LoyaltyRelay", sent.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText());
        assertEquals("[\"stage\",\"function\",\"provider\",\"status\"]", sent.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").get(0).toString());
        assertEquals("prod", sent.get("stage").asText());
        assertEquals("delivery-zoko", sent.get("function").asText());
        assertEquals(Instant.parse("2026-12-02T00:00:00Z").toEpochMilli(), sent.get("_aws").get("Timestamp").asLong());
        documents.forEach(document -> assertEquals(List.of(), EmfSpecification.violations(document), document.toString()));
        assertEquals(3, metrics.total("DeliveryOutcome"), "the in-process totals count every increment");
        assertEquals(2, metrics.total("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT")), "totals are by the counter's own dimensions");

        out.reset();
        metrics.flush();
        assertEquals("", out.toString(StandardCharsets.UTF_8), "a flush writes only what came since the last one");
    }

    @Test
    void anInvocationsCounts_ofCompatibleDimensions_areOneDocument_withADirectivePerDimensionSet() throws Exception {
        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT", "reason", "accepted"));
        metrics.increment("DeliveryDuplicate", Map.of("provider", "zoko"));
        metrics.increment("DeliveryLeaseConflict", Map.of("provider", "zoko"));
        metrics.increment("DeliveryPoison", Map.of("provider", "zoko", "reason", "job_unreadable"));

        metrics.flush();
        List<JsonNode> documents = documents();
        // DeliveryPoison's reason differs from DeliveryOutcome's: one root member cannot hold both values.
        assertEquals(2, documents.size(), out.toString(StandardCharsets.UTF_8));
        JsonNode first = documents.getFirst();
        assertEquals(1, first.get("DeliveryDuplicate").asLong());
        assertEquals(1, first.get("DeliveryLeaseConflict").asLong());
        assertEquals(1, first.get("DeliveryOutcome").asLong());
        JsonNode directives = first.get("_aws").get("CloudWatchMetrics");
        assertEquals(2, directives.size(), "one directive for {provider}, one for {provider, reason, status}: " + directives);
        assertEquals("[[\"stage\",\"function\",\"provider\"]]", directives.get(0).get("Dimensions").toString());
        assertEquals(2, directives.get(0).get("Metrics").size());
        documents.forEach(document -> assertEquals(List.of(), EmfSpecification.violations(document), document.toString()));
    }

    @Test
    void aCounterCannotReplaceTheDefaultDimensions() throws Exception {
        metrics.increment("Probe", Map.of("stage", "made-up", "function", "made-up"));
        metrics.flush();
        JsonNode document = documents().getFirst();
        assertEquals("prod", document.get("stage").asText());
        assertEquals("delivery-zoko", document.get("function").asText());
        assertEquals("[[\"stage\",\"function\"]]", document.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString());
    }

    @Test
    void moreThanAHundredMetricsOfOneDimensionSet_spreadOverDirectivesOfAtMostAHundred() throws Exception {
        for (int i = 0; i < 150; i++) {
            metrics.increment("Metric" + i, Map.of());
        }
        metrics.flush();
        List<JsonNode> documents = documents();
        assertEquals(2, documents.size());
        documents.forEach(document -> assertEquals(List.of(), EmfSpecification.violations(document), document.toString()));
        assertEquals(150, documents.stream().mapToInt(d -> d.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").size()).sum());
    }

    @Test
    void theFunctionDimension_isTheHandlersRole_aDeliveryFunctionsWithItsProvider() {
        assertEquals("ingest", EmfMetrics.functionOf("ingest", Optional.empty()));
        assertEquals("figures", EmfMetrics.functionOf("figures", Optional.empty()));
        assertEquals("delivery-wigzo", EmfMetrics.functionOf("delivery", Optional.of("wigzo")));
    }

    @Test
    void theSpecificationCheck_catchesWhatCloudWatchWouldDrop() throws Exception {
        JsonNode bad = JSON.readTree("""
                {"_aws":{"Timestamp":1764633600,"CloudWatchMetrics":[{"Namespace":"LoyaltyRelay","Dimensions":[["stage","merchant"]],
                "Metrics":[{"Name":"X","Unit":"Things"}]}]},"stage":"prod","merchant":7,"X":"1"}""");
        List<String> violations = EmfSpecification.violations(bad);
        assertTrue(violations.stream().anyMatch(v -> v.contains("milliseconds")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("merchant is not a string")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("without stage and function")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("a merchant dimension")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("unit")), violations.toString());
        assertTrue(violations.stream().anyMatch(v -> v.contains("X is not a number")), violations.toString());
    }

    @Test
    void aCountPublishedUnderSeveralDimensionSets_isOneDirectiveWithEachSet_andCountedOnce() throws Exception {
        List<List<String>> sets = List.of(List.of("provider", "status"), List.of("provider", "status", "reason"), List.of("provider", "topic", "status"));
        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT", "reason", "sent", "topic", "coupon_create"), sets);
        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT", "reason", "sent", "topic", "coupon_create"), sets);

        metrics.flush();
        List<JsonNode> documents = documents();
        assertEquals(1, documents.size(), out.toString(StandardCharsets.UTF_8));
        JsonNode document = documents.getFirst();
        assertEquals(2, document.get("DeliveryOutcome").asLong(), "the count once, whatever the number of sets");
        assertEquals("[[\"stage\",\"function\",\"provider\",\"status\"],[\"stage\",\"function\",\"provider\",\"status\",\"reason\"],"
                + "[\"stage\",\"function\",\"provider\",\"topic\",\"status\"]]",
                document.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString());
        assertEquals(List.of(), EmfSpecification.violations(document), document.toString());
        assertEquals(2, metrics.total("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT")),
                "a total names some of the dimensions and sums the counts that have those values");
    }

    @Test
    void aDimensionSetNamingADimensionTheCountLacks_isDropped_neverAnInvalidDocumentOrAFailure() throws Exception {
        metrics.increment("DeliveryOutcome", Map.of("provider", "zoko", "status", "SENT"), List.of(List.of("provider", "topic")));

        metrics.flush();
        JsonNode document = documents().getFirst();
        assertEquals("[[\"stage\",\"function\",\"provider\",\"status\"]]", document.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").toString(),
                "with no set left, the count is published under all its own dimensions");
        assertEquals(List.of(), EmfSpecification.violations(document), document.toString());
    }
}
