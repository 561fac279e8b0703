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
 * no API call on the request path. Counts are summed through an invocation and written when its edge flushes (one
 * line per counter and dimensions, its value the count). Also keeps in-process totals, which the local run and the
 * tests read.
 */
@ApplicationScoped
public class EmfMetrics implements RelayMetrics {

    static final String NAMESPACE = "LoyaltyRelay";
    private final ObjectMapper json;
    private final Clock clock;
    private final PrintStream out;
    private final Map<String, AtomicLong> totals = new ConcurrentHashMap<>();
    /** Counted since the last flush, by name and sorted dimensions. */
    private final Map<Counter, Long> pending = new ConcurrentHashMap<>();

    private record Counter(String name, TreeMap<String, String> dimensions) {
    }

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
        pending.merge(new Counter(name, sorted), 1L, Long::sum);
    }

    @Override
    public void flush() {
        for (Counter counter : List.copyOf(pending.keySet())) {
            // remove hands over the count atomically: an increment racing it starts a new count for the next flush.
            Long count = pending.remove(counter);
            if (count != null) {
                print(counter, count);
            }
        }
    }

    private void print(Counter counter, long count) {
        var line = new LinkedHashMap<String, Object>();
        line.put("_aws", Map.of(
                "Timestamp", clock.millis(),
                "CloudWatchMetrics", List.of(Map.of(
                        "Namespace", NAMESPACE,
                        "Dimensions", List.of(new ArrayList<>(counter.dimensions().keySet())),
                        "Metrics", List.of(Map.of("Name", counter.name(), "Unit", "Count"))))));
        line.putAll(counter.dimensions());
        line.put(counter.name(), count);
        try {
            out.println(json.writeValueAsString(line));
        } catch (Exception e) {
            // A metric must never fail a request.
        }
    }

    /** Whether counts wait for a flush: none should once an invocation has ended (the edges' {@link FlushMetrics}). */
    boolean waitingForFlush() {
        return !pending.isEmpty();
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
