package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.support.BuiltIn;
import dev.loyaltyrelay.support.IngestParts;
import dev.loyaltyrelay.application.ingest.EventCatalogue;
import dev.loyaltyrelay.application.ConfigurationSecrets;
import dev.loyaltyrelay.application.ingest.MerchantDirectory;
import dev.loyaltyrelay.application.ingest.NectorHeaders;
import dev.loyaltyrelay.application.ingest.NectorSignature;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryQueue;
import dev.loyaltyrelay.domain.EventMapping;
import dev.loyaltyrelay.domain.ForwardedProperties;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SecretCipher.EncryptionContext;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.TemplateVariable;
import dev.loyaltyrelay.domain.VariableRenderer;
import dev.loyaltyrelay.domain.WebhookSecret;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import dev.loyaltyrelay.secrets.LocalKeyCipherAccess;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the webhook path as API Gateway hands it to the function: the verifier (secret hash,
 * timestamp, body HMAC, repeated headers), the strict JSON parser and its limits, the catalogue's schema check, the
 * recipient resolution and the fan-out, with in-memory stores that never fail, so any 5xx or escaping throwable is
 * the code's own. Half the inputs are signed correctly, so the fuzzer gets past the verifier into the parser.
 *
 * <p>Checked for every input: an answer (nothing escapes {@link IngestHandler}), never 5xx, a JSON body; a job only
 * for a correctly signed, fresh request; every job survives the SQS codec unchanged in SQS-safe text; and every job's
 * variables render without a throwable.
 *
 * <p>Regression mode (the default in {@code ./mvnw verify}) replays the inputs under
 * {@code src/test/resources/dev/loyaltyrelay/ingest/IngestFuzzTestInputs/}; the {@code fuzz} execution (README,
 * "Fuzzing") runs the fuzzer for {@code -Dfuzz.seconds}.
 */
class IngestFuzzTest {

    private static final String MERCHANT = "m-fuzz";
    private static final String SECRET = "whsec-fuzz-0123456789";
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DeliveryJobCodec CODEC = new DeliveryJobCodec(JSON);
    private static final SecretCipher CIPHER = LocalKeyCipherAccess.testCipher();
    private static final MerchantConfiguration CONFIGURATION = configuration();
    private static final List<String> HEADERS = List.of(NectorHeaders.TOPIC, NectorHeaders.DELIVERY_ID, NectorHeaders.TIMESTAMP,
            NectorHeaders.SECRET_HASH, NectorHeaders.SECRET_HASH_ALGO, NectorHeaders.BODY_HMAC, NectorHeaders.BODY_HMAC_ALGO,
            "content-type", "x-source");

