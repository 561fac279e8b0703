package dev.loyaltyrelay.support;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.local.DemoMerchantAccess;
import dev.loyaltyrelay.local.TemplateResources;
import dev.loyaltyrelay.store.StoreAccess;
import dev.loyaltyrelay.support.RuntimeApiEmulator.Outcome;
import dev.loyaltyrelay.support.TemplateFunctions.Intrinsic;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * {@code function.zip} started as Lambda's {@code java21} runtime starts it (FunctionZipBootIT's checks and the
 * benchmark's start-up figures both launch through this): the zip unpacked as the task root; a JVM of its own per
 * launch (a child process) with the runtime's flags ({@code -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto},
 * a heap of 85 % of the memory size) and the memory size as the JVM's idea of physical memory ({@code -XX:MaxRAM});
 * the runtime's own jars first on the class path (the AWS Lambda Runtime Interface Client with
 * {@code aws-lambda-java-core} and {@code aws-lambda-java-serialization}), then the task root and its {@code lib/*};
 * the handler as the argument; {@link RuntimeApiEmulator} as the Runtime API. For a function of {@code template.yaml},
 * the environment is exactly what the template gives it, resolved against the embedded
 * engines ({@link LocalAws}), a KMS stub ({@link BootKmsStub}) and the demo merchant sealed through it, plus what
 * Lambda itself sets. {@link #javaCommand} and {@link #run} alone launch any zip (the benchmark's hello handler).
 */
public final class FunctionZipBoot implements AutoCloseable {

    public static final String STAGE = "boot";
    public static final String ACCOUNT = "000000000000";
    /** The bearer key of {@code events/admin-list-integrations.json}: the local run's operator key. */
    public static final String OPERATOR_KEY = "local-operator-key";
    /** Hang guard only: a function that neither answers nor exits within this is a failure, whatever the machine's load. */
    public static final Duration NO_ANSWER_LIMIT = Duration.ofMinutes(3);
    public static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    static final ObjectMapper JSON = new ObjectMapper();

    /** One launch: how it ended, and its start-up figures (never asserted). */
    public record Launch(String handler, Outcome outcome, long bootToFirstPollNanos, long firstInvocationNanos, long rssKb, Path log) {
    }

    public final LocalAws aws;
    public final BootKmsStub kms;
    public final TemplateFunctions template;
    public final Path taskRoot;
    public final boolean nativeZip;
    public final String merchantId;
    private final Path dir;
    private final Path runtimeLib;

    /** Unpacks {@code zip} under {@code dir}, starts the engines and the KMS stub, and seals the demo merchant through it. */
    public FunctionZipBoot(Path zip, Path dir, Path runtimeLib) throws IOException {
        this(zip, dir, runtimeLib, null);
    }

    /** ... with the demo merchant's configuration under {@code merchantId} (null: the demo merchant's own id). */
    public FunctionZipBoot(Path zip, Path dir, Path runtimeLib, String merchantId) throws IOException {
        this.dir = dir;
        this.runtimeLib = runtimeLib;
        this.taskRoot = unzip(zip, dir.resolve("task"));
        this.nativeZip = Files.exists(taskRoot.resolve("bootstrap"));
        this.aws = LocalAws.get();
        this.kms = new BootKmsStub();
        this.template = TemplateFunctions.read(Path.of("template.yaml"));
        var store = StoreAccess.configurationStore(aws.dynamo, LocalAws.CONFIG_TABLE, LocalAws.RECORDS_TABLE);
        this.merchantId = merchantId == null ? DemoMerchantAccess.seedInto(store, kms.cipher()) : DemoMerchantAccess.seedInto(store, kms.cipher(), merchantId);
    }

    @Override
    public void close() {
        kms.close();
    }

    public Path dir() {
        return dir;
    }

    // ---- booting one function ---------------------------------------------------------------------------------

    /** Starts the function of {@code handler} as Lambda does, gives it {@code event}, and returns its answer. */
    public JsonNode invoke(String handler, JsonNode event, Map<String, String> extraEnvironment) {
        Launch launch = launch(handler, event, extraEnvironment);
        if (!(launch.outcome() instanceof Outcome.Response response)) {
            throw new AssertionError(handler + " reported " + launch.outcome() + firstCause(launch.log()) + "\n" + tail(launch.log()));
        }
        System.out.printf("BOOT %-11s first poll %5d ms after start, first invocation %5d ms, RSS %d MB (%s)%n", handler,
                TimeUnit.NANOSECONDS.toMillis(launch.bootToFirstPollNanos()), TimeUnit.NANOSECONDS.toMillis(launch.firstInvocationNanos()),
                launch.rssKb() / 1024, nativeZip ? "native" : "java21 flags");
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the function of {@code handler} as Lambda does, gives it {@code event}, and returns how it went. */
    public Launch launch(String handler, JsonNode event, Map<String, String> extraEnvironment) {
        TemplateFunctions.Function function = template.functions().stream().filter(f -> f.role().equals(handler))
                .findFirst().orElseThrow(() -> new AssertionError("template.yaml has no function for " + handler));
        String functionName = resolve("FunctionName", function.functionName());
        int memoryMb = Integer.parseInt(resolve("MemorySize", function.memorySize()));
        String runtimeHandler = resolve("Handler", function.runtimeHandler());
        try (var runtimeApi = new RuntimeApiEmulator(event.toString(), Duration.ofSeconds(function.timeoutSeconds()),
                "arn:aws:lambda:" + LocalAws.REGION + ":" + ACCOUNT + ":function:" + functionName)) {
            var environment = new LinkedHashMap<String, String>();
            function.environment().forEach((name, value) -> environment.put(name, resolve(name, value)));
            environment.putAll(setByLambda(runtimeHandler, functionName, memoryMb, runtimeApi.address(), taskRoot, runtimeLib, nativeZip));
            environment.put("AWS_ACCESS_KEY_ID", aws.accessKeyId);
            environment.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", aws.dynamoEndpoint.toString());
            environment.put("QUARKUS_SQS_ENDPOINT_OVERRIDE", aws.sqsEndpoint.toString());
            environment.put("QUARKUS_KMS_ENDPOINT_OVERRIDE", kms.url());
            environment.putAll(extraEnvironment);
            List<String> command = nativeZip ? List.of(taskRoot.resolve("bootstrap").toString())
                    : javaCommand(runtimeLib, taskRoot, runtimeHandler, memoryMb);
            return run(handler, command, taskRoot, environment, runtimeApi, dir.resolve(handler + ".log"));
        }
    }

    /**
     * Runs {@code command} in {@code workDir} with exactly {@code environment} against {@code runtimeApi} until the
     * function answers (or reports an init error, or exits), reads its resident set size ({@code VmRSS} of
     * {@code /proc/<pid>/status}) while it waits for the next event, and stops it.
     */
    public static Launch run(String handler, List<String> command, Path workDir, Map<String, String> environment,
            RuntimeApiEmulator runtimeApi, Path log) {
        try {
            Files.createDirectories(log.getParent());
            var process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            process.environment().clear();
            process.environment().putAll(environment);
            long started = System.nanoTime();
            Process running = process.start();
            try {
                Outcome outcome = awaitOutcome(handler, runtimeApi, running, log);
                long rssKb = outcome instanceof Outcome.Response ? residentKb(running) : -1;
                long firstPoll = runtimeApi.firstPoll().getNow(started);
                if (outcome instanceof Outcome.Response && !running.isAlive()) {
                    throw new AssertionError(handler + " exited after answering\n" + tail(log));
                }
                return new Launch(handler, outcome, firstPoll - started, runtimeApi.answered().join() - firstPoll, rssKb, log);
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

    /** {@code VmRSS} of a live process, in KB; -1 where {@code /proc} has no such line. */
    static long residentKb(Process process) throws IOException {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
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

    /** The java21 runtime's command line for a task root and a handler. */
    public static List<String> javaCommand(Path runtimeLib, Path taskRoot, String handler, int memoryMb) {
        List<String> classPath = new ArrayList<>();
        try (Stream<Path> jars = Files.list(runtimeLib)) {
            jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> classPath.add(p.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("the runtime interface client's jars: " + runtimeLib, e);
        }
        if (classPath.size() != 3) {
            fail("expected the runtime interface client, aws-lambda-java-core and -serialization in " + runtimeLib + ": " + classPath);
        }
        classPath.add(taskRoot.toString());
        classPath.add(taskRoot.resolve("lib") + "/*");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:MaxHeapSize=" + (memoryMb * 85 / 100) + "m",
                // A Lambda execution environment is a microVM whose memory is about the function's: the JVM's ergonomics
                // (the initial heap is 1/64 of it) see that, not this machine's 24 GiB (an initial heap of 384 MB, whose
                // untouched eden the first invocation fills page by page: a resident set Lambda would not have).
                "-XX:MaxRAM=" + memoryMb + "m",
                "-XX:+UseSerialGC", "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:-UsePerfData",
                "-Dfile.encoding=UTF-8", "--add-opens=java.base/java.io=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            // Java 21 (Lambda's) lets jboss-threads reset thread locals; the newer JDK this build runs on needs it opened.
            command.addAll(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"));
        }
        command.addAll(List.of("-classpath", String.join(":", classPath), MAIN_CLASS, handler));
        return command;
    }

    /** What Lambda sets in every execution environment, whatever the template says (credentials: test values). */
    public static Map<String, String> setByLambda(String handler, String functionName, int memoryMb, String runtimeApi, Path taskRoot,
            Path runtimeLib, boolean nativeZip) {
        var variables = new LinkedHashMap<String, String>();
        variables.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        variables.put("_HANDLER", handler);
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
        variables.put("AWS_ACCESS_KEY_ID", "test");
        variables.put("AWS_SECRET_ACCESS_KEY", "test");
        variables.put("AWS_SESSION_TOKEN", "test");
        variables.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        variables.put("LAMBDA_RUNTIME_DIR", runtimeLib.toAbsolutePath().toString());
        variables.put("LANG", "en_US.UTF-8");
        variables.put("TZ", ":UTC");
        variables.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        return variables;
    }

    // ---- resolving the template's values ----------------------------------------------------------------------

    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([^}]+)}");

    /** A template value as CloudFormation would give it here; one this check cannot resolve fails it, by name. */
    public String resolve(String name, Object value) {
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
            fail(name + ": template.yaml gives it " + intrinsic + ", which FunctionZipBoot cannot resolve yet");
        }
        return resolved;
    }

    private String reference(String logicalId) {
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
    private Map<String, String> queueUrls() {
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
    private String substitute(String name, String text, Map<?, ?> variables) {
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
                fail("template.yaml substitutes ${" + m.group(1) + "}, which FunctionZipBoot cannot resolve yet");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private boolean condition(String name) {
        return switch (name) {
            case "IsNative" -> nativeZip;
            case "IsProd" -> STAGE.equals("prod");
            default -> throw new AssertionError("template.yaml has a condition " + name + " FunctionZipBoot does not know");
        };
    }


    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Unpacks the zip as Lambda does into its task root (a fresh folder each run). */
    public static Path unzip(Path zip, Path into) throws IOException {
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

    public String log(String handler) {
        try {
            return Files.readString(dir.resolve(handler + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first exception the function logged, to lead the failure message (an init failure's cause is deep in the trace). */
    public static String firstCause(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(String::strip).filter(line -> line.matches("^(Caused by: )?[a-z][\\w.]*\\.\\w*(Exception|Error): .*"))
                    .reduce((first, later) -> later).map(cause -> "; cause: " + cause).orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "--- last lines of " + log + " ---\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
