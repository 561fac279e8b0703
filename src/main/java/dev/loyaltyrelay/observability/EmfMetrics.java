package dev.loyaltyrelay.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.domain.RelayMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters as CloudWatch Embedded Metric Format lines on stdout: CloudWatch Logs turns them into metrics with
 * no API call on the request path. Also keeps in-process totals, which the local run and the tests read.
 */
@ApplicationScoped
public class EmfMetrics implements RelayMetrics {

    static final String NAMESPACE = "LoyaltyRelay";
    private final ObjectMapper json;
    private final Clock clock;
    private final PrintStream out;
    private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();

    @Inject
    EmfMetrics(ObjectMapper json, Clock clock) {
        this(json, clock, System.out);
    }

    EmfMetrics(ObjectMapper json, Clock clock, PrintStream out) {
        this.json = json;
        this.clock = clock;
        this.out = out;
    }

    @Override
    public void increment(String name, Map<String, String> dimensions) {
        var sorted = new TreeMap<>(dimensions);
        totals.computeIfAbsent(key(name, sorted), k -> new AtomicLong()).incrementAndGet();
        var line = new LinkedHashMap<String, Object>();
        line.put("_aws", Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", NAMESPACE,
                        "Dimensions", List.of(new ArrayList<>(sorted.keySet())),
                        "Metrics", List.of(Map.of("Name", name, "Unit", "Count"))))));
        line.putAll(sorted);
        line.put(name, 1);
        try {
            out.println(json.writeValueAsString(line));
        } catch (Exception e) {
            // A metric must never fail a request.
        }
    }

    /** The total of {@code name} with exactly these dimensions since start. */
    public long total(String name, Map<String, String> dimensions) {
        AtomicLong total = totals.get(key(name, new TreeMap<>(dimensions)));
        return total == null ? 0 : total.get();
    }

    /** The total of {@code name} over all dimension values. */
    public long total(String name) {
        return totals.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "|"))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    private static String key(String name, Map<String, String> sortedDimensions) {
        var key = new StringBuilder(name);
        sortedDimensions.forEach((k, v) -> key.append('|').append(k).append('=').append(v));
        return key.toString();
    }
}