    @FuzzTest(maxDuration = "10s")
    void aWebhookIsAnsweredWithoutAServerErrorAndQueuesOnlyWhenAuthentic(FuzzedDataProvider data) throws Exception {
        var queued = new ArrayList<DeliveryJob>();
        var held = new ArrayList<HeldEvent>();
        var handler = handler(queued, held);

        boolean signed = data.consumeBoolean();
        boolean base64 = data.consumeBoolean();
        String topic = data.consumeBoolean() ? data.pickValue(EventCatalogue.TOPICS) : data.consumeString(24);
        String deliveryId = data.consumeBoolean() ? "d-" + data.consumeInt(0, 1_000_000) : data.consumeString(140);
        String timestamp = data.consumeBoolean() ? Long.toString(NOW.getEpochSecond() - data.consumeInt(-30_000, 30_000)) : data.consumeString(24);
        String merchant = data.consumeBoolean() ? MERCHANT : data.consumeString(80);
        var headers = new HashMap<String, String>();
        headers.put("X-Nector-Topic", topic);
        headers.put("x-nector-delivery-id", deliveryId);
        headers.put("X-Nector-Timestamp", timestamp);
        int extraHeaders = data.consumeInt(0, 3);
        for (int i = 0; i < extraHeaders; i++) {
            // Repeated and case-varied names, as a forger would send them: API Gateway joins them with commas.
            headers.put(data.pickValue(HEADERS).toUpperCase(java.util.Locale.ROOT), data.consumeString(80));
        }
        byte[] body = data.consumeRemainingAsBytes();
        if (signed) {
            headers.put("x-nector-webhook-secret", Hashes.sha256Hex(SECRET));
            headers.put("x-nector-webhook-hmac", NectorSignature.hexHmac(SECRET, body));
        }

        var event = new APIGatewayV2HTTPEvent();
        event.setRawPath(IngestHandler.PATH_PREFIX + merchant);
        event.setPathParameters(Map.of("merchantId", merchant));
        event.setHeaders(headers);
        event.setIsBase64Encoded(base64);
        event.setBody(base64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8));

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        int status = response.getStatusCode();
        assertTrue(status >= 200 && status < 500, () -> "a client's request answered " + status + ": " + response.getBody());
        JsonNode answer = JSON.readTree(response.getBody());
        assertTrue(answer.isObject(), "the answer is a JSON object");
        if (!queued.isEmpty()) {
            assertEquals(202, status, "jobs are queued only with 202");
            assertTrue(authentic(merchant, headers, body), "a job was queued for a request that is not authentic");
        }
        for (HeldEvent kept : held) {
            // Held for replay: the body kept must be the body that was signed, byte for byte.
            assertTrue(java.util.Arrays.equals(body, kept.body().getBytes(StandardCharsets.UTF_8)), "a held event's body is not the body received");
        }
        for (DeliveryJob job : queued) {
            String text = CODEC.encode(job);
            assertTrue(sqsSafe(text), "a job's text has a character SQS refuses");
            assertEquals(text, CODEC.encode(CODEC.decode(text)), "a job changes on its way through the queue");
            boolean whatsApp = !BuiltIn.WIGZO.equals(job.provider());
            var rendering = VariableRenderer.render(job.mapping().variables(), job.properties(), ZoneId.of("Asia/Kolkata"), whatsApp);
            if (rendering instanceof VariableRenderer.Rendered rendered) {
                assertEquals(job.mapping().variables().size(), rendered.values().size());
            }
        }
    }

    /** Authentic as the verifier is meant to judge it: this merchant, its secret's hash and body HMAC, a fresh timestamp. */
    private static boolean authentic(String merchant, Map<String, String> headers, byte[] body) {
        if (!MERCHANT.equals(merchant)) {
            return false;
        }
        String timestamp = headerValue(headers, "x-nector-timestamp");
        boolean fresh = timestamp != null && NectorSignature.parseTimestamp(timestamp)
                .filter(sentAt -> Duration.between(sentAt, NOW).abs().compareTo(Duration.ofHours(6)) <= 0).isPresent();
        String hash = headerValue(headers, "x-nector-webhook-secret");
        String hmac = headerValue(headers, "x-nector-webhook-hmac");
        return fresh && hash != null && hash.trim().equalsIgnoreCase(Hashes.sha256Hex(SECRET))
                && hmac != null && NectorSignature.bodyHmacMatches(hmac.trim(), SECRET.getBytes(StandardCharsets.UTF_8), body);
    }

    /** The characters an SQS message may carry: #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF. */
    private static boolean sqsSafe(String text) {
        return text.codePoints().allMatch(c -> c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF
                || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF);
    }

    private static String headerValue(Map<String, String> headers, String name) {
        String joined = null;
        for (var header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                joined = joined == null ? header.getValue() : joined + "," + header.getValue();
            }
        }
        return joined == null ? null : joined.split(",", -1)[0];
    }

    private static IngestHandler handler(List<DeliveryJob> queued, List<HeldEvent> held) {
        RelayConfig config = IngestParts.config();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        // Ingest only reads a configuration; any other call would be a finding.
        ConfigurationStore store = (ConfigurationStore) Proxy.newProxyInstance(ConfigurationStore.class.getClassLoader(),
                new Class<?>[] {ConfigurationStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("load")) {
                        return MERCHANT.equals(args[0]) ? Optional.of(CONFIGURATION) : Optional.empty();
                    }
                    if (method.getName().equals("version")) {
                        return MERCHANT.equals(args[0]) ? Optional.of("v1") : Optional.empty();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        var directory = new MerchantDirectory(store, new ConfigurationSecrets(CIPHER, JSON), clock, config);
        var ingestion = new WebhookIngestion(directory, IngestParts.catalogue(), new NoCustomers(), new KeptHeldEvents(held), new FreshLedger(),
                queued::addAll, new dev.loyaltyrelay.support.NoTrafficObservations(), (name, dimensions) -> { }, clock, config);
        return new IngestHandler(ingestion, JSON, config);
    }

    private static MerchantConfiguration configuration() {
        var merchant = new Merchant(MERCHANT, "IN", ZoneId.of("Asia/Kolkata"), SignaturePolicy.ENFORCE, Duration.ofHours(6), RepeatPolicy.DROP);
        var sealedSecret = CIPHER.seal(SECRET.getBytes(StandardCharsets.UTF_8), EncryptionContext.forWebhookSecret(MERCHANT, "s1"));
        var secret = new WebhookSecret("s1", Hashes.sha256Hex(SECRET), sealedSecret, NOW.minus(Duration.ofDays(30)), null);
        var integrations = new ArrayList<Integration>();
        var mappings = new ArrayList<EventMapping>();
        List<TemplateVariable> variables = List.of(new TemplateVariable("user_name", "there"), new TemplateVariable("coins", null),
                new TemplateVariable("expiry_date", "soon"), new TemplateVariable("coupon_code", null));
        for (Provider provider : BuiltIn.ALL) {
            String integrationId = "int-" + provider.key();
            var credentials = CIPHER.seal("{\"apiKey\":\"k\"}".getBytes(StandardCharsets.UTF_8), EncryptionContext.forIntegration(MERCHANT, integrationId));
            integrations.add(new Integration(MERCHANT, integrationId, provider, BuiltIn.profile(provider).commonProperty(), credentials, true, null));
            for (String topic : EventCatalogue.TOPICS) {
                mappings.add(new EventMapping(integrationId, "map-" + topic, topic, "template-" + topic, null, variables, "en",
                        ForwardedProperties.defaultFor(BuiltIn.profile(provider))));
            }
        }
        return new MerchantConfiguration(merchant, List.of(secret), integrations, mappings);
    }

    /** A ledger with nothing in it: every input is the first request with its delivery id. */
    private static final class FreshLedger implements IngestLedger {
        @Override
        public void completeAsRepeat(Claim claim, String earlierDeliveryId, Instant now) {
        }

        @Override
        public java.util.Optional<ClaimRecord> find(String merchantId, String nectorDeliveryId, Instant now) {
            return java.util.Optional.empty();
        }

        private final Set<String> claimed = new java.util.HashSet<>();

        @Override
        public ClaimResult claim(String merchantId, String nectorDeliveryId, String bodyHash, Instant now) {
            if (!claimed.add(nectorDeliveryId)) {
                fail("one request claimed the same delivery id twice");
            }
            return new Claim(merchantId, nectorDeliveryId, "token", now.plusSeconds(60), false);
        }

        @Override
        public void complete(Claim claim, List<String> queuedDeliveryIds, Instant now) {
        }

        @Override
        public void release(Claim claim) {
        }

        @Override
        public RepeatCheck recordFingerprint(String merchantId, String fingerprint, String nectorDeliveryId, Instant now) {
            return new FirstSeen();
        }

        @Override
        public ClaimResult adopt(Claim claim, String earlierDeliveryId, String bodyHash, Instant now) {
            return new BodyMismatch();
        }
    }

    private static final class NoCustomers implements CustomerStore {
        @Override
        public UpsertResult upsert(CustomerProfile profile) {
            return null;
        }

        @Override
        public Optional<CustomerProfile> findByMobile(String merchantId, String e164) {
            return Optional.empty();
        }

        @Override
        public Optional<CustomerProfile> findByEmail(String merchantId, String email) {
            return Optional.empty();
        }

        @Override
        public List<CustomerProfile> withAddress(String merchantId, Recipient address) {
            return List.of();
        }

        @Override
        public void erase(CustomerProfile profile) {
        }
    }

    private record KeptHeldEvents(List<HeldEvent> kept) implements HeldEventStore {
        @Override
        public java.util.Optional<HeldEvent> find(String merchantId, String nectorDeliveryId) {
            return kept.stream().filter(e -> e.merchantId().equals(merchantId) && e.nectorDeliveryId().equals(nectorDeliveryId)).findFirst();
        }

        @Override
        public void hold(HeldEvent event) {
            kept.add(event);
        }

        @Override
        public HeldPage page(String merchantId, String afterDeliveryId, int limit) {
            return new HeldPage(List.of(), null);
        }

        @Override
        public void release(String merchantId, String nectorDeliveryId) {
        }
    }
}
