package dev.loyaltyrelay.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.Response;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.observability.EmfMetrics;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Issue 16's two whole-process figures: (e) warm ingest CPU per invocation with the real SDK clients against the
 * in-process engines, split by thread between our side and the engines; (f) the local run's pipeline end to end, events
 * per second, beside the engines' own calls for the same work. docs/performance.md says how each is taken.
 */
final class EndToEnd {

    static final int WHOLE_EVENTS = Integer.getInteger("bench.whole-events", 200);
    static final int WHOLE_ROUNDS = Integer.getInteger("bench.whole-rounds", 5);
    static final int E2E_EVENTS = Integer.getInteger("bench.e2e-events", 300);
    static final int E2E_ROUNDS = Integer.getInteger("bench.e2e-rounds", 3);
    /** Webhook senders at once (the local run's front has 8 threads; two cores here). */
    static final int SENDERS = Integer.getInteger("bench.e2e-senders", 2);
    static final List<Provider> PROVIDERS = List.of(BuiltIn.ZOKO, BuiltIn.LIMECHAT, BuiltIn.WIGZO);
    static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static final com.sun.management.OperatingSystemMXBean OS = (com.sun.management.OperatingSystemMXBean) ManagementFactory
            .getOperatingSystemMXBean();

    private final PerformanceBench bench;
    private final Report report;
    private final RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> ingest;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;
    private final EmfMetrics metrics;
    private final String recordsTable;
    private int sequence;

    EndToEnd(PerformanceBench bench, Report report, RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> ingest, DynamoDbClient dynamo,
            SqsClient sqs, EmfMetrics metrics, String recordsTable) {
        this.bench = bench;
        this.report = report;
        this.ingest = ingest;
        this.dynamo = dynamo;
        this.sqs = sqs;
        this.metrics = metrics;
        this.recordsTable = recordsTable;
    }

