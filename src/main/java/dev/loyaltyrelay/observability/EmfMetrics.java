package dev.loyaltyrelay.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.RelayMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Counters as CloudWatch Embedded Metric Format documents on stdout: CloudWatch Logs turns them into metrics with no
 * API call on the request path. Counts are summed through an invocation and written when its edge flushes, as few
 * documents as the format allows: one, unless two counts need different values of one dimension (an invocation that
 * delivered one message {@code SENT} and one {@code REJECTED}), since a dimension's value is a single root member of
 * the document. Every metric carries the default dimensions {@code stage} and {@code function} (see {@link #functionOf}).
 * Also keeps in-process totals by the counters' own dimensions, which the local run and the tests read.
 */
@ApplicationScoped
public class EmfMetrics implements RelayMetrics {

    static final String NAMESPACE = "LoyaltyRelay";
    static final String STAGE = "stage";
    static final String FUNCTION = "function";
    /** The format's limit of metrics in one directive. */
    static final int MAX_METRICS_PER_DIRECTIVE = 100;

    private final ObjectMapper json;
    private final Clock clock;
    /** Where documents go: stdout, which Lambda hands to CloudWatch Logs; a test reads a run's documents by swapping it. */
    private volatile PrintStream out;
    private final Map<String, String> defaultDimensions;
    private final Map<Total, AtomicLong> totals = new ConcurrentHashMap<>();

    private record Total(String name, Map<String, String> dimensions) {
    }
    /** Counted since the last flush, by name and sorted dimensions. */
    private final Map<Counter, Long> pending = new ConcurrentHashMap<>();

    /** A count's name and dimensions, and the dimension sets it is published under (null: all its dimensions, as one set). */
    private record Counter(String name, TreeMap<String, String> dimensions, List<List<String>> dimensionSets) {
    }

    @Inject
    EmfMetrics(ObjectMapper json, Clock clock, RelayConfig config, @ConfigProperty(name = "quarkus.lambda.handler") String handler) {
        this(json, clock, System.out, config.stage(), functionOf(handler, config.delivery().provider()));
    }

    EmfMetrics(ObjectMapper json, Clock clock, PrintStream out, String stage, String function) {
        this.json = json;
        this.clock = clock;
        this.out = out;
        var defaults = new LinkedHashMap<String, String>();
        defaults.put(STAGE, stage);
        defaults.put(FUNCTION, function);
        this.defaultDimensions = Map.copyOf(defaults);
    }

    /**
     * The {@code function} dimension: the handler's role ({@code ingest}, {@code admin}, {@code receipts},
     * {@code figures}), a delivery function's with its provider ({@code delivery-zoko}). Not
     * {@code AWS_LAMBDA_FUNCTION_NAME}: that carries the stack's name and CloudFormation's random suffix, so it changes with
     * every new stack and would split a dashboard's series; the role is the same in every stage and names as few series
     * as there are functions.
     */
    static String functionOf(String handler, Optional<String> deliveryProvider) {
        return "delivery".equals(handler) ? deliveryProvider.map(provider -> "delivery-" + provider).orElse("delivery") : handler;
    }

    @Override
    public void increment(String name, Map<String, String> dimensions) {
        increment(name, dimensions, null);
    }

    @Override
    public void increment(String name, Map<String, String> dimensions, List<List<String>> dimensionSets) {
        var sorted = new TreeMap<>(dimensions);
        if (dimensionSets != null) {
            // A set naming a dimension the count lacks would make an invalid document; a metric must never fail a request,
            // so such a set is dropped (EmfMetricsTest shows it), and a count left with none is published under all its own.
            dimensionSets = dimensionSets.stream().filter(set -> sorted.keySet().containsAll(set)).map(List::copyOf).toList();
            if (dimensionSets.isEmpty()) {
                dimensionSets = null;
            }
        }
        totals.computeIfAbsent(new Total(name, Map.copyOf(sorted)), k -> new AtomicLong()).incrementAndGet();
        pending.merge(new Counter(name, sorted, dimensionSets), 1L, Long::sum);
    }

    @Override
    public void flush() {
        List<Counter> counted = new ArrayList<>();
        Map<Counter, Long> counts = new LinkedHashMap<>();
        for (Counter counter : List.copyOf(pending.keySet())) {
            // remove hands over the count atomically: an increment racing it starts a new count for the next flush.
            Long count = pending.remove(counter);
            if (count != null) {
                counted.add(counter);
                counts.put(counter, count);
            }
        }
        counted.sort(Comparator.comparing(Counter::name).thenComparing(counter -> counter.dimensions().toString()));
        for (Document document : pack(counted, counts)) {
            print(document);
        }
    }

    /** One EMF document: its dimensions' values (root members) and its directives, by dimension keys. */
    private final class Document {
        final Map<String, String> dimensionValues = new LinkedHashMap<>(defaultDimensions);
        /** Directives by their dimension sets: metrics published under the same sets share one. */
        final Map<List<List<String>>, Map<String, Long>> directives = new LinkedHashMap<>();
        final Map<String, Long> metricValues = new LinkedHashMap<>();

        /**
         * Whether the counter fits: each of its dimensions absent or of the same value, its name not yet a member, and
         * its directive under the format's limit.
         */
        boolean takes(Counter counter) {
            if (metricValues.containsKey(counter.name()) || dimensionValues.containsKey(counter.name())) {
                return false;
            }
            for (var dimension : counter.dimensions().entrySet()) {
                String value = dimensionValues.get(dimension.getKey());
                if ((value != null && !value.equals(dimension.getValue())) || metricValues.containsKey(dimension.getKey())) {
                    return false;
                }
            }
            Map<String, Long> directive = directives.get(dimensionSets(counter));
            return directive == null || directive.size() < MAX_METRICS_PER_DIRECTIVE;
        }

        void add(Counter counter, long count) {
            dimensionValues.putAll(counter.dimensions());
            dimensionValues.putAll(defaultDimensions);
            directives.computeIfAbsent(dimensionSets(counter), sets -> new LinkedHashMap<>()).put(counter.name(), count);
            metricValues.put(counter.name(), count);
        }
    }

    private List<Document> pack(List<Counter> counted, Map<Counter, Long> counts) {
        List<Document> documents = new ArrayList<>();
        for (Counter counter : counted) {
            Document home = documents.stream().filter(document -> document.takes(counter)).findFirst().orElse(null);
            if (home == null) {
                home = new Document();
                documents.add(home);
            }
            home.add(counter, counts.get(counter));
        }
        return documents;
    }

    /** Each dimension set of the counter: {@code stage} and {@code function} first, then its own (which cannot replace them). */
    private List<List<String>> dimensionSets(Counter counter) {
        List<List<String>> own = counter.dimensionSets() != null ? counter.dimensionSets() : List.of(List.copyOf(counter.dimensions().keySet()));
        return own.stream().map(set -> {
            List<String> keys = new ArrayList<>(List.of(STAGE, FUNCTION));
            set.stream().filter(key -> !defaultDimensions.containsKey(key)).forEach(keys::add);
            return List.copyOf(keys);
        }).toList();
    }

    private void print(Document document) {
        List<Map<String, Object>> directives = new ArrayList<>();
        document.directives.forEach((sets, metrics) -> directives.add(Map.of(
                "Namespace", NAMESPACE,
                "Dimensions", sets,
                "Metrics", metrics.keySet().stream().map(name -> Map.of("Name", name, "Unit", "Count")).toList())));
        var line = new LinkedHashMap<String, Object>();
        line.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", directives));
        line.putAll(document.dimensionValues);
        line.putAll(document.metricValues);
        try {
            out.println(json.writeValueAsString(line));
        } catch (Exception e) {
            // A metric must never fail a request.
        }
    }

    /** Sends the documents to {@code out} from now on; returns where they went before. */
    public PrintStream printTo(PrintStream out) {
        PrintStream before = this.out;
        this.out = out;
        return before;
    }

    /** Whether counts wait for a flush: none should once an invocation has ended (the edges' {@link FlushMetrics}). */
    boolean waitingForFlush() {
        return !pending.isEmpty();
    }

    /** The total of {@code name} over the counts whose own dimensions include these values (any value of the others). */
    public long total(String name, Map<String, String> dimensions) {
        return totals.entrySet().stream().filter(e -> e.getKey().name().equals(name)
                        && e.getKey().dimensions().entrySet().containsAll(dimensions.entrySet()))
                .mapToLong(e -> e.getValue().get()).sum();
    }

    /** The total of {@code name} over all dimension values. */
    public long total(String name) {
        return total(name, Map.of());
    }
}
