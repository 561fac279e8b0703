package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.domain.Hashes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.NectorSignature;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryQueue;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.QueueRefused;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SealedSecret;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.WebhookSecret;
import dev.loyaltyrelay.secrets.LocalKeyCipherAccess;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.CapturedLogs;
import dev.loyaltyrelay.support.IngestParts;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every answer the webhook endpoint gives, byte for byte, and what each asks of the ports on the way (metrics, ledger,
 * held events, queue), compared with {@code IngestAnswersTest.golden.txt} beside this class's resources. The golden text
 * was written by the code as it stood before ingestion returned a typed outcome, so a change of any status, header,
 * body, metric or ledger call shows here as a difference. On a difference the answers given are written to
 * {@code target/IngestAnswersTest.actual.txt}.
 *
 * <p>The world is in memory: a fixed clock, one merchant with a Zoko (mobile) and a Wigzo (email) integration mapping
 * {@code walletreward_create}, and ports that do what each scenario scripts.
 */
class IngestAnswersTest {

    private static final String MERCHANT = "m-answers";
    private static final String SECRET = "whsec-answers-0123456789";
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecretCipher CIPHER = LocalKeyCipherAccess.testCipher();
    private static final String TOPIC = "walletreward_create";
    /** A mobile and no email: Zoko gets a job, Wigzo's mapping is skipped. */
    private static final String BODY = "{\"user_name\":\"Riya\",\"user_mobile\":\"98765 43210\",\"amount\":100}";
    private static final Path GOLDEN = Path.of("src/test/resources/dev/loyaltyrelay/ingest/IngestAnswersTest.golden.txt");

    private final StringBuilder answers = new StringBuilder();

