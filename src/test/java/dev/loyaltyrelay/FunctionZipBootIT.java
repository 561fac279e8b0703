package dev.loyaltyrelay;

import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.support.BuiltIn;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.application.ingest.NectorSignature;
import dev.loyaltyrelay.local.DemoMerchantAccess;
import dev.loyaltyrelay.local.TemplateResources;
import dev.loyaltyrelay.store.StoreAccess;
import dev.loyaltyrelay.support.BootKmsStub;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.RuntimeApiEmulator;
import dev.loyaltyrelay.support.RuntimeApiEmulator.Outcome;
import dev.loyaltyrelay.support.SqsEvents;
import dev.loyaltyrelay.support.TemplateFunctions;
import dev.loyaltyrelay.support.TemplateFunctions.Intrinsic;
import dev.loyaltyrelay.support.Webhooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code target/function.zip} started as Lambda starts it, once per function of {@code template.yaml}, each answering
 * one invocation from {@code events/}: a function that cannot start where it is deployed fails the build.
 *
 * <p>As in AWS: the zip unpacked as the task root; a JVM of its own per function (a child process) with the
 * {@code java21} runtime's flags ({@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto}, a heap of 85 % of
 * the template's {@code MemorySize}); the runtime's own jars first on the class path (the AWS Lambda Runtime Interface
 * Client 2.6.0 with {@code aws-lambda-java-core} 1.2.3 and {@code aws-lambda-java-serialization} 1.1.2, copied to
 * {@code target/lambda-runtime} by the build), then the task root and its {@code lib/*}; the template's handler. The
 * environment is exactly what the template gives the function ({@code Globals} merged with its own variables, every
 * {@code !Ref}, {@code !GetAtt} and {@code !Sub} resolved here: tables and queues to the embedded ones, the KMS key to a
 * stub key, {@code OperatorKeySha256} to the digest of the local run's operator key), plus only what Lambda itself
 * sets ({@code AWS_REGION}, credentials, {@code AWS_LAMBDA_FUNCTION_NAME}, {@code AWS_LAMBDA_RUNTIME_API},
 * {@code LAMBDA_TASK_ROOT}, ...) and the endpoints of the engines below. Nothing else: no {@code application.properties}
 * test profile, no configuration the tests add. A variable the template gains that this check cannot resolve fails it.
 *
 * <p>Real engines: DynamoDB Local and ElasticMQ with the template's tables and queues, WireMock as each provider.
 * Emulated, because they exist only inside AWS: the Lambda Runtime API ({@link RuntimeApiEmulator}: one event, then
 * the function waits as a frozen environment would) and KMS ({@link BootKmsStub}: its JSON protocol from WireMock). The
 * demo merchant is sealed through that KMS with the application's own envelope cipher, so each function really
 * unwraps a data key and opens the secrets it needs. Not emulated: SnapStart (init runs on demand, as with SnapStart
 * off), and the JDK is the build's (no JDK 21 on these machines; the classes target 21). For a native
 * {@code function.zip} ({@code -Pnative}), its {@code bootstrap} is started instead, as {@code provided.al2023} does.
 *
 * <p>Each boot prints its time to the first poll and of the first invocation; they are never asserted.
 */
class FunctionZipBootIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path BOOT_DIR = Path.of(System.getProperty("boot.check.dir", "target/boot-check"));
    static final Path FUNCTION_ZIP = Path.of(System.getProperty("function.zip", "target/function.zip"));
    static final Path RUNTIME_LIB = Path.of(System.getProperty("lambda.runtime.lib", "target/lambda-runtime"));
    static final String STAGE = "boot";
    static final String ACCOUNT = "000000000000";
    /** The bearer key of {@code events/admin-list-integrations.json}: the local run's operator key. */
    static final String OPERATOR_KEY = "local-operator-key";
    /** Hang guard only: a function that neither answers nor exits within this is a failure, whatever the machine's load. */
    static final Duration NO_ANSWER_LIMIT = Duration.ofMinutes(3);
    static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    static LocalAws aws;
    static BootKmsStub kms;
    static TemplateFunctions template;
    static Path taskRoot;
    static boolean nativeZip;
    static String merchantId;

    @BeforeAll
    static void unpackTheZip_startTheEngines_andSealTheDemoMerchant() throws IOException {
        taskRoot = unzip(FUNCTION_ZIP, BOOT_DIR.resolve("task"));
        nativeZip = Files.exists(taskRoot.resolve("bootstrap"));
        aws = LocalAws.get();
        kms = new BootKmsStub();
        template = TemplateFunctions.read(Path.of("template.yaml"));
        merchantId = DemoMerchantAccess.seedInto(StoreAccess.configurationStore(aws.dynamo, LocalAws.CONFIG_TABLE, LocalAws.RECORDS_TABLE),
                kms.cipher());
    }

    @AfterAll
    static void stopKms() {
        kms.close();
    }

    @BeforeEach
    void forgetProviderCalls() {
        ProviderStubs.resetAll();
    }

    @Test
    void theTemplatesFunctions_areExactlyTheNineThisCheckBoots() {
        assertEquals(Set.of("ingest", "admin", "limechat", "delightchat", "bitespeed", "zoko", "wigzo", "figures", "receipts"),
                template.functions().stream().map(TemplateFunctions.Function::role).collect(Collectors.toSet()));
        assertEquals(9, template.functions().size());
    }

    @Test
    void receipts_startsWithOnlyItsTemplateEnvironment_andAnswersAUrlThatWasNeverIssuedAsNotFound() throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(Path.of("events", "receipts-zoko-read.json").toFile());

        JsonNode answer = invoke("receipts", event, Map.of());

        assertEquals(404, answer.get("statusCode").asInt(), "a secret that was never issued reads nothing: " + answer);
        assertEquals("{\"error\":\"not_found\"}", answer.get("body").asText());
    }

    @Test
    void figures_startsWithOnlyItsTemplateEnvironment_andProjectsTheSampleChangesOntoTheFigures() throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(Path.of("events", "figures-stream.json").toFile());
        String merchant = "boot-figures-" + System.nanoTime();
        for (JsonNode record : event.get("Records")) {
            for (String image : List.of("OldImage", "NewImage")) {
                if (record.get("dynamodb").has(image)) {
                    ((ObjectNode) record.get("dynamodb").get(image).get("merchantId")).put("S", merchant);
                }
            }
        }

        JsonNode answer = invoke("figures", event, Map.of());

        assertEquals(0, answer.get("batchItemFailures").size(), answer.toString());
        var figures = aws.dynamo.getItem(r -> r.tableName(LocalAws.RECORDS_TABLE).key(Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("FIG#" + merchant),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("2026-11-18")))).item();
        assertEquals("1", figures.get("zoko|walletreward_create|sent|sent").n(), "the delivery counts as sent: " + figures);
        var pending = figures.get("zoko|walletreward_create|pending|waiting");
        assertEquals("0", pending == null ? "0" : pending.n(), "and no longer as pending");
    }

    @Test
    void ingest_startsWithOnlyItsTemplateEnvironment_andQueuesTheSampleWebhooksJobs() throws IOException {
        String secret = DemoMerchantAccess.seed().get("webhookSecret").asText();
        ObjectNode event = Webhooks.forMerchant(Webhooks.load("ingest-walletreward_create.json"), merchantId);
        byte[] body = event.get("body").asText().getBytes(StandardCharsets.UTF_8);
        // The sample was signed when it was written; Nector signs at sending time.
        Webhooks.withHeader(event, "x-nector-timestamp", Long.toString(Instant.now().getEpochSecond()));
        Webhooks.withHeader(event, "x-nector-webhook-secret", Hashes.sha256Hex(secret));
        Webhooks.withHeader(event, "x-nector-webhook-hmac", NectorSignature.hexHmac(secret, body));

        JsonNode answer = invoke("ingest", event, Map.of());

        assertEquals(202, answer.get("statusCode").asInt(), answer.toString());
        JsonNode reply = JSON.readTree(answer.get("body").asText());
        assertEquals("accepted", reply.get("status").asText());
        assertEquals("verified", reply.get("bodySignature").asText(), "the webhook secret was opened through KMS");
        Map<String, String> queued = new TreeMap<>();
        reply.get("queued").forEach(q -> queued.put(q.get("provider").asText(), q.get("deliveryId").asText()));
        assertEquals(Set.of("zoko", "limechat", "delightchat", "wigzo"), queued.keySet());
        queued.forEach((provider, deliveryId) -> {
            List<String> onQueue = Queues.drain(Provider.fromKey(provider).orElseThrow()).stream()
                    .map(m -> json(m.body()).get("deliveryId").asText()).toList();
            assertEquals(List.of(deliveryId), onQueue, provider + " queue");
        });
        // In Lambda (the prod profile) each log line is JSON with the invocation's ids; metrics are EMF documents of their own.
        List<JsonNode> lines = jsonLines("ingest");
        JsonNode fannedOut = lines.stream().filter(line -> line.path("message").asText().startsWith("ingest: ") && line.path("message").asText()
                .contains(" queued")).findFirst().orElseThrow(() -> new AssertionError("no JSON line of the fan-out\n" + tail(BOOT_DIR.resolve("ingest.log"))));
        assertEquals("INFO", fannedOut.path("level").asText(), fannedOut.toString());
        assertTrue(fannedOut.path("mdc").path("awsRequestId").asText().matches("[0-9a-f-]{36}"), "the emulator's request id: " + fannedOut);
        assertEquals(merchantId, fannedOut.path("mdc").path("merchantId").asText(), fannedOut.toString());
        assertFalse(fannedOut.path("mdc").path("nectorDeliveryId").asText().isEmpty(), fannedOut.toString());
        List<JsonNode> metrics = lines.stream().filter(line -> line.has("_aws")).toList();
        // One document per provider: QueuedDeliveries' provider dimension has four values, and a document holds one.
        assertEquals(4, metrics.size(), "the invocation's EMF documents: " + metrics);
        metrics.forEach(document -> {
            assertEquals(List.of(), dev.loyaltyrelay.observability.EmfSpecification.violations(document), document.toString());
            assertEquals("ingest", document.path("function").asText());
        });
        assertEquals(4, metrics.stream().mapToLong(document -> document.path("QueuedDeliveries").asLong()).sum(), metrics.toString());
    }

    /** The lines of a function's output that are JSON objects (log lines in the prod format, EMF documents). */
    private static List<JsonNode> jsonLines(String handler) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log(handler).split("\n")) {
            if (line.startsWith("{")) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException notJson) {
                    throw new AssertionError("a line that starts as JSON does not parse: " + line, notJson);
                }
            }
        }
        return lines;
    }

    @Test
    void admin_startsWithOnlyItsTemplateEnvironment_andListsTheIntegrationsWithTheirCredentialsOpened() throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(Path.of("events", "admin-list-integrations.json").toFile());

        JsonNode answer = invoke("admin", event, Map.of());

        assertEquals(200, answer.get("statusCode").asInt(), answer.toString());
        JsonNode integrations = JSON.readTree(answer.get("body").asText()).get("integrations");
        Map<String, JsonNode> seeded = new HashMap<>();
        DemoMerchantAccess.seed().get("integrations").forEach(i -> seeded.put(i.get("integrationId").asText(), i.get("credentials")));
        assertEquals(seeded.size(), integrations.size());
        for (JsonNode integration : integrations) {
            JsonNode credentials = seeded.get(integration.get("integrationId").asText());
            Map<String, String> expected = new TreeMap<>();
            credentials.fields().forEachRemaining(f -> expected.put(f.getKey(), "****" + lastFour(f.getValue().asText())));
            Map<String, String> shown = new TreeMap<>();
            integration.get("credentials").fields().forEachRemaining(f -> shown.put(f.getKey(), f.getValue().asText()));
            assertEquals(expected, shown, integration.get("integrationId").asText() + ": credentials opened through KMS, shown masked");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.loyaltyrelay.support.BuiltIn#all")
    void eachDeliveryFunction_startsWithOnlyItsTemplateEnvironment_andDeliversItsSampleBatch(Provider provider) {
        // The sample's four records: accepted, accepted (its "duplicate" was never sent before here), a 500, a 400.
        var stub = ProviderStubs.of(provider);
        stub.stubFor(post(anyUrl()).atPriority(5).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"boot-check-accepted\"}")));
        for (String transientRecipient : List.of("9800000500", "transient-500@")) {
            stub.stubFor(post(anyUrl()).atPriority(1).withRequestBody(containing(transientRecipient)).willReturn(aResponse().withStatus(500)));
        }
        for (String refusedRecipient : List.of("9800000400", "permanent-400@")) {
            stub.stubFor(post(anyUrl()).atPriority(1).withRequestBody(containing(refusedRecipient))
                    .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("{\"message\":\"refused\"}")));
        }
        // Stamped 2026-11-18, the sample is past the 24 h budget: received now, as if just queued by ingest.
        ObjectNode batch = SqsEvents.forMerchant(SqsEvents.load(provider.key() + "-batch.json"), merchantId, Instant.now());
        String transientMessage = SqsEvents.messageId(batch, 2);
        List<String> receiptHandles = receivedFromItsQueue(provider, batch);

        JsonNode answer;
        try {
            answer = invoke(provider.key(), batch,
                    Map.of("QUARKUS_REST_CLIENT_" + provider.key().toUpperCase(Locale.ROOT) + "_URL", stub.baseUrl()));
        } finally {
            String queue = aws.queueUrls.get(provider);
            receiptHandles.forEach(handle -> aws.sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(handle)));
        }

        assertEquals(List.of(transientMessage), SqsEvents.failures(answer),
                "only the record the provider answered 500 is retried: " + answer);
        assertFalse(log(provider.key()).contains("could not set the retry delay"),
                provider + ": the retry's delay was set on the queue the template names\n" + tail(BOOT_DIR.resolve(provider.key() + ".log")));
        // Jobs run on virtual threads of their own: each job's lines carry its ids and the invocation's request id.
        List<JsonNode> outcomes = jsonLines(provider.key()).stream().filter(line -> line.path("message").asText().startsWith("delivery ")).toList();
        assertFalse(outcomes.isEmpty(), provider + ": no JSON delivery line\n" + tail(BOOT_DIR.resolve(provider.key() + ".log")));
        outcomes.forEach(line -> {
            assertTrue(line.path("message").asText().contains(line.path("mdc").path("deliveryId").asText("absent")), line.toString());
            assertEquals(merchantId, line.path("mdc").path("merchantId").asText(), line.toString());
            assertTrue(line.path("mdc").path("awsRequestId").asText().matches("[0-9a-f-]{36}"), line.toString());
        });
        List<String> credentialValues = new ArrayList<>();
        DemoMerchantAccess.seed().get("integrations").forEach(i -> {
            if (i.get("provider").asText().equals(provider.key())) {
                i.get("credentials").forEach(v -> credentialValues.add(v.asText()));
            }
        });
        List<LoggedRequest> calls = ProviderStubs.requests(provider);
        assertTrue(calls.size() >= 4, provider + " was called for each record: " + calls.size());
        assertTrue(calls.stream().allMatch(call -> credentialValues.stream().anyMatch(value -> carries(call, value))),
                provider + ": every call carries the credentials the function opened through KMS");
    }

    /**
     * Puts each record's job on the provider's queue and takes it off as Lambda's event source does, so the record
     * carries a receipt handle the function can set a retry delay with.
     */
    static List<String> receivedFromItsQueue(Provider provider, ObjectNode batch) {
        String queue = aws.queueUrls.get(provider);
        Map<String, ObjectNode> recordsByBody = new HashMap<>();
        for (JsonNode record : batch.get("Records")) {
            recordsByBody.put(record.get("body").asText(), (ObjectNode) record);
            aws.sqs.sendMessage(r -> r.queueUrl(queue).messageBody(record.get("body").asText()));
        }
        List<String> receiptHandles = new ArrayList<>();
        for (int attempt = 0; attempt < 20 && receiptHandles.size() < recordsByBody.size(); attempt++) {
            for (Message message : aws.sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                ObjectNode record = recordsByBody.get(message.body());
                if (record == null) {
                    fail(provider + " queue held a message this check did not put there");
                }
                record.put("receiptHandle", message.receiptHandle());
                receiptHandles.add(message.receiptHandle());
            }
        }
        assertEquals(recordsByBody.size(), receiptHandles.size(), provider + " queue gave back the sample's jobs");
        return receiptHandles;
    }

    // ---- booting one function ---------------------------------------------------------------------------------

    /** Starts the function of {@code handler} as Lambda does, gives it {@code event}, and returns its answer. */
    static JsonNode invoke(String handler, JsonNode event, Map<String, String> providerEndpoint) {
        TemplateFunctions.Function function = template.functions().stream().filter(f -> f.role().equals(handler))
                .findFirst().orElseThrow(() -> new AssertionError("template.yaml has no function for " + handler));
        String functionName = resolve("FunctionName", function.functionName());
        int memoryMb = Integer.parseInt(resolve("MemorySize", function.memorySize()));
        Path log = BOOT_DIR.resolve(handler + ".log");
        try (var runtimeApi = new RuntimeApiEmulator(event.toString(), Duration.ofSeconds(function.timeoutSeconds()),
                "arn:aws:lambda:" + LocalAws.REGION + ":" + ACCOUNT + ":function:" + functionName)) {
            var environment = new LinkedHashMap<String, String>();
            function.environment().forEach((name, value) -> environment.put(name, resolve(name, value)));
            environment.putAll(setByLambda(function, functionName, memoryMb, runtimeApi.address()));
            environment.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", aws.dynamoEndpoint.toString());
            environment.put("QUARKUS_SQS_ENDPOINT_OVERRIDE", aws.sqsEndpoint.toString());
            environment.put("QUARKUS_KMS_ENDPOINT_OVERRIDE", kms.url());
            environment.putAll(providerEndpoint);

            var process = new ProcessBuilder(command(function, memoryMb)).directory(taskRoot.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            process.environment().clear();
            process.environment().putAll(environment);
            long started = System.nanoTime();
            Process running = process.start();
            try {
                Outcome outcome = awaitOutcome(handler, runtimeApi, running, log);
                if (!(outcome instanceof Outcome.Response response)) {
                    throw new AssertionError(handler + " reported " + outcome + firstCause(log) + "\n" + tail(log));
                }
                long firstPoll = runtimeApi.firstPoll().join();
                System.out.printf("BOOT %-11s first poll %5d ms after start, first invocation %5d ms (%d MB, %s)%n", handler,
                        TimeUnit.NANOSECONDS.toMillis(firstPoll - started),
                        TimeUnit.NANOSECONDS.toMillis(runtimeApi.answered().join() - firstPoll), memoryMb, nativeZip ? "native" : "java21 flags");
                assertTrue(running.isAlive(), handler + " exited after answering\n" + tail(log));
                return JSON.readTree(response.body());
            } finally {
                running.destroy();
                if (!running.waitFor(10, TimeUnit.SECONDS)) {
                    running.destroyForcibly();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Outcome awaitOutcome(String handler, RuntimeApiEmulator runtimeApi, Process running, Path log) throws InterruptedException {
        try {
            CompletableFuture.anyOf(runtimeApi.outcome(), running.onExit()).get(NO_ANSWER_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(handler + ": " + e.getCause(), e);
        } catch (TimeoutException e) {
            fail(handler + " neither answered nor exited within " + NO_ANSWER_LIMIT + "\n" + tail(log));
        }
        if (!runtimeApi.outcome().isDone()) {
            // The runtime client reports an init failure and exits; give its report a moment to land.
            try {
                return runtimeApi.outcome().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                fail(handler + " exited (" + running.exitValue() + ") without answering" + firstCause(log) + "\n" + tail(log));
            }
        }
        return runtimeApi.outcome().join();
    }

    /** The java21 runtime's command line, or a native zip's bootstrap as provided.al2023 runs it. */
    static List<String> command(TemplateFunctions.Function function, int memoryMb) throws IOException {
        if (nativeZip) {
            return List.of(taskRoot.resolve("bootstrap").toString());
        }
        List<String> classPath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(RUNTIME_LIB)) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classPath.add(p.toAbsolutePath().toString()));
        }
        if (classPath.size() != 3) {
            fail("expected the runtime interface client, aws-lambda-java-core and -serialization in " + RUNTIME_LIB + ": " + classPath);
        }
        classPath.add(taskRoot.toString());
        classPath.add(taskRoot.resolve("lib") + "/*");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxHeapSize=" + (memoryMb * 85 / 100) + "m",
                "-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData",
                "-Dfile.encoding=UTF-8", "--add-opens=java.base/java.io=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            // Java 21 (Lambda's) lets jboss-threads reset thread locals; the newer JDK this build runs on needs it opened.
            command.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of("-classpath", String.join(":", classPath), MAIN_CLASS, resolve("Handler", function.runtimeHandler())));
        return command;
    }

    /** What Lambda sets in every execution environment, whatever the template says. */
    static Map<String, String> setByLambda(TemplateFunctions.Function function, String functionName, int memoryMb, String runtimeApi) {
        var variables = new LinkedHashMap<String, String>();
        variables.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        variables.put("_HANDLER", resolve("Handler", function.runtimeHandler()));
        if (!nativeZip) {
            variables.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        }
        variables.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        variables.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        variables.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        variables.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        variables.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        variables.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/01/[$LATEST]00000000000000000000000000000000");
        variables.put("AWS_REGION", LocalAws.REGION);
        variables.put("AWS_DEFAULT_REGION", LocalAws.REGION);
        variables.put("AWS_ACCESS_KEY_ID", aws.accessKeyId);
        variables.put("AWS_SECRET_ACCESS_KEY", "test");
        variables.put("AWS_SESSION_TOKEN", "test");
        variables.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        variables.put("LAMBDA_RUNTIME_DIR", RUNTIME_LIB.toAbsolutePath().toString());
        variables.put("LANG", "en_US.UTF-8");
        variables.put("TZ", ":UTC");
        variables.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        return variables;
    }

    // ---- resolving the template's values ----------------------------------------------------------------------

    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}]+)}");

    /** A template value as CloudFormation would give it here; one this check cannot resolve fails it, by name. */
    static String resolve(String name, Object value) {
        if (!(value instanceof Intrinsic intrinsic)) {
            return String.valueOf(value);
        }
        String resolved = switch (intrinsic.function()) {
            case "Ref" -> reference((String) intrinsic.argument());
            case "GetAtt" -> "SecretsKey.Arn".equals(intrinsic.argument()) ? BootKmsStub.KEY_ARN : null;
            case "Sub" -> intrinsic.argument() instanceof List<?> sub
                    ? substitute(name, (String) sub.get(0), (Map<?, ?>) sub.get(1))
                    : substitute(name, (String) intrinsic.argument(), Map.of());
            case "If" -> {
                List<?> arguments = (List<?>) intrinsic.argument();
                yield resolve(name, condition((String) arguments.get(0)) ? arguments.get(1) : arguments.get(2));
            }
            default -> null;
        };
        if (resolved == null) {
            fail(name + ": template.yaml gives it " + intrinsic + ", which FunctionZipBootIT cannot resolve yet");
        }
        return resolved;
    }

    private static String reference(String logicalId) {
        if (template.isParameter(logicalId)) {
            return switch (logicalId) {
                case "Stage" -> STAGE;
                case "Native" -> Boolean.toString(nativeZip);
                case "OperatorKeySha256" -> Hashes.sha256Hex(OPERATOR_KEY);
                default -> String.valueOf(template.parameterDefault(logicalId));
            };
        }
        String type = template.resourceType(logicalId);
        if ("AWS::DynamoDB::Table".equals(type)) {
            return Map.of("ConfigTable", LocalAws.CONFIG_TABLE, "RecordsTable", LocalAws.RECORDS_TABLE).get(logicalId);
        }
        if ("AWS::SQS::Queue".equals(type)) {
            return queueUrls().get(logicalId);
        }
        if ("AWS::Serverless::HttpApi".equals(type)) {
            // The API's id, as in the samples' request context: it makes the public URL receipt URLs are issued under.
            return "relayapi";
        }
        return null;
    }

    /** The embedded queues' URLs by the template's logical ids; each dead-letter queue is the one its queue's redrive policy names. */
    private static Map<String, String> queueUrls() {
        var urls = new HashMap<String, String>();
        for (Provider provider : BuiltIn.ALL) {
            String queue = TemplateResources.queueLogicalId(BuiltIn.profile(provider));
            urls.put(queue, aws.queueUrls.get(provider));
            Object target = ((Map<?, ?>) template.resourceProperties(queue).get("RedrivePolicy")).get("deadLetterTargetArn");
            if (target instanceof Intrinsic(String function, Object argument) && function.equals("GetAtt")) {
                urls.put(argument.toString().replace(".Arn", ""), aws.deadLetterQueueUrls.get(provider));
            }
        }
        return urls;
    }

    /** {@code !Sub text}, or {@code !Sub [text, variables]} (a loop's {@code {Key: !FindInMap ...}}, looked up by the expander). */
    private static String substitute(String name, String text, Map<?, ?> variables) {
        Matcher m = SUBSTITUTION.matcher(text);
        var out = new StringBuilder();
        while (m.find()) {
            String value = variables.containsKey(m.group(1)) ? resolve(name, variables.get(m.group(1))) : switch (m.group(1)) {
                case "AWS::Region" -> LocalAws.REGION;
                case "AWS::AccountId" -> ACCOUNT;
                case "AWS::Partition" -> "aws";
                case "AWS::URLSuffix" -> "amazonaws.com";
                default -> reference(m.group(1));
            };
            if (value == null) {
                fail("template.yaml substitutes ${" + m.group(1) + "}, which FunctionZipBootIT cannot resolve yet");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private static boolean condition(String name) {
        return switch (name) {
            case "IsNative" -> nativeZip;
            case "IsProd" -> STAGE.equals("prod");
            default -> throw new AssertionError("template.yaml has a condition " + name + " FunctionZipBootIT does not know");
        };
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean carries(LoggedRequest call, String value) {
        return call.getAbsoluteUrl().contains(value) || call.getHeaders().all().stream().anyMatch(h -> h.values().contains(value));
    }

    private static String lastFour(String value) {
        return value.substring(value.length() - 4);
    }

    /** Unpacks the zip as Lambda does into its task root (a fresh folder each run). */
    static Path unzip(Path zip, Path into) throws IOException {
        if (!Files.exists(zip)) {
            fail(zip + " does not exist: this check runs after ./mvnw package");
        }
        if (Files.exists(into)) {
            try (Stream<Path> old = Files.walk(into)) {
                old.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(into);
        try (var archive = new ZipFile(zip.toFile())) {
            var entries = archive.entries();
            while (entries.hasMoreElements()) {
                var entry = entries.nextElement();
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    fail("zip entry outside the task root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = archive.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path bootstrap = into.resolve("bootstrap");
        if (Files.exists(bootstrap)) {
            bootstrap.toFile().setExecutable(true);
            into.resolve("runner").toFile().setExecutable(true);
        }
        return into.toAbsolutePath();
    }

    private static String log(String handler) {
        try {
            return Files.readString(BOOT_DIR.resolve(handler + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first exception the function logged, to lead the failure message (an init failure's cause is deep in the trace). */
    private static String firstCause(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(String::strip).filter(line -> line.matches("^(Caused by: )?[a-z][\\w.]*\\.\\w*(Exception|Error): .*"))
                    .reduce((first, later) -> later).map(cause -> "; cause: " + cause).orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "--- last lines of " + log + " ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
