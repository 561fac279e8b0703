package dev.loyaltyrelay.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.application.ingest.NectorSignature;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.local.DemoMerchantAccess;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.FunctionZipBoot;
import dev.loyaltyrelay.support.FunctionZipBoot.Launch;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.RuntimeApiEmulator;
import dev.loyaltyrelay.support.RuntimeApiEmulator.Outcome;
import dev.loyaltyrelay.support.SqsEvents;
import dev.loyaltyrelay.support.Webhooks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The start-up figures: {@code target/function.zip} booted as the {@code java21} runtime boots it ({@link FunctionZipBoot},
 * the launch FunctionZipBootIT checks the functions with: the runtime interface client, Lambda's JVM flags, the
 * template's environment, a Runtime API emulator), beside a Quarkus hello handler of the same Quarkus version and
 * {@code quarkus-amazon-lambda}, packaged the same way ({@code src/test/bench-hello}, built here with the Maven wrapper,
 * offline). Per launch: boot to the first {@code GET /next}, the first invocation (event handed out to the response
 * POST), the RSS after it ({@code VmRSS}). Medians of {@code bench.boots} launches of each, project and hello alternated.
 * Then one more launch of each with {@code -Xlog:class+load} (through {@code JAVA_TOOL_OPTIONS}, as Lambda honours it):
 * how many classes each loads by the end of its first invocation, and from where.
 */
final class StartupFigures {

    static final int BOOTS = Integer.getInteger("bench.boots", 3);
    static final String QUARKUS_STREAM_HANDLER = "io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest";
    static final Path DIR = Path.of("target", "bench", "startup");
    static final Path RUNTIME_LIB = Path.of("target", "lambda-runtime");
    static final Path HELLO_SOURCES = Path.of("src", "test", "bench-hello");
    static final Path HELLO_BUILD = Path.of("target", "bench", "hello");

    private final Report report;
    private final FunctionZipBoot boot;
    private final Path helloRoot;
    private int launches;

    StartupFigures(Report report) throws IOException, InterruptedException {
        this.report = report;
        Path zip = Path.of("target", "function.zip");
        if (!Files.exists(zip)) {
            throw new AssertionError(zip + " missing: the bench profile builds it before the tests (./mvnw -Pbench test)");
        }
        // A merchant of its own: the benchmark's other figures write records (sealed under the test profile's local key)
        // that the functions, which open secrets through KMS as in AWS, could not read.
        this.boot = new FunctionZipBoot(zip, DIR, RUNTIME_LIB, "bench-boot-" + Long.toHexString(System.nanoTime()));
        this.helloRoot = FunctionZipBoot.unzip(buildHello(), DIR.resolve("hello-task"));
    }

    /** The recipient hash key's item (one per deployment, sealed by whoever creates it first). */
    static final Map<String, AttributeValue> HASH_KEY_ITEM = Map.of("pk", AttributeValue.fromS("SYSTEM"), "sk", AttributeValue.fromS("RECIPIENT_HASH_KEY"));

    /**
     * The launches open secrets through KMS, as in AWS; the benchmark's other figures run the test profile, whose
     * cipher is a local key. Both share the engines, and the one record both need, the recipient hash key, is sealed by
     * whichever creates it first: the launches get a deployment without it (they create their own, under KMS), and the
     * one there was is put back after them.
     */
    void run() throws IOException {
        var dynamo = boot.aws.dynamo;
        Map<String, AttributeValue> before = dynamo.getItem(r -> r.tableName(LocalAws.CONFIG_TABLE).key(HASH_KEY_ITEM).consistentRead(true)).item();
        dynamo.deleteItem(r -> r.tableName(LocalAws.CONFIG_TABLE).key(HASH_KEY_ITEM));
        try {
            measure();
        } finally {
            dynamo.deleteItem(r -> r.tableName(LocalAws.CONFIG_TABLE).key(HASH_KEY_ITEM));
            if (before != null && !before.isEmpty()) {
                dynamo.putItem(r -> r.tableName(LocalAws.CONFIG_TABLE).item(before));
            }
        }
    }

    private void measure() throws IOException {
        ProviderStubs.of(BuiltIn.ZOKO).stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"bench-boot-accepted\"}")));
        Map<String, List<Launch>> byFunction = new LinkedHashMap<>();
        for (String function : List.of("ingest", "zoko")) {
            byFunction.put(function, new ArrayList<>());
        }
        byFunction.put("hello", new ArrayList<>());
        for (int round = 0; round < BOOTS; round++) {
            for (String function : List.of("ingest", "zoko")) {
                // Alternated: the project first in even rounds, the hello handler first in odd ones.
                List<String> order = round % 2 == 0 ? List.of(function, "hello") : List.of("hello", function);
                for (String side : order) {
                    byFunction.get(side).add(side.equals("hello") ? hello(Map.of()) : launch(side, Map.of()));
                }
            }
        }
        List<Launch> hello = byFunction.get("hello");
        String peer = "Quarkus hello handler, same versions";
        for (String function : List.of("ingest", "zoko")) {
            List<Launch> ours = byFunction.get(function);
            row("boot to first poll, " + function, ours, hello, Launch::bootToFirstPollNanos, peer);
            row("first invocation after boot, " + function, ours, hello, Launch::firstInvocationNanos, peer);
            row("boot + first invocation, " + function + " (target 1.3x)", ours, hello, l -> l.bootToFirstPollNanos() + l.firstInvocationNanos(), peer);
            double rss = median(ours, Launch::rssKb);
            double helloRss = median(hello, Launch::rssKb);
            report.row("RSS after the first invocation, " + function + " (target 1.5x)", mb(rss), peer + ": " + mb(helloRss), rss / helloRss);
            report.figure("startup." + function + ".bootMs", median(ours, Launch::bootToFirstPollNanos) / 1e6);
        }
        report.note(String.format("  start-up: %d launches of each (512 MB, java21 flags), alternated; per launch boot/first invocation ms, RSS MB:", BOOTS));
        byFunction.forEach((function, launched) -> report.note("    " + function + ": " + launched.stream()
                .map(l -> String.format("%d/%d/%d", ms(l.bootToFirstPollNanos()), ms(l.firstInvocationNanos()), l.rssKb() / 1024))
                .collect(Collectors.joining(" "))));
        classLoading();
    }

    /** One more launch of each with the JVM's class-load log: classes loaded by the end of the first invocation, by source. */
    private void classLoading() throws IOException {
        report.note("  classes loaded by the end of the first invocation (-Xlog:class+load, one launch each):");
        for (String function : List.of("ingest", "zoko", "hello")) {
            Path log = DIR.resolve(function + "-classes.log").toAbsolutePath();
            Files.deleteIfExists(log);
            Map<String, String> logClasses = Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log);
            Launch launch = function.equals("hello") ? hello(logClasses) : launch(function, logClasses);
            report.note("    " + function + ": " + classLoadSummary(log, launch.bootToFirstPollNanos() / 1e9));
        }
    }

    static final Pattern LOADED = Pattern.compile("^\\[([0-9.]+)s\\].*\\] (\\S+) source: (.*)$");

    /**
     * Total, loaded after the first poll (the JVM's uptime decoration against the launch's boot time: the process start
     * is a few ms before the JVM's), from the JDK's CDS archive, and the heaviest groups of the rest.
     */
    static String classLoadSummary(Path log, double bootSeconds) throws IOException {
        int total = 0;
        int shared = 0;
        int afterFirstPoll = 0;
        Map<String, Integer> groups = new TreeMap<>();
        try (Stream<String> lines = Files.lines(log)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = LOADED.matcher(line);
                if (!m.find()) {
                    continue;
                }
                total++;
                if (Double.parseDouble(m.group(1)) > bootSeconds) {
                    afterFirstPoll++;
                }
                if (m.group(3).contains("shared objects file")) {
                    shared++;
                    continue;
                }
                groups.merge(group(m.group(2)), 1, Integer::sum);
            }
        }
        String heaviest = groups.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return String.format("%d classes (%d of them during the first invocation), %d from the JDK's CDS archive, %d from jars or generated;"
                + " of those: %s", total, afterFirstPoll, shared, total - shared, heaviest);
    }

    private static String group(String className) {
        String[] parts = className.split("\\.");
        int depth = className.startsWith("software.amazon.awssdk.services.") || className.startsWith("software.amazon.awssdk.regions.") ? 5
                : className.startsWith("software.amazon.awssdk.") ? 4
                : className.startsWith("dev.loyaltyrelay.") || className.startsWith("io.quarkus.") || className.startsWith("io.smallrye.") ? 3 : 2;
        return String.join(".", java.util.Arrays.copyOf(parts, Math.min(depth, parts.length - 1)));
    }

    // ---- launching ---------------------------------------------------------------------------------------------

    private Launch launch(String function, Map<String, String> extra) {
        int n = ++launches;
        JsonNode event;
        Map<String, String> environment = new LinkedHashMap<>(extra);
        if (function.equals("ingest")) {
            event = signedWebhook("bench-boot-" + System.nanoTime() + "-" + n);
        } else {
            ObjectNode batch = SqsEvents.only(SqsEvents.load(function + "-batch.json"), 0);
            ObjectNode record = (ObjectNode) batch.get("Records").get(0);
            ObjectNode job = SqsEvents.job(record);
            job.put("nectorDeliveryId", "bench-boot-" + System.nanoTime() + "-" + n);
            SqsEvents.setJob(record, job);
            event = SqsEvents.forMerchant(batch, boot.merchantId, Instant.now());
            environment.put("QUARKUS_REST_CLIENT_ZOKO_URL", ProviderStubs.of(BuiltIn.ZOKO).baseUrl());
        }
        Launch launch = boot.launch(function, event, environment);
        Queues.purgeAll();
        return answered(launch, function.equals("ingest") ? 202 : -1);
    }

    private ObjectNode signedWebhook(String deliveryId) {
        String secret = DemoMerchantAccess.seed().get("webhookSecret").asText();
        ObjectNode event = Webhooks.withDeliveryId(Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), boot.merchantId), deliveryId);
        byte[] body = event.get("body").asText().getBytes(StandardCharsets.UTF_8);
        Webhooks.withHeader(event, "x-nector-timestamp", Long.toString(Instant.now().getEpochSecond()));
        Webhooks.withHeader(event, "x-nector-webhook-secret", Hashes.sha256Hex(secret));
        Webhooks.withHeader(event, "x-nector-webhook-hmac", NectorSignature.hexHmac(secret, body));
        return event;
    }

    /** The hello handler's function.zip, booted exactly as ours (same command line, Lambda's variables, 512 MB). */
    private Launch hello(Map<String, String> extra) {
        var event = signedWebhook("bench-boot-hello-" + ++launches);
        try (var runtimeApi = new RuntimeApiEmulator(event.toString(), Duration.ofSeconds(9),
                "arn:aws:lambda:" + LocalAws.REGION + ":" + FunctionZipBoot.ACCOUNT + ":function:bench-hello")) {
            var environment = new LinkedHashMap<>(FunctionZipBoot.setByLambda(QUARKUS_STREAM_HANDLER, "bench-hello", 512,
                    runtimeApi.address(), helloRoot, RUNTIME_LIB, false));
            environment.putAll(extra);
            return answered(FunctionZipBoot.run("hello", FunctionZipBoot.javaCommand(RUNTIME_LIB, helloRoot, QUARKUS_STREAM_HANDLER, 512),
                    helloRoot, environment, runtimeApi, DIR.resolve("hello.log")), 200);
        }
    }

    /** A launch that did not answer as it should would measure a failure path: it stops the benchmark. */
    private static Launch answered(Launch launch, int statusCode) {
        if (!(launch.outcome() instanceof Outcome.Response response)) {
            throw new AssertionError(launch.handler() + " reported " + launch.outcome() + "\n" + FunctionZipBoot.tail(launch.log()));
        }
        JsonNode answer;
        try {
            answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(launch.handler() + " answered no JSON: " + response.body(), e);
        }
        boolean asExpected = statusCode > 0 ? answer.path("statusCode").asInt() == statusCode
                : answer.path("batchItemFailures").isArray() && answer.path("batchItemFailures").isEmpty();
        if (!asExpected) {
            throw new AssertionError(launch.handler() + " answered " + response.body() + "\n" + FunctionZipBoot.tail(launch.log()));
        }
        return launch;
    }

    // ---- the peer's build --------------------------------------------------------------------------------------

    /** Builds {@code src/test/bench-hello} into {@code target/bench/hello} (offline, the project's wrapper) unless up to date. */
    private static Path buildHello() throws IOException, InterruptedException {
        String ours = quarkusVersion(Path.of("pom.xml"));
        String hellos = quarkusVersion(HELLO_SOURCES.resolve("pom.xml"));
        if (!ours.equals(hellos)) {
            throw new AssertionError("the hello handler must be built with the project's Quarkus " + ours + ", not " + hellos);
        }
        Path zip = HELLO_BUILD.resolve("function.zip");
        long newestSource;
        try (Stream<Path> sources = Files.walk(HELLO_SOURCES)) {
            newestSource = sources.filter(Files::isRegularFile).mapToLong(p -> p.toFile().lastModified()).max().orElse(0);
        }
        if (Files.exists(zip) && zip.toFile().lastModified() > newestSource) {
            return zip;
        }
        Path log = DIR.resolve("hello-build.log");
        Files.createDirectories(DIR);
        var build = new ProcessBuilder(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-ntp", "-o", "-f",
                HELLO_SOURCES.resolve("pom.xml").toAbsolutePath().toString(), "package", "-DskipTests",
                "-Dhello.build.dir=" + HELLO_BUILD.toAbsolutePath()).redirectErrorStream(true).redirectOutput(log.toFile());
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process running = build.start();
        if (!running.waitFor(10, TimeUnit.MINUTES) || running.exitValue() != 0 || !Files.exists(zip)) {
            running.destroyForcibly();
            throw new AssertionError("the hello handler did not build\n" + FunctionZipBoot.tail(log));
        }
        return zip;
    }

    private static String quarkusVersion(Path pom) throws IOException {
        Matcher m = Pattern.compile("<quarkus.version>([^<]+)</quarkus.version>").matcher(Files.readString(pom));
        if (!m.find()) {
            throw new AssertionError(pom + " names no quarkus.version");
        }
        return m.group(1);
    }

    // ---- figures -----------------------------------------------------------------------------------------------

    private void row(String figure, List<Launch> ours, List<Launch> peer, ToLongFunction<Launch> value, String peerName) {
        double project = median(ours, value);
        double hello = median(peer, value);
        report.row(figure, ms(project) + " ms", peerName + ": " + ms(hello) + " ms", project / hello);
    }

    static double median(List<Launch> launches, ToLongFunction<Launch> value) {
        List<Long> values = new ArrayList<>(launches.stream().map(value::applyAsLong).toList());
        Collections.sort(values);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2.0;
    }

    private static long ms(double nanos) {
        return Math.round(nanos / 1e6);
    }

    private static String mb(double kb) {
        return String.format("%.0f MB", kb / 1024);
    }

    void close() {
        boot.close();
    }

}
