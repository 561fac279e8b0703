package dev.loyaltyrelay.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.ingest.BenchIngest;
import dev.loyaltyrelay.local.SqsEventSource;
import dev.loyaltyrelay.observability.EmfMetrics;
import dev.loyaltyrelay.queue.BenchQueues;
import dev.loyaltyrelay.store.BenchStores;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.DeliveryFunction;
import dev.loyaltyrelay.support.DynamoCallCounter;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.MutableClock;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.TestMerchants;
import dev.loyaltyrelay.support.Webhooks;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's benchmark: each figure beside its floor, taken in one JVM, project and floor alternated, medians of several
 * rounds, CPU as thread CPU time. Not part of the test suite (the name matches none of Surefire's patterns): run it with
 * {@code ./mvnw -Pbench test} (README, "Benchmark"; docs/performance.md says how each figure is taken).
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
class PerformanceBench {

    static final int ROUNDS = Integer.getInteger("bench.rounds", 7);
    static final int EVENTS_PER_ROUND = Integer.getInteger("bench.events", 1500);
    static final int COST_EVENTS = Integer.getInteger("bench.cost-events", 20);
    /**
     * {@code -Dbench.only=units,batch}: only those parts (cpu, sqs, units, batch, whole, localrun), and no cost model; all by default.
     * {@code -Dbench.only=startup}: the start-up rows alone, into {@code target/bench/startup.txt}.
     */
    static final List<String> ONLY = List.of(System.getProperty("bench.only", "").split(",")).stream().filter(part -> !part.isBlank()).toList();
    static final long SQS_LATENCY_MS = 40;
    static final int PROVIDER_MS = 200;

    @Inject
    TestMerchants merchants;
    @Inject
    MerchantDirectory directory;
    @Inject
    EventCatalogue catalogue;
    @Inject
    MutableClock mutableClock;
    @Inject
    Clock clock;
    @Inject
    ObjectMapper json;
    @Inject
    RelayConfig config;
    @Inject
    EmfMetrics metrics;
    @Inject
    dev.loyaltyrelay.ingest.IngestHandler ingestHandler;
    @Inject
    software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoClient;
    @Inject
    software.amazon.awssdk.services.sqs.SqsClient sqsClient;

    final Report report = new Report();

    @Test
    void figures() throws Exception {
        mutableClock.set(Webhooks.SIGNED_AT);
        directory.invalidateAll();
        Queues.purgeAll();
        report.machine();

        if ("startup".equals(System.getProperty("bench.only"))) {
            // -Dbench.only=startup: the start-up rows alone (no cost model: it reads the other figures).
            startup();
            report.save(Path.of("target", "bench", "startup.txt"));
            return;
        }
        String merchantId = merchants.demoLike();
        if (runs("cpu")) {
            ingestCpu(merchantId, 1024);
            ingestCpu(merchantId, 20 * 1024);
        }
        if (runs("sqs")) {
            sqsOverlap(merchantId);
        }
        if (runs("units")) {
            writeUnits(1024);
            writeUnits(20 * 1024);
        }
        if (runs("batch")) {
            batchOfTen();
        }
        if (runs("whole") || runs("localrun")) {
            var endToEnd = new EndToEnd(this, report, ingestHandler, dynamoClient, sqsClient, metrics, config.tables().records());
            if (runs("whole")) {
                endToEnd.wholeProcess(merchants.demoLike());
            }
            if (runs("localrun")) {
                endToEnd.localRun(merchants.demoLike());
            }
        }
        if (ONLY.isEmpty()) {
            startup();
            CostModel.print(report);
        }
        report.save(Path.of("target", "bench", "latest.txt"));
    }

    private static boolean runs(String part) {
        return ONLY.isEmpty() || ONLY.contains(part);
    }

    // ---- start-up: function.zip booted as the java21 runtime boots it, beside a Quarkus hello handler ----------------

    private void startup() throws Exception {
        var startup = new StartupFigures(report);
        try {
            startup.run();
        } finally {
            startup.close();
        }
    }

    // ---- (a) ingest CPU per event outside I/O ----------------------------------------------------------------------------

    /** The production handler and use case, every store and queue call answered in-process at once. */
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> stubbedIngest(StubAws aws) {
        var dynamo = aws.dynamo();
        var ingestion = new WebhookIngestion(directory, catalogue, BenchStores.customerStore(dynamo, clock), BenchStores.heldEventStore(dynamo),
                BenchStores.ingestLedger(dynamo), BenchQueues.deliveryQueue(aws.sqs()), BenchStores.trafficObservations(dynamo), metrics, clock,
                config);
        return BenchIngest.handler(ingestion, json, config);
    }

    private void ingestCpu(String merchantId, int bodyBytes) throws Exception {
        var aws = new StubAws();
        var handler = stubbedIngest(aws);
        String body = paddedBody(bodyBytes);
        APIGatewayV2HTTPEvent event = gatewayEvent(merchantId, "bench-cpu-" + bodyBytes, body);
        byte[] key = Webhooks.DEMO_SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] bodyUtf8 = body.getBytes(StandardCharsets.UTF_8);
        var emf = new CountingStream();
        PrintStream before = metrics.printTo(new PrintStream(emf, false, StandardCharsets.UTF_8));
        try {
            Runnable project = () -> {
                APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
                if (response.getStatusCode() != 202) {
                    throw new AssertionError("ingest answered " + response.getStatusCode() + ": " + response.getBody());
                }
                // What @FlushMetrics does at the end of every invocation (the EMF line, into a counting sink).
                metrics.flush();
            };
            Runnable floor = () -> floor(key, bodyUtf8);
            long dynamoBefore = DynamoCallCounter.roundTrips();
            for (int i = 0; i < 3 * EVENTS_PER_ROUND; i++) {
                project.run();
                floor.run();
            }
            aws.reset();
            emf.bytes.set(0);
            List<double[]> rounds = new ArrayList<>();
            var profile = new Hotspots(Path.of("target", "bench", "ingest-" + bodyBytes + ".jfr"));
            for (int round = 0; round < ROUNDS; round++) {
                double[] p;
                double[] f;
                if (round % 2 == 0) {
                    p = Cpu.perCall(project, EVENTS_PER_ROUND);
                    f = Cpu.perCall(floor, EVENTS_PER_ROUND);
                } else {
                    f = Cpu.perCall(floor, EVENTS_PER_ROUND);
                    p = Cpu.perCall(project, EVENTS_PER_ROUND);
                }
                rounds.add(new double[] {p[0], f[0], p[1], f[1]});
            }
            profile.close();
            long events = (long) ROUNDS * EVENTS_PER_ROUND;
            long realDynamoCalls = DynamoCallCounter.roundTrips() - dynamoBefore;
            double projectUs = median(rounds, 0) / 1000;
            double floorUs = median(rounds, 1) / 1000;
            double ratios = medianOfRatios(rounds);
            String label = bodyBytes / 1024 + " KB body";
            report.row("ingest CPU per event outside I/O, " + label, us(projectUs), "HMAC-SHA256 + one Jackson readTree: " + us(floorUs),
                    ratios);
            report.row("  allocated per event, " + label, kb(median(rounds, 2)), kb(median(rounds, 3)), median(rounds, 2) / median(rounds, 3));
            report.note(String.format("  %s: stubbed calls per event %s; real DynamoDB calls during the loop: %d; EMF bytes per event %.0f;"
                    + " per-round project/floor us: %s", label, perEvent(aws, events), realDynamoCalls, emf.bytes.get() / (double) events,
                    roundsText(rounds)));
            report.note("  " + label + ", profile (JFR, " + Path.of("target", "bench", "ingest-" + bodyBytes + ".jfr") + "):");
            profile.summary(30, 12).forEach(report::note);
            report.figure("ingest.cpu.us." + bodyBytes, projectUs);
            report.figure("ingest.floor.us." + bodyBytes, floorUs);
            report.figure("ingest.emf.bytes", emf.bytes.get() / (double) events);
        } finally {
            metrics.printTo(before);
        }
    }

    /** The floor: authenticate the body (HMAC-SHA256 under the merchant's secret) and parse it once. */
    private void floor(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(body);
            JsonNode tree = json.readTree(body);
            if (digest.length != 32 || tree.size() == 0) {
                throw new AssertionError();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String perEvent(StubAws aws, long events) {
        var parts = new ArrayList<String>();
        aws.calls.forEach((op, n) -> parts.add(op + " " + String.format("%.2f", n.get() / (double) events)));
        parts.sort(null);
        return String.join(", ", parts);
    }

    // ---- (c) SQS sends of one event's jobs ------------------------------------------------------------------------------

    private void sqsOverlap(String merchantId) throws Exception {
        var aws = new StubAws();
        var handler = stubbedIngest(aws);
        APIGatewayV2HTTPEvent event = gatewayEvent(merchantId, "bench-sqs", paddedBody(1024));
        handler.handleRequest(event, null);
        long[] sqsOnly = new long[5];
        long[] everyCall = new long[5];
        long sends = 0;
        int inFlight = 0;
        long calls = 0;
        for (int i = 0; i < sqsOnly.length; i++) {
            aws.reset();
            aws.latencyMillis = SQS_LATENCY_MS;
            // Only the SQS client waits: the DynamoDB stub answers at once.
            var sqsAws = new StubAws();
            sqsAws.latencyMillis = SQS_LATENCY_MS;
            var sqsHandler = stubbedIngestWithSqs(new StubAws(), sqsAws);
            long start = System.nanoTime();
            sqsHandler.handleRequest(event, null);
            sqsOnly[i] = System.nanoTime() - start;
            sends = sqsAws.count("sendMessageBatch");
            inFlight = sqsAws.maxInFlight.get();
            // Every call (DynamoDB and SQS) waits the same: how many waits an event's answer is made of.
            start = System.nanoTime();
            handler.handleRequest(event, null);
            everyCall[i] = System.nanoTime() - start;
            calls = aws.total();
        }
        double sqsMs = medianOf(sqsOnly) / 1e6;
        double everyMs = medianOf(everyCall) / 1e6;
        report.row("SQS sends of one event's jobs (" + sends + " queues, each send " + SQS_LATENCY_MS + " ms)", ms(sqsMs) + " (" + sends
                + " SendMessageBatch, at most " + inFlight + " at once)", "the slowest send: " + ms(SQS_LATENCY_MS), sqsMs / SQS_LATENCY_MS);
        report.row("ingest answer with every call waiting " + SQS_LATENCY_MS + " ms", ms(everyMs) + " (" + calls + " calls)",
                "claim, sends overlapping, completion: " + ms(3 * SQS_LATENCY_MS), everyMs / (3.0 * SQS_LATENCY_MS));
        report.figure("ingest.sqs.sends", sends);
        report.figure("ingest.sequential.waits", everyMs / SQS_LATENCY_MS);
        aws.latencyMillis = 0;
    }

    private RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> stubbedIngestWithSqs(StubAws dynamoAws, StubAws sqsAws) {
        var dynamo = dynamoAws.dynamo();
        var ingestion = new WebhookIngestion(directory, catalogue, BenchStores.customerStore(dynamo, clock), BenchStores.heldEventStore(dynamo),
                BenchStores.ingestLedger(dynamo), BenchQueues.deliveryQueue(sqsAws.sqs()), BenchStores.trafficObservations(dynamo), metrics, clock,
                config);
        return BenchIngest.handler(ingestion, json, config);
    }

    // ---- (b) DynamoDB write units, on DynamoDB Local --------------------------------------------------------------------

    private void writeUnits(int bodyBytes) throws Exception {
        String merchantId = merchants.demoLike();
        directory.invalidateAll();
        Queues.purgeAll();
        providersAccept();
        String label = bodyBytes / 1024 + " KB";
        String body = paddedBody(bodyBytes);
        // Warm: the configuration cached, the customer known, the topic's observation made.
        postToIngest(merchantId, "bench-warm-" + bodyBytes, body.replace("\"amount\":100", "\"amount\":99"));
        Queues.purgeAll();
        CapacityMeter.reset();
        for (int i = 0; i < COST_EVENTS; i++) {
            postToIngest(merchantId, "bench-wcu-" + bodyBytes + "-" + i, body.replace("\"amount\":100", "\"amount\":" + (1000 + i)));
        }
        double ingestTrips = CapacityMeter.roundTrips() / (double) COST_EVENTS;
        double ingestWcu = CapacityMeter.writeUnits() / COST_EVENTS;
        double ingestRcu = CapacityMeter.readUnits() / COST_EVENTS;
        Map<String, Double> ingestByTarget = CapacityMeter.writeUnitsByTarget();
        report.row("ingest DynamoDB round trips / write units per event, " + label, String.format("%.2f / %.2f", ingestTrips, ingestWcu),
                "claim + completion: 2 / 2", ingestWcu / 2);
        report.note("  ingest " + label + " write units by table/index per event: " + perEventText(ingestByTarget, COST_EVENTS)
                + String.format("; read units per event %.2f", ingestRcu) + "; writes " + CapacityMeter.writeKinds());
        report.figure("ingest.wcu." + bodyBytes, ingestWcu);
        report.figure("ingest.rcu." + bodyBytes, ingestRcu);
        report.figure("ingest.trips." + bodyBytes, ingestTrips);

        var emf = new CountingStream();
        PrintStream before = metrics.printTo(new PrintStream(emf, false, StandardCharsets.UTF_8));
        try {
            for (Provider provider : List.of(BuiltIn.ZOKO, BuiltIn.LIMECHAT, BuiltIn.WIGZO)) {
                CapacityMeter.reset();
                emf.bytes.set(0);
                var function = DeliveryFunction.of(provider);
                int[] invocations = {0};
                int delivered = new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(provider)).drain(batch -> {
                    invocations[0]++;
                    var response = function.handleRequest(batch, null);
                    metrics.flush();
                    return response;
                });
                if (delivered != COST_EVENTS) {
                    throw new AssertionError(provider.key() + ": delivered " + delivered + " of " + COST_EVENTS);
                }
                double wcu = CapacityMeter.writeUnits() / delivered;
                double trips = CapacityMeter.roundTrips() / (double) delivered;
                report.row("DynamoDB write units per delivery, " + provider.key() + ", " + label + " event", String.format("%.2f (%.2f round trips)",
                        wcu, trips), "claim + outcome: 2", wcu / 2);
                report.note("  " + provider.key() + " " + label + " write units by table/index per delivery: "
                        + perEventText(CapacityMeter.writeUnitsByTarget(), delivered)
                        + String.format("; read units per delivery %.2f; batches %d; EMF bytes per delivery %.0f", CapacityMeter.readUnits() / delivered,
                                invocations[0], emf.bytes.get() / (double) delivered) + "; writes " + CapacityMeter.writeKinds());
                report.figure("delivery.wcu." + provider.key() + "." + bodyBytes, wcu);
                report.figure("delivery.rcu." + provider.key() + "." + bodyBytes, CapacityMeter.readUnits() / delivered);
                report.figure("delivery.trips." + provider.key() + "." + bodyBytes, trips);
                report.figure("delivery.emf.bytes", emf.bytes.get() / (double) delivered);
            }
        } finally {
            metrics.printTo(before);
        }
    }

    // ---- a batch of 10 against a provider answering in 200 ms ----------------------------------------------------------

    private void batchOfTen() throws Exception {
        String merchantId = merchants.demoLike();
        directory.invalidateAll();
        Queues.purgeAll();
        providersAccept();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message"))
                .willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-bench\"}").withFixedDelay(PROVIDER_MS)));
        String body = paddedBody(1024);
        var zoko = DeliveryFunction.of(BuiltIn.ZOKO);
        var source = new SqsEventSource(LocalAws.get().sqs, LocalAws.get().queueUrls.get(BuiltIn.ZOKO));
        int[] sequence = {0};
        List<double[]> rounds = new ArrayList<>();
        int batchSize = 0;
        for (int round = 0; round < 4; round++) {
            long[] wall = new long[2];
            int[] sizes = new int[2];
            for (int kind : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                int jobs = kind == 0 ? 1 : 10;
                for (int i = 0; i < jobs; i++) {
                    postToIngest(merchantId, "bench-batch-" + sequence[0]++, body.replace("\"amount\":100", "\"amount\":" + (5000 + sequence[0])));
                }
                Queues.drain(BuiltIn.LIMECHAT);
                Queues.drain(BuiltIn.WIGZO);
                int[] size = {0};
                long start = System.nanoTime();
                int delivered = 0;
                // One invocation with every waiting job (ElasticMQ may hand out fewer than asked: then the batch is what it gave).
                delivered = source.pollOnce(batch -> {
                    size[0] = batch.getRecords().size();
                    return zoko.handleRequest(batch, null);
                }, 1);
                wall[kind] = System.nanoTime() - start;
                sizes[kind] = size[0];
                source.drain(batch -> zoko.handleRequest(batch, null));
                if (delivered == 0) {
                    throw new AssertionError("no zoko job to deliver");
                }
            }
            batchSize = sizes[1];
            rounds.add(new double[] {wall[1] / 1e6, wall[0] / 1e6});
        }
        double batchMs = median(rounds, 0);
        double oneMs = median(rounds, 1);
        report.row("a batch of " + batchSize + " against a provider answering in " + PROVIDER_MS + " ms (zoko, real engines)", ms(batchMs),
                "one send: " + ms(oneMs), medianOfRatios(rounds));
        report.figure("delivery.batch10.ms", batchMs);
        report.figure("delivery.one.ms", oneMs);
        report.figure("delivery.batch10.factor", medianOfRatios(rounds));
        batchBreakdown(merchantId, body, zoko, source, sequence);
    }

    /**
     * Three more batches of 10 and three single sends, alternated, each profiled ({@link BatchBreakdown}); the notes of the
     * batch with the median wall time, and the split of the median single send beside it.
     */
    private void batchBreakdown(String merchantId, String body, DeliveryFunction zoko, SqsEventSource source, int[] sequence) throws Exception {
        var zokoStub = ProviderStubs.of(BuiltIn.ZOKO);
        Map<Integer, List<Map.Entry<Long, List<String>>>> profiled = new HashMap<>();
        for (int run = 0; run < 6; run++) {
            int jobs = run % 2 == 0 ? 10 : 1;
            for (int i = 0; i < jobs; i++) {
                postToIngest(merchantId, "bench-batch-" + sequence[0]++, body.replace("\"amount\":100", "\"amount\":" + (5000 + sequence[0])));
            }
            Queues.drain(BuiltIn.LIMECHAT);
            Queues.drain(BuiltIn.WIGZO);
            zokoStub.resetRequests();
            try (var breakdown = new BatchBreakdown(Path.of("target", "bench", "batch-" + jobs + "-" + run / 2 + ".jfr"))) {
                breakdown.start();
                source.pollOnce(batch -> {
                    breakdown.functionStart = System.nanoTime();
                    try {
                        return zoko.handleRequest(batch, null);
                    } finally {
                        breakdown.functionEnd = System.nanoTime();
                    }
                }, 1);
                breakdown.pollEnd = System.nanoTime();
                breakdown.stop();
                profiled.computeIfAbsent(jobs, k -> new ArrayList<>()).add(Map.entry(breakdown.pollEnd - breakdown.pollStart,
                        breakdown.lines(zokoStub.getAllServeEvents())));
            }
            source.drain(batch -> zoko.handleRequest(batch, null));
        }
        profiled.values().forEach(list -> list.sort(Map.Entry.comparingByKey()));
        profiled.get(10).get(1).getValue().forEach(report::note);
        List<String> one = profiled.get(1).get(1).getValue();
        report.note("  the same for the median single send:");
        List.of(0, 1, 2, 3, 5).forEach(line -> report.note("  " + one.get(line)));
    }

    static void providersAccept() {
        ProviderStubs.resetAll();
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(urlEqualTo("/v2/message")).willReturn(aResponse().withStatus(202).withBody("{\"messageId\":\"zk-bench\"}")));
        ProviderStubs.of(BuiltIn.LIMECHAT).stubFor(post(urlEqualTo("/api/v1/cvf-events")).willReturn(aResponse().withStatus(200).withBody("{}")));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/identify")).willReturn(aResponse().withStatus(200)));
        ProviderStubs.of(BuiltIn.WIGZO).stubFor(post(urlPathEqualTo("/rest/v1/learn/event")).willReturn(aResponse().withStatus(200)));
    }

    private void postToIngest(String merchantId, String deliveryId, String body) throws Exception {
        ObjectNode event = Webhooks.withSignedBody(Webhooks.withDeliveryId(Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"),
                merchantId), deliveryId), body);
        String response = given().contentType("application/json").body(Webhooks.text(event)).when().post().then().statusCode(200).extract()
                .asString();
        int status = json.readTree(response).get("statusCode").asInt();
        if (status != 202) {
            throw new AssertionError("ingest answered " + response);
        }
    }

    private static String perEventText(Map<String, Double> byTarget, int n) {
        var parts = new ArrayList<String>();
        byTarget.forEach((target, units) -> parts.add(target.replace("relay-test-", "") + " " + String.format("%.2f", units / n)));
        return String.join(", ", parts);
    }

    // ---- events ---------------------------------------------------------------------------------------------------------

    /** The wallet sample's body, padded to about {@code bytes} with order lines (as a larger real event carries). */
    String paddedBody(int bytes) throws Exception {
        ObjectNode sample = Webhooks.body(Webhooks.load("ingest-walletreward_create.json"));
        String plain = json.writeValueAsString(sample);
        if (plain.length() >= bytes) {
            return plain;
        }
        // Order lines as a store's would be: varied titles, ids and image addresses (seeded, so every run pads alike). A
        // padding of one repeated line would deflate to nothing and flatter whatever is stored deflated.
        ArrayNode lines = sample.putArray("order_lines");
        var random = new java.util.Random(bytes);
        String[] words = {"Cotton", "Linen", "Silk", "kurta", "saree", "dupatta", "indigo", "mustard", "block-printed", "handloom",
                "festive", "classic", "slim", "relaxed", "embroidered", "set", "of", "two", "with", "pockets"};
        String[] sizes = {"XS", "S", "M", "L", "XL", "XXL"};
        while (json.writeValueAsString(sample).getBytes(StandardCharsets.UTF_8).length < bytes - 200) {
            ObjectNode line = lines.addObject();
            line.put("variant_id", 40_000_000_000_000L + random.nextLong(1_000_000_000_000L));
            line.put("sku", String.format("%c%c-%06d", 'A' + random.nextInt(26), 'A' + random.nextInt(26), random.nextInt(1_000_000)));
            StringBuilder title = new StringBuilder();
            for (int w = 0, n = 3 + random.nextInt(4); w < n; w++) {
                title.append(w == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
            }
            line.put("title", title + ", size " + sizes[random.nextInt(sizes.length)]);
            line.put("qty", 1 + random.nextInt(3));
            line.put("price", String.format("%d.%02d", 299 + random.nextInt(4000), random.nextInt(100)));
            line.put("image", "https://cdn.shop.example/files/" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()) + ".jpg");
        }
        return json.writeValueAsString(sample);
    }

    static APIGatewayV2HTTPEvent gatewayEvent(String merchantId, String deliveryId, String body) {
        ObjectNode sample = Webhooks.withSignedBody(Webhooks.withDeliveryId(Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"),
                merchantId), deliveryId), body);
        Map<String, String> headers = new LinkedHashMap<>();
        sample.get("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod("POST");
        http.setPath("/v1/webhooks/nector/" + merchantId);
        var context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        var event = new APIGatewayV2HTTPEvent();
        event.setRequestContext(context);
        event.setRawPath("/v1/webhooks/nector/" + merchantId);
        event.setPathParameters(Map.of("merchantId", merchantId));
        event.setHeaders(headers);
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }

    // ---- measuring ------------------------------------------------------------------------------------------------------

    /** CPU time of this thread and of the virtual threads' carriers (ingest learns traffic on a virtual thread). */
    static final class Cpu {
        static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        /** {nanoseconds of CPU, bytes allocated by this thread} per call. */
        static double[] perCall(Runnable call, int times) {
            Map<Long, Long> carriersBefore = carriers();
            long cpu = THREADS.getCurrentThreadCpuTime();
            long allocated = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < times; i++) {
                call.run();
            }
            long ownCpu = THREADS.getCurrentThreadCpuTime() - cpu;
            long ownAllocated = THREADS.getCurrentThreadAllocatedBytes() - allocated;
            long carrierCpu = 0;
            for (var entry : carriers().entrySet()) {
                carrierCpu += entry.getValue() - carriersBefore.getOrDefault(entry.getKey(), 0L);
            }
            return new double[] {(ownCpu + carrierCpu) / (double) times, ownAllocated / (double) times};
        }

        private static Map<Long, Long> carriers() {
            Map<Long, Long> cpu = new HashMap<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread.getName().startsWith("ForkJoinPool-") && thread.getName().contains("worker")) {
                    cpu.put(thread.threadId(), Math.max(0, THREADS.getThreadCpuTime(thread.threadId())));
                }
            }
            return cpu;
        }
    }

    static final class CountingStream extends OutputStream {
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void write(int b) {
            bytes.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.addAndGet(len);
        }
    }

    static double median(List<double[]> rounds, int column) {
        return medianOf(rounds.stream().mapToDouble(r -> r[column]).toArray());
    }

    static double medianOfRatios(List<double[]> rounds) {
        return medianOf(rounds.stream().mapToDouble(r -> r[0] / r[1]).toArray());
    }

    static double medianOf(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    static double medianOf(long[] values) {
        return medianOf(Arrays.stream(values).asDoubleStream().toArray());
    }

    private static String roundsText(List<double[]> rounds) {
        var parts = new ArrayList<String>();
        for (double[] r : rounds) {
            parts.add(String.format("%.1f/%.1f", r[0] / 1000, r[1] / 1000));
        }
        return String.join(" ", parts);
    }

    static String us(double micros) {
        return String.format("%.1f us", micros);
    }

    static String ms(double millis) {
        return String.format("%.0f ms", millis);
    }

    static String kb(double bytes) {
        return String.format("%.1f KB", bytes / 1024);
    }
}