    /** Signed webhooks of the 1 KB body, each a first acceptance (its own delivery id and amount). */
    private List<APIGatewayV2HTTPEvent> events(String merchantId, String body, int n) {
        List<APIGatewayV2HTTPEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int s = sequence++;
            events.add(PerformanceBench.gatewayEvent(merchantId, "bench-e2e-" + s, body.replace("\"amount\":100", "\"amount\":" + (100_000 + s))));
        }
        return events;
    }

    private void accept(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPResponse response = ingest.handleRequest(event, null);
        if (response.getStatusCode() != 202) {
            throw new AssertionError("ingest answered " + response.getStatusCode() + ": " + response.getBody());
        }
    }

    // ---- (e) warm ingest CPU per invocation, whole process ----------------------------------------------------------------

    void wholeProcess(String merchantId) throws Exception {
        Queues.purgeAll();
        String body = bench.paddedBody(1024);
        var stubs = new StubAws();
        var stubbed = bench.stubbedIngest(stubs);
        APIGatewayV2HTTPEvent stubEvent = PerformanceBench.gatewayEvent(merchantId, "bench-whole-stub", body);
        Runnable stubbedCall = () -> {
            if (stubbed.handleRequest(stubEvent, null).getStatusCode() != 202) {
                throw new AssertionError("stubbed ingest refused");
            }
            metrics.flush();
        };
        var emf = new PerformanceBench.CountingStream();
        PrintStream before = metrics.printTo(new PrintStream(emf, false, StandardCharsets.UTF_8));
        BenchMeters.quiet(true);
        try {
            // Warm-up: both sides, three rounds' worth.
            for (int w = 0; w < 3; w++) {
                events(merchantId, body, WHOLE_EVENTS).forEach(this::accept);
                for (int i = 0; i < PerformanceBench.EVENTS_PER_ROUND; i++) {
                    stubbedCall.run();
                }
                Queues.purgeAll();
            }
            List<double[]> rounds = new ArrayList<>();
            Map<String, Long> threadTotals = new HashMap<>();
            long realEvents = 0;
            for (int round = 0; round < WHOLE_ROUNDS; round++) {
                List<APIGatewayV2HTTPEvent> batch = events(merchantId, body, WHOLE_EVENTS);
                double[] whole = null;
                double stub = 0;
                for (int side : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                    if (side == 0) {
                        var split = new ThreadSplit();
                        batch.forEach(this::accept);
                        whole = split.perEvent(batch.size(), threadTotals);
                    } else {
                        var split = new ThreadSplit();
                        for (int i = 0; i < PerformanceBench.EVENTS_PER_ROUND; i++) {
                            stubbedCall.run();
                        }
                        stub = split.perEvent(PerformanceBench.EVENTS_PER_ROUND, null)[0];
                    }
                }
                realEvents += batch.size();
                // {our threads, engines, SDK threads, other, process, stubbed}
                rounds.add(new double[] {whole[0], stub, whole[1], whole[2], whole[3], whole[4]});
                Queues.purgeAll();
            }
            // One more pass under JFR: which of our threads' samples are inside the SDK.
            Path jfr = Path.of("target", "bench", "ingest-whole.jfr");
            List<APIGatewayV2HTTPEvent> profiled = events(merchantId, body, WHOLE_EVENTS);
            Thread caller = Thread.currentThread();
            var samples = new SampleSplit();
            try (var recording = new Recording()) {
                recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10)).withStackTrace();
                recording.start();
                profiled.forEach(this::accept);
                recording.stop();
                java.nio.file.Files.createDirectories(jfr.getParent());
                recording.dump(jfr);
            }
            samples.read(jfr, caller.getName());
            Queues.purgeAll();

            double ours = PerformanceBench.median(rounds, 0);
            double stubUs = PerformanceBench.median(rounds, 1);
            double engines = PerformanceBench.median(rounds, 2);
            double sdkThreads = PerformanceBench.median(rounds, 3);
            double other = PerformanceBench.median(rounds, 4);
            double process = PerformanceBench.median(rounds, 5);
            double sdkShare = samples.sdkShareOfOurs();
            report.row("warm ingest CPU per invocation, whole process (SDK marshalling and HTTP included), 1 KB body",
                    String.format("%.2f ms on our threads (ours %.2f + SDK %.2f by JFR samples); engines' threads %.2f ms apart", ours / 1e6,
                            ours * (1 - sdkShare) / 1e6, ours * sdkShare / 1e6, engines / 1e6),
                    String.format("the same handler, SDK clients stubbed (a): %.2f ms; issue's old value ~24 ms", stubUs / 1e6),
                    PerformanceBench.medianOfRatios(rounds));
            report.note(String.format("  whole process, per event (medians of %d rounds of %d events, warm): calling thread + virtual-thread carriers"
                    + " %.0f us, SDK-named threads %.0f us, engines' threads (ElasticMQ/Pekko, DynamoDB Local's Jetty/sqlite) %.0f us, other"
                    + " Java threads %.0f us; whole process CPU (GC and JIT included) %.0f us; per-round ours/stubbed us: %s", WHOLE_ROUNDS,
                    WHOLE_EVENTS, ours / 1e3, sdkThreads / 1e3, engines / 1e3, other / 1e3, process / 1e3, pairs(rounds)));
            report.note("  whole process, JFR (" + jfr + ", " + WHOLE_EVENTS + " events): " + samples.summary());
            report.note("  whole process, threads by CPU per event over the rounds: " + topThreads(threadTotals, realEvents, 10));
            report.figure("ingest.whole.cpu.us", ours / 1e3);
            report.figure("ingest.whole.engines.us", engines / 1e3);
            report.figure("ingest.whole.sdk.share", sdkShare);
        } finally {
            BenchMeters.quiet(false);
            metrics.printTo(before);
        }
    }

    private static String pairs(List<double[]> rounds) {
        var parts = new ArrayList<String>();
        rounds.forEach(r -> parts.add(String.format("%.0f/%.0f", r[0] / 1e3, r[1] / 1e3)));
        return String.join(" ", parts);
    }

    private static String topThreads(Map<String, Long> totals, long events, int limit) {
        var parts = new ArrayList<String>();
        totals.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> parts.add(String.format("%s %.0f us", e.getKey(), e.getValue() / 1e3 / events)));
        return String.join(", ", parts);
    }

    /** Thread CPU of every live platform thread, before and after, grouped by the thread's name. */
    static final class ThreadSplit {
        final long callerId = Thread.currentThread().threadId();
        final Map<Long, Long> before = cpuByThread();
        final long processBefore = OS.getProcessCpuTime();

        /** Virtual threads' carriers (the JDK's own class): other fork-join pools (an engine's) are not ours. */
        static Set<Long> carriers() {
            Set<Long> ids = new HashSet<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
                    ids.add(thread.threadId());
                }
            }
            return ids;
        }

        static Map<Long, Long> cpuByThread() {
            Map<Long, Long> cpu = new HashMap<>();
            for (long id : THREADS.getAllThreadIds()) {
                cpu.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
            }
            return cpu;
        }

        static String kind(String name, boolean caller) {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            if (caller) {
                return "ours";
            }
            if (n.startsWith("sdk-") || n.contains("aws-java-sdk") || n.equals("keep-alive-timer")) {
                return "sdk";
            }
            if (n.contains("elasticmq") || n.contains("pekko") || n.contains("akka") || n.startsWith("qtp") || n.contains("sqlite")
                    || n.contains("dynamodb") || n.contains("jetty")) {
                return "engines";
            }
            return "other";
        }

        /** Per event: {our threads, engines, SDK threads, other Java threads, the whole process} in ns. */
        double[] perEvent(int events, Map<String, Long> byName) {
            Map<Long, Long> after = cpuByThread();
            long process = OS.getProcessCpuTime() - processBefore;
            Map<String, Long> byKind = new HashMap<>();
            Set<Long> carriers = carriers();
            var infos = THREADS.getThreadInfo(after.keySet().stream().mapToLong(Long::longValue).toArray());
            for (var info : infos) {
                if (info == null) {
                    continue;
                }
                long delta = after.get(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
                boolean ours = info.getThreadId() == callerId || carriers.contains(info.getThreadId());
                byKind.merge(kind(info.getThreadName(), ours), delta, Long::sum);
                if (byName != null && delta > 0) {
                    String name = info.getThreadId() == callerId ? "(calling thread)"
                            : (carriers.contains(info.getThreadId()) ? "(carrier) " : "") + info.getThreadName().replaceAll("\\d+", "N");
                    byName.merge(name, delta, Long::sum);
                }
            }
            return new double[] {byKind.getOrDefault("ours", 0L) / (double) events, byKind.getOrDefault("engines", 0L) / (double) events,
                    byKind.getOrDefault("sdk", 0L) / (double) events, byKind.getOrDefault("other", 0L) / (double) events, process / (double) events};
        }
    }

    /** JFR execution samples of our threads (the calling thread and virtual threads), inside an SDK frame or not. */
    static final class SampleSplit {
        int ours;
        int sdk;
        int engines;
        int other;
        final Map<String, Integer> sdkTop = new HashMap<>();

        void read(Path file, String callerName) throws java.io.IOException {
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                RecordedThread thread = event.getThread("sampledThread");
                String name = thread == null || thread.getJavaName() == null ? "" : thread.getJavaName();
                boolean virtual = thread != null && thread.isVirtual();
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                if (!(virtual || name.equals(callerName))) {
                    if (ThreadSplit.kind(name, false).equals("engines")) {
                        engines++;
                    } else {
                        other++;
                    }
                    continue;
                }
                // The outermost SDK frame the sample is under: the SDK call it belongs to.
                String sdkFrame = null;
                for (RecordedFrame frame : frames) {
                    String type = frame.getMethod().getType().getName();
                    if (type.startsWith("software.amazon.awssdk.")) {
                        sdkFrame = type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
                    }
                }
                if (sdkFrame != null) {
                    sdk++;
                    String self = frames.getFirst().getMethod().getType().getName();
                    String[] parts = self.substring(0, Math.max(0, self.lastIndexOf('.'))).split("\\.");
                    sdkTop.merge(String.join(".", java.util.Arrays.copyOf(parts, Math.min(parts.length, 3))), 1, Integer::sum);
                } else {
                    ours++;
                }
            }
        }

        double sdkShareOfOurs() {
            return ours + sdk == 0 ? 0 : sdk / (double) (ours + sdk);
        }

        String summary() {
            int total = ours + sdk;
            var top = new ArrayList<String>();
            sdkTop.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(6)
                    .forEach(e -> top.add(String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / Math.max(1, sdk))));
            return String.format("%d samples on our threads: %.0f%% inside an SDK call (request marshalling, signing, HTTP, response parsing), "
                    + "%.0f%% ours; %d samples on engines' threads, %d elsewhere; inside the SDK, by package of the sampled method: %s", total,
                    100.0 * sdk / Math.max(1, total), 100.0 * ours / Math.max(1, total), engines, other, String.join(", ", top));
        }
    }

    // ---- (f) the local run end to end, events/s ---------------------------------------------------------------------------

    /** Every request a provider's WireMock receives, counted and time-stamped (listeners stay registered for the JVM). */
    static final AtomicLong PROVIDER_REQUESTS = new AtomicLong();
    static final AtomicLong LAST_REQUEST_NANOS = new AtomicLong();
    static final Map<Provider, AtomicLong> REQUESTS_BY_PROVIDER = new ConcurrentHashMap<>();
    private static final Set<Provider> LISTENING = ConcurrentHashMap.newKeySet();

    private static void listen() {
        for (Provider provider : PROVIDERS) {
            if (LISTENING.add(provider)) {
                AtomicLong count = REQUESTS_BY_PROVIDER.computeIfAbsent(provider, p -> new AtomicLong());
                ProviderStubs.of(provider).addMockServiceRequestListener((Request request, Response response) -> {
                    count.incrementAndGet();
                    LAST_REQUEST_NANOS.accumulateAndGet(System.nanoTime(), Math::max);
                    PROVIDER_REQUESTS.incrementAndGet();
                });
            }
        }
    }

    /** What one event costs in calls, counted on real events: the floor repeats exactly these. */
    record Work(int ingestWrites, int ingestReads, int ingestSends, Map<Provider, int[]> delivery, Map<Provider, List<String>> providerUrls) {
        /** The provider requests per delivery as the pipeline made them in {@code n} events (a first sight of a customer may make more). */
        Work withRequestsSeen(Map<Provider, Long> seen, int n) {
            Map<Provider, List<String>> urls = new LinkedHashMap<>();
            providerUrls.forEach((provider, all) -> {
                int per = (int) Math.max(1, Math.round(seen.getOrDefault(provider, 0L) / (double) n));
                List<String> some = new ArrayList<>();
                for (int i = 0; i < per; i++) {
                    some.add(all.get(i % all.size()));
                }
                urls.put(provider, some);
            });
            return new Work(ingestWrites, ingestReads, ingestSends, delivery, urls);
        }

        String text() {
            var parts = new ArrayList<String>();
            delivery.forEach((p, c) -> parts.add(String.format("%s %d writes + %d reads + %d provider request(s)", p.key(), c[0], c[1],
                    providerUrls.get(p).size())));
            return String.format("ingest %d DynamoDB writes + %d reads + %d SendMessageBatch; per delivery: %s; per batch one ReceiveMessage,"
                    + " per message one DeleteMessage", ingestWrites, ingestReads, ingestSends, String.join(", ", parts));
        }
    }

    private Work countWork(String merchantId, String body, int n) {
        Queues.purgeAll();
        ProviderStubs.resetAll();
        PerformanceBench.providersAccept();
        CapacityMeter.reset();
        SqsCallMeter.reset();
        events(merchantId, body, n).forEach(this::accept);
        int ingestTrips = (int) Math.round(CapacityMeter.roundTrips() / (double) n);
        int ingestWrites = (int) Math.round(CapacityMeter.writes() / (double) n);
        int ingestSends = (int) Math.round(SqsCallMeter.calls().getOrDefault("SendMessageBatch", 0L) / (double) n);
        String ingestSqs = SqsCallMeter.calls().toString();
        Map<Provider, int[]> delivery = new LinkedHashMap<>();
        Map<Provider, List<String>> urls = new LinkedHashMap<>();
        List<String> sqsByProvider = new ArrayList<>();
        for (Provider provider : PROVIDERS) {
            CapacityMeter.reset();
            SqsCallMeter.reset();
            var function = DeliveryFunction.of(provider);
            int delivered = new SqsEventSource(sqs, LocalAws.get().queueUrls.get(provider)).drain(batch -> function.handleRequest(batch, null));
            if (delivered != n) {
                throw new AssertionError(provider.key() + ": delivered " + delivered + " of " + n);
            }
            int trips = (int) Math.round(CapacityMeter.roundTrips() / (double) n);
            int writes = (int) Math.round(CapacityMeter.writes() / (double) n);
            delivery.put(provider, new int[] {writes, Math.max(0, trips - writes)});
            var requests = ProviderStubs.requests(provider);
            List<String> all = requests.stream().map(r -> r.getAbsoluteUrl()).toList();
            urls.put(provider, all.subList(0, Math.round(all.size() / (float) n)));
            sqsByProvider.add(provider.key() + " " + SqsCallMeter.calls());
        }
        report.note(String.format("  local run: SQS calls of %d events' ingest %s (the receives and deletes of the event source are ours to count: one"
                + " receive per batch, one delete per message); of their deliveries, by provider: %s", n, ingestSqs, String.join("; ", sqsByProvider)));
        return new Work(ingestWrites, Math.max(0, ingestTrips - ingestWrites), ingestSends, delivery, urls);
    }

    void localRun(String merchantId) throws Exception {
        listen();
        String body = bench.paddedBody(1024);
        var emf = new PerformanceBench.CountingStream();
        PrintStream before = metrics.printTo(new PrintStream(emf, false, StandardCharsets.UTF_8));
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            // Warm: the configuration cached, the customer known; then the calls of one event counted.
            events(merchantId, body, 2).forEach(this::accept);
            Work work = countWork(merchantId, body, 5);
            dynamo.putItem(r -> r.tableName(recordsTable).item(Map.of("pk", s("BENCHFLOOR#read"), "sk", s("x"))));
            // Warm-up of both sides, then rounds alternated.
            Map<Provider, Long> before0 = requestsByProvider();
            int warm = Math.max(50, E2E_EVENTS / 3);
            pipeline(merchantId, body, warm, work);
            Map<Provider, Long> seen = new LinkedHashMap<>();
            requestsByProvider().forEach((p, v) -> seen.put(p, v - before0.getOrDefault(p, 0L)));
            report.note("  local run: provider requests in the " + warm + " warm-up events of the pipeline: " + seen + "; in the 5 counted: "
                    + work.providerUrls());
            work = work.withRequestsSeen(seen, warm);
            floor(Math.max(50, E2E_EVENTS / 3), work, http);
            List<double[]> rounds = new ArrayList<>();
            // CPU per event by kind of thread, each side: {engines, the rest of the Java threads (ours: senders, pollers,
            // the functions, the SDK, WireMock), the whole process}, so the gap can be told apart.
            List<double[]> cpu = new ArrayList<>();
            for (int round = 0; round < E2E_ROUNDS; round++) {
                double project = 0;
                double floor = 0;
                double[] projectCpu = null;
                double[] floorCpu = null;
                for (int side : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                    var split = new ThreadSplit();
                    if (side == 0) {
                        project = pipeline(merchantId, body, E2E_EVENTS, work);
                        projectCpu = split.perEvent(E2E_EVENTS, null);
                    } else {
                        floor = floor(E2E_EVENTS, work, http);
                        floorCpu = split.perEvent(E2E_EVENTS, null);
                    }
                }
                rounds.add(new double[] {project, floor});
                cpu.add(new double[] {projectCpu[1], projectCpu[0] + projectCpu[2] + projectCpu[3], projectCpu[4],
                        floorCpu[1], floorCpu[0] + floorCpu[2] + floorCpu[3], floorCpu[4]});
            }
            report.note(String.format("  local run, CPU per event (medians), pipeline / floor: engines' threads %.2f / %.2f ms, the other Java threads"
                    + " (senders, pollers, functions, SDK, WireMock) %.2f / %.2f ms, whole process (GC and JIT included) %.2f / %.2f ms",
                    PerformanceBench.median(cpu, 0) / 1e6, PerformanceBench.median(cpu, 3) / 1e6, PerformanceBench.median(cpu, 1) / 1e6,
                    PerformanceBench.median(cpu, 4) / 1e6, PerformanceBench.median(cpu, 2) / 1e6, PerformanceBench.median(cpu, 5) / 1e6));
            double project = PerformanceBench.median(rounds, 0);
            double floor = PerformanceBench.median(rounds, 1);
            report.row("local run end to end (ingest -> queues -> delivery functions -> WireMock providers), events/s (target >= 0.85x)",
                    String.format("%.1f events/s", project),
                    String.format("the engines' own calls for the same work, same threads: %.1f events/s", floor),
                    PerformanceBench.medianOfRatios(rounds));
            var parts = new ArrayList<String>();
            rounds.forEach(r -> parts.add(String.format("%.1f/%.1f", r[0], r[1])));
            report.note(String.format("  local run: %d events per round (1 KB, 3 deliveries each), %d webhook senders, one poller per provider queue"
                    + " (ReceiveMessage up to 10, wait 1 s); the floor's calls per event: %s; per-round project/floor events/s: %s", E2E_EVENTS,
                    SENDERS, work.text(), String.join(" ", parts)));
            report.figure("localrun.events.per.s", project);
            report.figure("localrun.floor.events.per.s", floor);
        } finally {
            metrics.printTo(before);
        }
    }

    private static Map<Provider, Long> requestsByProvider() {
        Map<Provider, Long> out = new LinkedHashMap<>();
        REQUESTS_BY_PROVIDER.forEach((p, v) -> out.put(p, v.get()));
        return out;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    /**
     * Events through the real pipeline: {@code SENDERS} threads call the ingest handler, one poller per provider queue runs
     * that provider's function as the local run's {@code QueuePollers} does. From the first webhook sent to the last
     * provider request seen.
     */
    private double pipeline(String merchantId, String body, int n, Work work) throws Exception {
        List<APIGatewayV2HTTPEvent> events = events(merchantId, body, n);
        IntFunction<Runnable> sender = k -> () -> {
            for (int i = k; i < events.size(); i += SENDERS) {
                accept(events.get(i));
            }
        };
        return run(n, work, sender, provider -> {
            var function = DeliveryFunction.of(provider);
            var source = new SqsEventSource(sqs, LocalAws.get().queueUrls.get(provider));
            return () -> source.pollOnce(batch -> function.handleRequest(batch, null), 1);
        });
    }

    /** The same numbers of DynamoDB, SQS and provider calls per event, with minimal payloads, on the same threads. */
    private double floor(int n, Work work, HttpClient http) throws Exception {
        String runId = Long.toString(System.nanoTime(), 36);
        Map<Provider, String> queues = LocalAws.get().queueUrls;
        IntFunction<Runnable> sender = k -> () -> {
            for (int i = k; i < n; i += SENDERS) {
                String id = runId + "-" + i;
                calls(work.ingestWrites(), work.ingestReads(), "BENCHFLOOR#" + id);
                // The sends at once, one virtual thread per queue, as the ingest does.
                try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> sends = new ArrayList<>();
                    for (Provider provider : PROVIDERS) {
                        for (int s = 0; s < Math.max(1, work.ingestSends() / PROVIDERS.size()); s++) {
                            sends.add(executor.submit(() -> sqs.sendMessageBatch(r -> r.queueUrl(queues.get(provider))
                                    .entries(e -> e.id("0").messageBody(id)))));
                        }
                    }
                    for (Future<?> send : sends) {
                        send.get();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        return run(n, work, sender, provider -> () -> {
            String url = queues.get(provider);
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            if (messages.isEmpty()) {
                return 0;
            }
            int[] c = work.delivery().get(provider);
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> deliveries = new ArrayList<>();
                for (Message message : messages) {
                    deliveries.add(executor.submit(() -> {
                        calls(c[0], c[1], "BENCHFLOOR#" + provider.key() + "#" + message.body());
                        for (String target : work.providerUrls().get(provider)) {
                            http.send(HttpRequest.newBuilder(URI.create(target)).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
                        }
                        return null;
                    }));
                }
                for (Future<?> delivery : deliveries) {
                    delivery.get();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (Message message : messages) {
                sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
            return messages.size();
        });
    }

    /** Minimal DynamoDB calls: puts of a key-only item, gets of one key. */
    private void calls(int writes, int reads, String pk) {
        for (int w = 0; w < writes; w++) {
            String sk = Integer.toString(w);
            dynamo.putItem(r -> r.tableName(recordsTable).item(Map.of("pk", s(pk), "sk", s(sk))));
        }
        for (int g = 0; g < reads; g++) {
            dynamo.getItem(r -> r.tableName(recordsTable).key(Map.of("pk", s("BENCHFLOOR#read"), "sk", s("x"))));
        }
    }

    interface Poll {
        int once();
    }

    /** Starts the pollers and the senders; events/s from the first send to the last provider request seen. */
    private double run(int n, Work work, IntFunction<Runnable> sender, java.util.function.Function<Provider, Poll> pollerOf) throws Exception {
        Queues.purgeAll();
        long expected = (long) n * PROVIDERS.size();
        var running = new AtomicBoolean(true);
        var handled = new AtomicInteger();
        var failures = new ConcurrentHashMap<String, Throwable>();
        List<Thread> pollers = new ArrayList<>();
        for (Provider provider : PROVIDERS) {
            Poll poll = pollerOf.apply(provider);
            pollers.add(Thread.ofPlatform().name("bench-poller-" + provider.key()).start(() -> {
                while (running.get()) {
                    try {
                        handled.addAndGet(poll.once());
                    } catch (RuntimeException e) {
                        failures.putIfAbsent(provider.key(), e);
                    }
                }
            }));
        }
        long requestsBefore = PROVIDER_REQUESTS.get();
        long start = System.nanoTime();
        List<Thread> senders = new ArrayList<>();
        for (int k = 0; k < SENDERS; k++) {
            senders.add(Thread.ofPlatform().name("bench-sender-" + k).start(sender.apply(k)));
        }
        long deadline = start + 180_000_000_000L;
        // Every job handled (a poll returns after its function, so after its provider requests): then the last request seen.
        while (handled.get() < expected && System.nanoTime() < deadline && failures.isEmpty()) {
            Thread.sleep(2);
        }
        long end = LAST_REQUEST_NANOS.get();
        for (Thread thread : senders) {
            thread.join();
        }
        running.set(false);
        for (Thread thread : pollers) {
            thread.join();
        }
        if (!failures.isEmpty() || handled.get() < expected) {
            throw new AssertionError("local run: " + handled.get() + " of " + expected + " jobs handled, " + (PROVIDER_REQUESTS.get() - requestsBefore)
                    + " provider requests; failures " + failures);
        }
        return n / ((end - start) / 1e9);
    }
}
