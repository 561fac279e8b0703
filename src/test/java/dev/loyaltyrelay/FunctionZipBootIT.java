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
import dev.loyaltyrelay.support.FunctionZipBoot;
import dev.loyaltyrelay.support.LocalAws;
import dev.loyaltyrelay.support.ProviderStubs;
import dev.loyaltyrelay.support.Queues;
import dev.loyaltyrelay.support.RuntimeApiEmulator;
import dev.loyaltyrelay.support.SqsEvents;
import dev.loyaltyrelay.support.TemplateFunctions;
import dev.loyaltyrelay.support.Webhooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
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
 * the function waits as a frozen environment would) and KMS ({@link dev.loyaltyrelay.support.BootKmsStub}: its JSON protocol from WireMock). The
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

    static FunctionZipBoot boot;
    static LocalAws aws;
    static TemplateFunctions template;
    static String merchantId;

    @BeforeAll
    static void unpackTheZip_startTheEngines_andSealTheDemoMerchant() throws IOException {
        boot = new FunctionZipBoot(FUNCTION_ZIP, BOOT_DIR, RUNTIME_LIB);
        aws = boot.aws;
        template = boot.template;
        merchantId = boot.merchantId;
    }

    @AfterAll
    static void stopKms() {
        boot.close();
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

    // ---- booting one function (support/FunctionZipBoot, shared with the benchmark's start-up figures) -------------

    /** Starts the function of {@code handler} as Lambda does, gives it {@code event}, and returns its answer. */
    static JsonNode invoke(String handler, JsonNode event, Map<String, String> providerEndpoint) {
        return boot.invoke(handler, event, providerEndpoint);
    }

    private static String log(String handler) {
        return boot.log(handler);
    }

    private static String tail(Path log) {
        return FunctionZipBoot.tail(log);
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

}