    @Test
    void everyAnswerOfTheWebhookEndpoint_andEveryPortCallOnTheWay_staysAsItWas() throws IOException {
        webhooks();
        replays();
        String expected = Files.exists(GOLDEN) ? Files.readString(GOLDEN, StandardCharsets.UTF_8) : "";
        if (!expected.equals(answers.toString())) {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target/IngestAnswersTest.actual.txt"), answers.toString(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, answers.toString(), "see target/IngestAnswersTest.actual.txt");
    }

    private void webhooks() {
        // The edge's own refusals.
        webhook("method not allowed", w -> { }, e -> e.getRequestContext().getHttp().setMethod("GET"));
        webhook("body too large", w -> { }, e -> {
            e.setIsBase64Encoded(false);
            e.setBody("x".repeat(262_145));
        });
        webhook("body too large once decoded", w -> { }, e -> e.setBody(Base64.getEncoder().encodeToString(new byte[262_145])));
        webhook("base64 body too large", w -> { }, e -> {
            e.setIsBase64Encoded(true);
            e.setBody("A".repeat(349_530));
        });
        webhook("body not base64", w -> { }, e -> {
            e.setIsBase64Encoded(true);
            e.setBody("not base64!");
        });
        webhook("unexpected failure", w -> w.loadFailure = new IllegalStateException("boom"), e -> { });

        // Authentication.
        webhook("merchant id of the wrong form", w -> { }, e -> e.setPathParameters(Map.of("merchantId", "m/../x")));
        webhook("merchant id from the raw path", w -> { }, e -> e.setPathParameters(null));
        webhook("unknown merchant", w -> { }, e -> e.setPathParameters(Map.of("merchantId", "m-nobody")));
        webhook("merchant without a secret", w -> w.secrets = List.of(), e -> { });
        webhook("unsupported secret hash algorithm", w -> { }, e -> e.getHeaders().put("x-nector-webhook-secret-algo", "md5"));
        webhook("secret hash missing", w -> { }, e -> e.getHeaders().remove("x-nector-webhook-secret"));
        webhook("secret hash wrong", w -> { }, e -> e.getHeaders().put("x-nector-webhook-secret", Hashes.sha256Hex("other")));
        webhook("secret unreadable", w -> w.secrets = List.of(unreadableSecret()), e -> { });
        webhook("timestamp missing", w -> { }, e -> e.getHeaders().remove("x-nector-timestamp"));
        webhook("timestamp stale", w -> { }, e -> e.getHeaders().put("x-nector-timestamp", Long.toString(NOW.getEpochSecond() - 30_000)));
        webhook("body hmac wrong, enforced", w -> { }, e -> e.getHeaders().put("x-nector-webhook-hmac", "00"));
        webhook("body hmac wrong, recorded", w -> w.policy = SignaturePolicy.RECORD, e -> e.getHeaders().put("x-nector-webhook-hmac", "00"));
        webhook("unsupported hmac algorithm, recorded", w -> w.policy = SignaturePolicy.RECORD,
                e -> e.getHeaders().put("x-nector-webhook-hmac-algo", "sha1"));
        webhook("ambiguous header", w -> { }, e -> e.getHeaders().put("x-nector-timestamp", NOW.getEpochSecond() + "," + (NOW.getEpochSecond() + 1)));
        webhook("key service unavailable", w -> w.keyServiceDown = true, e -> { });
        webhook("store unavailable loading the merchant", w -> w.loadFailure = new StoreUnavailable("load", new RuntimeException()), e -> { });

        // The body and the event headers.
        webhook("body not utf-8", w -> { }, e -> sign(e, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}));
        webhook("body not json", w -> { }, e -> sign(e, "{\"a\":".getBytes(StandardCharsets.UTF_8)));
        webhook("duplicate key", w -> { }, e -> sign(e, "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8)));
        webhook("body too deep", w -> { }, e -> sign(e, ("{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}").getBytes(StandardCharsets.UTF_8)));
        webhook("number beyond BigDecimal", w -> { }, e -> sign(e, "{\"a\":1E2147483648}".getBytes(StandardCharsets.UTF_8)));
        webhook("number too long written out", w -> { }, e -> sign(e, "{\"a\":1E1001}".getBytes(StandardCharsets.UTF_8)));
        webhook("body an array", w -> { }, e -> sign(e, "[]".getBytes(StandardCharsets.UTF_8)));
        webhook("topic missing", w -> { }, e -> e.getHeaders().remove("x-nector-topic"));
        webhook("delivery id missing", w -> { }, e -> e.getHeaders().remove("X-Nector-Delivery-Id"));
        webhook("delivery id too long", w -> { }, e -> e.getHeaders().put("X-Nector-Delivery-Id", "d".repeat(129)));
        webhook("delivery id repeated alike", w -> { }, e -> e.getHeaders().put("x-nector-delivery-id", "d-1"));

        // Routing and holding.
        webhook("unknown topic", w -> { }, e -> e.getHeaders().put("x-nector-topic", "nothing_create"));
        webhook("topic of the wrong form", w -> { }, e -> e.getHeaders().put("x-nector-topic", "Wallet-Reward"));
        webhook("topic not mapped", w -> { }, e -> e.getHeaders().put("x-nector-topic", "lead_create"));
        webhook("schema violation", w -> { }, e -> sign(e, "{\"user_name\":5,\"user_email\":[],\"user_mobile\":\"98765 43210\"}"
                .getBytes(StandardCharsets.UTF_8)));

        // The delivery id's claim and the body's repeats.
        webhook("in progress", w -> w.claim = new IngestLedger.InProgress(NOW.plusSeconds(42)), e -> { });
        webhook("in progress, lease just over", w -> w.claim = new IngestLedger.InProgress(NOW.minusSeconds(1)), e -> { });
        webhook("already completed", w -> w.claim = new IngestLedger.AlreadyCompleted(NOW.minusSeconds(60)), e -> { });
        webhook("delivery id reused", w -> w.claim = new IngestLedger.BodyMismatch(), e -> { });
        webhook("store unavailable claiming", w -> w.claimFailure = new StoreUnavailable("claim", new RuntimeException()), e -> { });
        webhook("repeat dropped, first completed", w -> {
            w.fingerprint = new IngestLedger.RepeatOf("d-first");
            w.adopt = new IngestLedger.AlreadyCompleted(NOW.minusSeconds(5));
        }, e -> { });
        webhook("repeat dropped, first in progress", w -> {
            w.fingerprint = new IngestLedger.RepeatOf("d-first");
            w.adopt = new IngestLedger.InProgress(NOW.plusSeconds(30));
        }, e -> { });
        webhook("repeat dropped, first taken over", w -> {
            w.fingerprint = new IngestLedger.RepeatOf("d-first");
            w.adopt = new IngestLedger.Claim(MERCHANT, "d-first", "t-first", NOW.plusSeconds(60), true);
        }, e -> { });
        webhook("repeat dropped, first another body", w -> w.fingerprint = new IngestLedger.RepeatOf("d-first"), e -> { });
        webhook("repeat delivered", w -> {
            w.repeatPolicy = RepeatPolicy.COUNT;
            w.fingerprint = new IngestLedger.RepeatOf("d-first");
        }, e -> { });
        webhook("store unavailable recording the fingerprint", w -> w.fingerprintFailure = new StoreUnavailable("fingerprint", new RuntimeException()),
                e -> { });
        webhook("release fails after a queue outage", w -> {
            w.queueFailure = new QueueUnavailable("down", null);
            w.releaseFailure = new StoreUnavailable("release", new RuntimeException());
        }, e -> { });

        // The fan-out.
        webhook("accepted", w -> { }, e -> { });
        webhook("accepted from base64", w -> { }, e -> {
            e.setIsBase64Encoded(true);
            e.setBody(Base64.getEncoder().encodeToString(BODY.getBytes(StandardCharsets.UTF_8)));
        });
        webhook("accepted after a lapsed claim", w -> w.claim = new IngestLedger.Claim(MERCHANT, "d-1", "t-1", NOW.plusSeconds(60), true), e -> { });
        webhook("every mapping skipped", w -> { }, e -> sign(e, "{\"user_name\":\"Riya\"}".getBytes(StandardCharsets.UTF_8)));
        webhook("customer not recorded", w -> w.customerFailure = new StoreUnavailable("upsert", new RuntimeException()), e -> { });
        webhook("queue refused", w -> w.queueFailure = new QueueRefused("job_too_large"), e -> { });
        webhook("queue unavailable", w -> w.queueFailure = new QueueUnavailable("down", null), e -> { });
        webhook("store unavailable completing", w -> w.completeFailure = new StoreUnavailable("complete", new RuntimeException()), e -> { });
        webhook("store unavailable holding a refused event", w -> {
            w.queueFailure = new QueueRefused("job_too_large");
            w.holdFailure = new StoreUnavailable("hold", new RuntimeException());
        }, e -> { });
    }

    private void replays() {
        replay("replayed and queued", w -> { }, BODY);
        replay("replayed, still invalid", w -> { }, "{\"user_name\":5}");
        replay("replayed, no longer mapped", w -> w.mapped = false, BODY);
        replay("replayed, already queued", w -> w.claim = new IngestLedger.AlreadyCompleted(NOW.minusSeconds(60)), BODY);
        replay("replayed, in progress", w -> w.claim = new IngestLedger.InProgress(NOW.plusSeconds(42)), BODY);
        replay("replayed, merchant gone", w -> w.merchantGone = true, BODY);
        replay("replayed, queue unavailable", w -> w.queueFailure = new QueueUnavailable("down", null), BODY);
        replay("replayed, queue refused", w -> w.queueFailure = new QueueRefused("job_too_large"), BODY);
        replay("replayed, store unavailable", w -> w.loadFailure = new StoreUnavailable("load", new RuntimeException()), BODY);
        replay("replayed, key service unavailable", w -> w.keyServiceDown = true, BODY);
        replay("replayed, release fails", w -> w.heldReleaseFailure = new StoreUnavailable("release", new RuntimeException()), BODY);
    }

    private void webhook(String name, Consumer<World> script, Consumer<APIGatewayV2HTTPEvent> change) {
        var world = new World();
        script.accept(world);
        APIGatewayV2HTTPEvent event = event();
        change.accept(event);
        IngestHandler handler = world.handler();
        APIGatewayV2HTTPResponse response = world.logged(() -> handler.handleRequest(event, null));
        record("webhook " + name, response.getStatusCode(), new TreeMap<>(response.getHeaders()).toString(), response.getBody(), world);
    }

    private void replay(String name, Consumer<World> script, String body) {
        var world = new World();
        script.accept(world);
        var headers = Map.of("x-nector-topic", TOPIC, "x-nector-delivery-id", "d-held", "x-nector-timestamp", "1700000000");
        var held = new HeldEvent(MERCHANT, "d-held", TOPIC, "schema_violation", "user_name: string expected", headers, body, NOW.minusSeconds(86_400));
        WebhookIngestion ingestion = world.ingestion();
        Answer answer = world.logged(() -> ReplayAnswers.of(ingestion, held));
        record("replay " + name, answer.status(), "-", answer.body(), world);
    }

    /** An answer as the edge writes it. */
    record Answer(int status, String body) {
    }

    private void record(String name, int status, String headers, String body, World world) {
        answers.append("## ").append(name).append('\n')
                .append("status ").append(status).append('\n')
                .append("headers ").append(headers).append('\n')
                .append("body ").append(body).append('\n');
        world.trace.forEach(line -> answers.append("  ").append(line).append('\n'));
        answers.append('\n');
    }

    private static APIGatewayV2HTTPEvent event() {
        var event = new APIGatewayV2HTTPEvent();
        event.setRawPath(IngestHandler.PATH_PREFIX + MERCHANT);
        event.setPathParameters(Map.of("merchantId", MERCHANT));
        var http = new APIGatewayV2HTTPEvent.RequestContext.Http();
        http.setMethod("POST");
        var context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        event.setRequestContext(context);
        var headers = new HashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("x-nector-topic", TOPIC);
        headers.put("X-Nector-Delivery-Id", "d-1");
        headers.put("x-nector-timestamp", Long.toString(NOW.getEpochSecond() - 60));
        headers.put("x-source", "nector");
        event.setHeaders(headers);
        sign(event, BODY.getBytes(StandardCharsets.UTF_8));
        return event;
    }

    private static void sign(APIGatewayV2HTTPEvent event, byte[] body) {
        event.getHeaders().put("x-nector-webhook-secret", Hashes.sha256Hex(SECRET));
        event.getHeaders().put("x-nector-webhook-hmac", NectorSignature.hexHmac(SECRET, body));
        event.setIsBase64Encoded(true);
        event.setBody(Base64.getEncoder().encodeToString(body));
    }

    private static WebhookSecret readableSecret() {
        SealedSecret sealed = CIPHER.seal(SECRET.getBytes(StandardCharsets.UTF_8), EncryptionContext.forWebhookSecret(MERCHANT, "s1"));
        return new WebhookSecret("s1", Hashes.sha256Hex(SECRET), sealed, NOW.minus(Duration.ofDays(30)), null);
    }

    /** Sealed for another merchant: it does not open under this one's context. */
    private static WebhookSecret unreadableSecret() {
        SealedSecret sealed = CIPHER.seal(SECRET.getBytes(StandardCharsets.UTF_8), EncryptionContext.forWebhookSecret("m-other", "s1"));
        return new WebhookSecret("s1", Hashes.sha256Hex(SECRET), sealed, NOW.minus(Duration.ofDays(30)), null);
    }

    /** What each port does in one scenario, and the trace of what it was asked. */
    static final class World {
        final List<String> trace = new ArrayList<>();
        SignaturePolicy policy = SignaturePolicy.ENFORCE;
        RepeatPolicy repeatPolicy = RepeatPolicy.DROP;
        List<WebhookSecret> secrets = List.of(readableSecret());
        boolean mapped = true;
        boolean merchantGone;
        boolean keyServiceDown;
        RuntimeException loadFailure;
        RuntimeException customerFailure;
        IngestLedger.ClaimResult claim;
        RuntimeException claimFailure;
        IngestLedger.RepeatCheck fingerprint = new IngestLedger.FirstSeen();
        RuntimeException fingerprintFailure;
        IngestLedger.ClaimResult adopt = new IngestLedger.BodyMismatch();
        RuntimeException completeFailure;
        RuntimeException releaseFailure;
        RuntimeException queueFailure;
        RuntimeException holdFailure;
        RuntimeException heldReleaseFailure;

        /** Runs {@code action}, tracing the relay's log lines (level and text, not the logger's name). */
        <T> T logged(Supplier<T> action) {
            var result = new AtomicReference<T>();
            CapturedLogs.during(() -> result.set(action.get()), entry -> {
                if (entry.getLoggerName() != null && entry.getLoggerName().startsWith("dev.loyaltyrelay")) {
                    Object[] parameters = entry.getParameters();
                    String text = parameters == null || parameters.length == 0 ? entry.getMessage()
                            : entry.getMessage() + " " + Arrays.toString(parameters);
                    trace.add("log " + entry.getLevel() + " " + text);
                }
            });
            return result.get();
        }

        IngestHandler handler() {
            return new IngestHandler(ingestion(), JSON, IngestParts.config());
        }

        WebhookIngestion ingestion() {
            Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
            ConfigurationStore store = (ConfigurationStore) Proxy.newProxyInstance(ConfigurationStore.class.getClassLoader(),
                    new Class<?>[] {ConfigurationStore.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("load") && !method.getName().equals("version")) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        if (loadFailure != null) {
                            throw loadFailure;
                        }
                        boolean known = MERCHANT.equals(args[0]) && !merchantGone;
                        if (method.getName().equals("version")) {
                            return known ? Optional.of("v1") : Optional.empty();
                        }
                        return known ? Optional.of(configuration()) : Optional.empty();
                    });
            SecretCipher cipher = new SecretCipher() {
                @Override
                public SealedSecret seal(byte[] plaintext, EncryptionContext context) {
                    return CIPHER.seal(plaintext, context);
                }

                @Override
                public byte[] open(SealedSecret sealed, EncryptionContext context) {
                    if (keyServiceDown) {
                        throw new KeyServiceUnavailable("throttled");
                    }
                    return CIPHER.open(sealed, context);
                }
            };
            RelayMetrics metrics = (name, dimensions) -> trace.add("metric " + name + " " + new TreeMap<>(dimensions));
            DeliveryQueue queue = jobs -> {
                trace.add("queue.enqueue " + jobs.stream().map(j -> j.deliveryId() + " " + j.provider().key() + " " + j.nectorDeliveryId()
                        + " " + j.recipient() + " " + j.properties()).toList());
                if (queueFailure != null) {
                    throw queueFailure;
                }
            };
            return new WebhookIngestion(new MerchantDirectory(store, new ConfigurationSecrets(cipher, JSON), clock, IngestParts.config()), IngestParts.catalogue(), new Customers(),
                    new HeldEvents(), new Ledger(), queue, new dev.loyaltyrelay.support.NoTrafficObservations(), metrics, clock, IngestParts.config());
        }

        MerchantConfiguration configuration() {
            var merchant = new Merchant(MERCHANT, "IN", ZoneId.of("Asia/Kolkata"), policy, Duration.ofHours(6), repeatPolicy);
            var integrations = new ArrayList<Integration>();
            var mappings = new ArrayList<EventMapping>();
            for (var provider : List.of(BuiltIn.ZOKO, BuiltIn.WIGZO)) {
                String integrationId = "int-" + provider.key();
                var credentials = CIPHER.seal("{}".getBytes(StandardCharsets.UTF_8), EncryptionContext.forIntegration(MERCHANT, integrationId));
                integrations.add(new Integration(MERCHANT, integrationId, provider, BuiltIn.profile(provider).commonProperty(), credentials, true, null));
                if (mapped) {
                    mappings.add(new EventMapping(integrationId, "map-" + provider.key(), TOPIC, "template-1", null,
                            List.of(new TemplateVariable("user_name", "there")), "en", ForwardedProperties.defaultFor(BuiltIn.profile(provider))));
                }
            }
            return new MerchantConfiguration(merchant, secrets, integrations, mappings);
        }

        final class Ledger implements IngestLedger {
            @Override
            public ClaimResult claim(String merchantId, String nectorDeliveryId, String bodyHash, Instant now) {
                trace.add("ledger.claim " + merchantId + " " + nectorDeliveryId + " " + bodyHash + " " + now);
                if (claimFailure != null) {
                    throw claimFailure;
                }
                return claim != null ? claim : new Claim(merchantId, nectorDeliveryId, "t-" + nectorDeliveryId, now.plusSeconds(60), false);
            }

            @Override
            public void completeAsRepeat(Claim claim, String earlierDeliveryId, Instant now) {
                trace.add("ledger.completeAsRepeat " + claim.nectorDeliveryId() + " of " + earlierDeliveryId + " " + now);
            }

            @Override
            public java.util.Optional<ClaimRecord> find(String merchantId, String nectorDeliveryId, Instant now) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void complete(Claim claim, List<String> queuedDeliveryIds, Instant now) {
                trace.add("ledger.complete " + claim.nectorDeliveryId() + " " + queuedDeliveryIds + " " + now);
                if (completeFailure != null) {
                    throw completeFailure;
                }
            }

            @Override
            public void release(Claim claim) {
                trace.add("ledger.release " + claim.nectorDeliveryId());
                if (releaseFailure != null) {
                    throw releaseFailure;
                }
            }

            @Override
            public RepeatCheck recordFingerprint(String merchantId, String fingerprint, String nectorDeliveryId, Instant now) {
                trace.add("ledger.recordFingerprint " + merchantId + " " + fingerprint + " " + nectorDeliveryId + " " + now);
                if (fingerprintFailure != null) {
                    throw fingerprintFailure;
                }
                return IngestAnswersTest.World.this.fingerprint;
            }

            @Override
            public ClaimResult adopt(Claim claim, String earlierDeliveryId, String bodyHash, Instant now) {
                trace.add("ledger.adopt " + claim.nectorDeliveryId() + " " + earlierDeliveryId + " " + bodyHash + " " + now);
                return adopt;
            }
        }

        final class Customers implements CustomerStore {
            @Override
            public UpsertResult upsert(CustomerProfile profile) {
                trace.add("customers.upsert " + profile.merchantId());
                if (customerFailure != null) {
                    throw customerFailure;
                }
                return UpsertResult.CREATED_OR_CHANGED;
            }

            @Override
            public Optional<CustomerProfile> findByMobile(String merchantId, String e164) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<CustomerProfile> findByEmail(String merchantId, String email) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<CustomerProfile> withAddress(String merchantId, Recipient address) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void erase(CustomerProfile profile) {
                throw new UnsupportedOperationException();
            }
        }

        final class HeldEvents implements HeldEventStore {
            @Override
            public void hold(HeldEvent event) {
                trace.add("held.hold " + event.merchantId() + " " + event.nectorDeliveryId() + " " + event.topic() + " " + event.reason() + " ["
                        + event.detail() + "] " + new TreeMap<>(event.headers()) + " " + event.body().length() + " " + event.receivedAt());
                if (holdFailure != null) {
                    throw holdFailure;
                }
            }

            @Override
            public HeldPage page(String merchantId, String afterDeliveryId, int limit) {
                throw new UnsupportedOperationException();
            }

            @Override
            public java.util.Optional<HeldEvent> find(String merchantId, String nectorDeliveryId) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void release(String merchantId, String nectorDeliveryId) {
                trace.add("held.release " + merchantId + " " + nectorDeliveryId);
                if (heldReleaseFailure != null) {
                    throw heldReleaseFailure;
                }
            }
        }
    }

    /** How a replay's outcome is written: as the webhook endpoint writes the same outcome. */
    static final class ReplayAnswers {
        static Answer of(WebhookIngestion ingestion, HeldEvent held) {
            try {
                IngestHandler.Answer answer = IngestHandler.answer(ingestion.replay(held));
                return new Answer(answer.status(), JSON.writeValueAsString(answer.body()));
            } catch (RuntimeException e) {
                return new Answer(-1, "threw " + e.getClass().getSimpleName());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
