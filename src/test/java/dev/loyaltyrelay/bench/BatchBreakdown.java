package dev.loyaltyrelay.bench;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.loyaltyrelay.bench.CallTimeline.Call;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the wall time of one batch goes: the DynamoDB and SQS calls on a timeline ({@link CallTimeline}), the provider's
 * requests from WireMock's journal, the CPU of every Java thread (ThreadMXBean) and of the process, and a JFR recording
 * (CPU samples by component, waits on monitors and parks over 5 ms with the application frame they were in).
 */
final class BatchBreakdown implements AutoCloseable {

    /** The marks the bench sets around one poll: receive ends, the function starts and ends, the deletes end. */
    long pollStart;
    long functionStart;
    long functionEnd;
    long pollEnd;
    long epochMillisAtStart;

    private final Path jfr;
    private final Recording recording = new Recording();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private Map<Long, Long> cpuBefore;
    private Map<Long, String> names;
    private long processCpuBefore;
    private long processCpu;
    private Map<Long, Long> cpuDelta;
    private List<Call> calls;

    BatchBreakdown(Path jfr) {
        this.jfr = jfr;
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
        recording.enable("jdk.JavaMonitorEnter").withThreshold(Duration.ofMillis(1)).withStackTrace();
        recording.enable("jdk.ThreadPark").withThreshold(Duration.ofMillis(5)).withStackTrace();
        recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(1)).withStackTrace();
    }

    void start() {
        recording.start();
        names = new HashMap<>();
        cpuBefore = cpuByThread();
        processCpuBefore = os.getProcessCpuTime();
        CallTimeline.start();
        epochMillisAtStart = System.currentTimeMillis();
        pollStart = System.nanoTime();
    }

    void stop() {
        calls = CallTimeline.stop();
        processCpu = os.getProcessCpuTime() - processCpuBefore;
        Map<Long, Long> after = cpuByThread();
        cpuDelta = new HashMap<>();
        after.forEach((id, cpu) -> cpuDelta.put(id, cpu - cpuBefore.getOrDefault(id, 0L)));
        recording.stop();
    }

    private Map<Long, Long> cpuByThread() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            var info = threads.getThreadInfo(id);
            if (t >= 0 && info != null) {
                cpu.put(id, t);
                names.put(id, info.getThreadName());
            }
        }
        return cpu;
    }

    @Override
    public void close() {
        recording.close();
    }

    private double ms(long nanos) {
        return nanos / 1e6;
    }

    private double at(long nanos) {
        return (nanos - pollStart) / 1e6;
    }

    /** The note lines for the report. */
    List<String> lines(List<ServeEvent> providerRequests) throws IOException {
        List<String> lines = new ArrayList<>();
        long wall = pollEnd - pollStart;
        lines.add(String.format("  batch breakdown (one profiled batch of %d, after the rounds): wall %.0f ms = receive %.0f + function %.0f + deletes %.0f",
                providerRequests.size(), ms(wall), ms(functionStart - pollStart), ms(functionEnd - functionStart), ms(pollEnd - functionEnd)));
        // SQS calls of the event source (test thread, outside the function).
        Map<String, List<Call>> byOperation = calls.stream().collect(Collectors.groupingBy(c -> c.service() + "." + c.operation(), TreeMap::new,
                Collectors.toList()));
        StringBuilder ops = new StringBuilder("    calls: ");
        byOperation.forEach((op, list) -> ops.append(String.format("%s x%d (%.1f ms median, wire %.1f, in-SDK %.1f; %.0f ms summed); ", op, list.size(),
                median(list.stream().mapToDouble(c -> ms(c.end() - c.start()))), median(list.stream().mapToDouble(c -> ms(c.wireNanos()))),
                median(list.stream().mapToDouble(c -> ms(c.end() - c.start() - c.wireNanos()))),
                list.stream().mapToDouble(c -> ms(c.end() - c.start())).sum())));
        lines.add(ops.toString());
        // DynamoDB Local's side: how many calls were in flight at once, and how long the engine took per call while busy.
        List<long[]> edges = new ArrayList<>();
        calls.stream().filter(c -> c.service().equals("DynamoDb")).forEach(c -> {
            edges.add(new long[] {c.start(), 1});
            edges.add(new long[] {c.end(), -1});
        });
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long busy = 0;
        long last = 0;
        int inFlight = 0;
        int maxInFlight = 0;
        double weighted = 0;
        for (long[] edge : edges) {
            if (inFlight > 0) {
                busy += edge[0] - last;
                weighted += (double) inFlight * (edge[0] - last);
            }
            inFlight += (int) edge[1];
            maxInFlight = Math.max(maxInFlight, inFlight);
            last = edge[0];
        }
        long dynamoCalls = calls.stream().filter(c -> c.service().equals("DynamoDb")).count();
        lines.add(String.format("    DynamoDB Local: %d calls, some call in flight for %.0f ms of the function's %.0f, %.1f in flight on average then (at most %d):"
                + " %.1f ms of that time per call", dynamoCalls, ms(busy), ms(functionEnd - functionStart), busy == 0 ? 0 : weighted / busy, maxInFlight,
                dynamoCalls == 0 ? 0 : ms(busy) / dynamoCalls));
        // Per delivery: the virtual threads that claimed (an UpdateItem before a provider request) in order of their first call.
        Map<Long, List<Call>> byThread = calls.stream().filter(c -> c.start() >= functionStart && c.end() <= functionEnd)
                .collect(Collectors.groupingBy(Call::threadId, LinkedHashMap::new, Collectors.toList()));
        List<List<Call>> deliveries = byThread.values().stream().filter(list -> list.size() >= 3)
                .map(list -> list.stream().sorted(Comparator.comparingLong(Call::start)).toList()).toList();
        List<Call> single = byThread.values().stream().filter(list -> list.size() < 3).flatMap(List::stream).toList();
        int steps = deliveries.stream().mapToInt(List::size).max().orElse(0);
        StringBuilder per = new StringBuilder(String.format("    per delivery (%d threads; median [min-max] start after the function began, duration):", deliveries.size()));
        for (int i = 0; i < steps; i++) {
            int step = i;
            List<Call> at = deliveries.stream().filter(d -> d.size() > step).map(d -> d.get(step)).toList();
            double[] starts = at.stream().mapToDouble(c -> (c.start() - functionStart) / 1e6).sorted().toArray();
            per.append(String.format(" %s @%.0f [%.0f-%.0f] %.1f ms (wire %.1f);", at.get(0).operation(), median(Arrays.stream(starts)), starts[0],
                    starts[starts.length - 1], median(at.stream().mapToDouble(c -> ms(c.end() - c.start()))), median(at.stream().mapToDouble(c -> ms(c.wireNanos())))));
        }
        lines.add(per.toString());
        lines.add("    other calls in the function: " + single.stream().sorted(Comparator.comparingLong(Call::start))
                .map(c -> String.format("%s @%.0f %.1f ms (%s)", c.operation(), (c.start() - functionStart) / 1e6, ms(c.end() - c.start()),
                        c.thread().equals("virtual") ? "vthread" : c.thread()))
                .collect(Collectors.joining(", ")));
        // The provider's side: when each request arrived (ms resolution), from the function's start.
        double functionStartEpoch = epochMillisAtStart + (functionStart - pollStart) / 1e6;
        double[] arrivals = providerRequests.stream().mapToDouble(e -> e.getRequest().getLoggedDate().getTime() - functionStartEpoch).sorted().toArray();
        if (arrivals.length > 0) {
            lines.add(String.format("    provider requests (WireMock journal, ms resolution): arrived @%.0f..%.0f ms after the function began (median %.0f);"
                    + " the last answer leaves about %.0f ms in, the function ends at %.0f", arrivals[0], arrivals[arrivals.length - 1],
                    median(Arrays.stream(arrivals)), arrivals[arrivals.length - 1] + PerformanceBench.PROVIDER_MS, ms(functionEnd - functionStart)));
        }
        // CPU: every Java thread by group, and the process.
        Map<String, Double> cpuByGroup = new TreeMap<>();
        Map<String, Integer> busyThreads = new HashMap<>();
        cpuDelta.forEach((id, cpu) -> {
            cpuByGroup.merge(group(names.get(id)), ms(cpu), Double::sum);
            if (cpu > 0) {
                busyThreads.merge(group(names.get(id)), 1, Integer::sum);
            }
        });
        double threadsCpu = cpuByGroup.values().stream().mapToDouble(Double::doubleValue).sum();
        lines.add(String.format("    CPU during the poll: process %.0f ms of %.0f ms wall x 2 cores; Java threads %s; the rest (GC, JIT, VM) %.0f ms",
                ms(processCpu), ms(wall), cpuByGroup.entrySet().stream().filter(e -> e.getValue() >= 0.5)
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                        .map(e -> String.format("%s %.0f (%d threads)", e.getKey(), e.getValue(), busyThreads.getOrDefault(e.getKey(), 0))).collect(Collectors.joining(", ")),
                ms(processCpu) - threadsCpu));
        lines.addAll(jfrLines());
        return lines;
    }

    private List<String> jfrLines() throws IOException {
        Files.createDirectories(jfr.getParent());
        recording.dump(jfr);
        Map<String, Integer> samples = new TreeMap<>();
        Map<String, Double> waits = new HashMap<>();
        Map<String, Integer> waitCounts = new HashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                total++;
                samples.merge(component(event), 1, Integer::sum);
            } else if ((type.equals("jdk.JavaMonitorEnter") || type.equals("jdk.ThreadPark") || type.equals("jdk.VirtualThreadPinned"))
                    && event.getStackTrace() != null) {
                String where = applicationFrame(event);
                if (where == null) {
                    continue;
                }
                String key = type.substring(4) + " " + where;
                waits.merge(key, event.getDuration().toNanos() / 1e6, Double::sum);
                waitCounts.merge(key, 1, Integer::sum);
            }
        }
        int all = total;
        List<String> lines = new ArrayList<>();
        lines.add(String.format("    JFR CPU samples (1 ms; %s): %d in all: %s", jfr, all, samples.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / all)).collect(Collectors.joining(", "))));
        lines.add("    waits of the application's threads over 5 ms (parks) / 1 ms (monitors, pinning), summed: " + (waits.isEmpty() ? "none"
                : waits.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(6)
                        .map(e -> String.format("%s x%d %.0f ms", e.getKey(), waitCounts.get(e.getKey()), e.getValue()))
                        .collect(Collectors.joining("; "))));
        return lines;
    }

    /** The innermost application frame (our code, the SDK or the REST client) of a wait, or null for the engines' own. */
    private static String applicationFrame(RecordedEvent event) {
        List<String> frames = frames(event);
        if (frames.stream().anyMatch(BatchBreakdown::engineFrame)) {
            return null;
        }
        for (String frame : frames) {
            if (frame.startsWith("dev.loyaltyrelay.") && !frame.startsWith("dev.loyaltyrelay.bench.")) {
                return frame.replace("dev.loyaltyrelay.", "");
            }
        }
        return null;
    }

    private static List<String> frames(RecordedEvent event) {
        List<String> frames = new ArrayList<>();
        for (RecordedFrame frame : event.getStackTrace().getFrames()) {
            frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
        }
        return frames;
    }

    private static boolean engineFrame(String frame) {
        return frame.startsWith("com.amazonaws.services.dynamodbv2") || frame.startsWith("com.almworks.sqlite4java") || frame.startsWith("org.elasticmq")
                || frame.startsWith("org.apache.pekko") || frame.startsWith("com.github.tomakehurst") || frame.startsWith("wiremock.");
    }

    private static String component(RecordedEvent event) {
        List<String> frames = frames(event);
        if (frames.stream().anyMatch(f -> f.startsWith("com.amazonaws.services.dynamodbv2") || f.startsWith("com.almworks.sqlite4java"))) {
            return "DynamoDB Local";
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.elasticmq") || f.startsWith("org.apache.pekko") || f.startsWith("scala."))) {
            return "ElasticMQ";
        }
        if (frames.stream().anyMatch(f -> f.startsWith("com.github.tomakehurst") || f.startsWith("wiremock."))) {
            return "WireMock";
        }
        if (frames.stream().anyMatch(f -> f.startsWith("dev.loyaltyrelay.") || f.startsWith("software.amazon.awssdk") || f.startsWith("io.vertx")
                || f.startsWith("io.netty") || f.startsWith("org.jboss.resteasy") || f.startsWith("io.quarkus") || f.startsWith("io.smallrye"))) {
            return "function (ours, SDK, REST client)";
        }
        if (frames.stream().anyMatch(f -> f.startsWith("org.eclipse.jetty"))) {
            return "Jetty (an engine's)";
        }
        return "other";
    }

    private static String group(String name) {
        if (name == null) {
            return "gone";
        }
        if (name.startsWith("ForkJoinPool") ) {
            return "virtual-thread carriers (deliveries)";
        }
        if (name.startsWith("vert.x") || name.startsWith("executor-thread")) {
            return "vert.x (REST client)";
        }
        if (name.startsWith("elasticmq") || name.contains("pekko") || name.contains("dispatcher")) {
            return "ElasticMQ";
        }
        if (name.startsWith("SQLiteQueue")) {
            return "DynamoDB Local's SQLite queue";
        }
        if (name.startsWith("qtp")) {
            return "Jetty pools (DynamoDB Local + WireMock)";
        }
        if (name.equals("main")) {
            return "test thread (event source + handler)";
        }
        if (name.contains("JFR") || name.contains("Compiler") || name.startsWith("GC")) {
            return "JVM (JFR, JIT)";
        }
        return name.replaceAll("[-#]?\\d+$", "");
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        if (sorted.length == 0) {
            return 0;
        }
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
