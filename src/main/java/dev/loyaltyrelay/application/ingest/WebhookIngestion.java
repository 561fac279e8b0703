package dev.loyaltyrelay.application.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryIds;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryQueue;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration.Route;
import dev.loyaltyrelay.domain.QueueRefused;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.RecipientResolver;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.domain.RepeatPolicy;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.SignaturePolicy;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.application.ingest.IngestReply.Queued;
import dev.loyaltyrelay.application.ingest.IngestReply.Skipped;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.KnownMerchant;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.OpenedSecret;
import org.jboss.logging.Logger;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Takes one Nector webhook from bytes to queued delivery jobs: authenticate, parse, learn the customer,
 * route, hold what does not validate, claim the delivery id, fan out, complete. Every client mistake gets
 * its 4xx or documented 2xx here; only a store or queue that cannot be reached gives a retryable 503.
 */
@ApplicationScoped
public class WebhookIngestion {

    private static final Logger LOG = Logger.getLogger(WebhookIngestion.class);

    public static final String TOPIC = "x-nector-topic";
    public static final String DELIVERY_ID = "x-nector-delivery-id";
    public static final String TIMESTAMP = "x-nector-timestamp";
    public static final String SECRET_HASH = "x-nector-webhook-secret";
    public static final String SECRET_HASH_ALGO = "x-nector-webhook-secret-algo";
    public static final String BODY_HMAC = "x-nector-webhook-hmac";
    public static final String BODY_HMAC_ALGO = "x-nector-webhook-hmac-algo";
    /** Headers kept with a held event so that a replay carries what the original did (never the secret hash). */
    static final List<String> REPLAYED_HEADERS = List.of(TOPIC, DELIVERY_ID, TIMESTAMP, "x-source");

    /**
     * Written out in full (no exponent), a number in a webhook has at most this many digits. Jackson's number-length
     * limit counts the characters as written, so {@code 1E2147483647} passes it as twelve characters; written out it
     * is a String or BigInteger too large for any heap, and any step that writes it out (a mobile sent as a number,
     * rendering) dies of OutOfMemoryError. Every double (at most about 330 digits) fits.
     */
    static final int MAX_NUMBER_DIGITS = 1_000;

    private static final Pattern MERCHANT_ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
    private static final Pattern DELIVERY_ID_FORMAT = Pattern.compile("^[\\x21-\\x7e]{1,128}$");
    private static final Pattern TOPIC_FORMAT = Pattern.compile("^[a-z0-9_]{1,64}$");

    private final MerchantDirectory merchants;
    private final EventCatalogue catalogue;
    private final CustomerStore customers;
    private final HeldEventStore held;
    private final IngestLedger ledger;
    private final DeliveryQueue queue;
    private final RelayMetrics metrics;
    private final Clock clock;
    private final ObjectMapper strictJson;

    public WebhookIngestion(MerchantDirectory merchants, EventCatalogue catalogue, CustomerStore customers, HeldEventStore held,
            IngestLedger ledger, DeliveryQueue queue, RelayMetrics metrics, Clock clock, RelayConfig config) {
        this.merchants = merchants;
        this.catalogue = catalogue;
        this.customers = customers;
        this.held = held;
        this.ledger = ledger;
        this.queue = queue;
        this.metrics = metrics;
        this.clock = clock;
        RelayConfig.Ingest limits = config.ingest();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxDocumentLength(limits.maxBodyBytes())
                        .maxNumberLength(64)
                        .build())
                .build();
        this.strictJson = JsonMapper.builder(factory)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public IngestReply ingest(WebhookRequest request) {
        try {
            return authenticateThenIngest(request);
        } catch (WebhookRequest.AmbiguousHeader e) {
            return IngestReply.badRequest(400, "ambiguous_header", e.getMessage());
        } catch (StoreUnavailable | SecretCipher.KeyServiceUnavailable e) {
            return unavailable(request.merchantId(), e);
        }
    }

    private static IngestReply unavailable(String merchantId, RuntimeException e) {
        if (e instanceof SecretCipher.KeyServiceUnavailable) {
            LOG.warnf("ingest: key service unavailable for merchant %s: %s", merchantId, e.getMessage());
            return IngestReply.retryLater(503, "key_service_unavailable", "the relay's key service could not open the webhook secrets; retry later");
        }
        LOG.warnf("ingest: store unavailable for merchant %s: %s", merchantId, e.getMessage());
        return IngestReply.retryLater(503, "store_unavailable", "the relay's store could not be reached; retry later");
    }

    /**
     * Ingests a held event again (after the catalogue or the mapping was fixed). It was authenticated when it
     * arrived, so only validation and the fan-out run again; an event still invalid stays held.
     */
    public IngestReply replay(HeldEvent event) {
        try {
            Optional<KnownMerchant> found = merchants.find(event.merchantId());
            if (found.isEmpty()) {
                return refuse("unknown", "merchant", "no merchant with this id");
            }
            var request = new WebhookRequest(event.merchantId(), event.headers(), event.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            IngestReply reply = ingestAuthentic(request, found.get(), clock.instant(), "checked_when_held");
            if (reply.status() / 100 == 2 && !"held".equals(String.valueOf(reply.body().get("status")))) {
                // Should this fail, the event stays held though queued; replayed again, its claim answers duplicate.
                held.release(event.merchantId(), event.nectorDeliveryId());
            }
            return reply;
        } catch (StoreUnavailable | SecretCipher.KeyServiceUnavailable e) {
            return unavailable(event.merchantId(), e);
        }
    }

    private IngestReply authenticateThenIngest(WebhookRequest request) {
        Instant now = clock.instant();
        String merchantId = request.merchantId();
        if (merchantId == null || !MERCHANT_ID.matcher(merchantId).matches()) {
            return refuse("unknown", "merchant", "no merchant with this id");
        }
        Optional<KnownMerchant> found = merchants.find(merchantId);
        if (found.isEmpty()) {
            // Not the caller's id as a metric dimension: made-up ids would each become a new CloudWatch metric.
            return refuse("unknown", "merchant", "no merchant with this id");
        }
        KnownMerchant known = found.get();
        Merchant merchant = known.configuration().merchant();
        List<OpenedSecret> secrets = known.validSecrets(now);
        boolean unreadableSecret = known.hasUnreadableValidSecret(now);
        if (secrets.isEmpty() && !unreadableSecret) {
            return refuse(merchantId, "merchant", "the merchant has no webhook secret set");
        }

        Optional<String> secretAlgorithm = request.single(SECRET_HASH_ALGO);
        if (secretAlgorithm.isPresent() && !NectorSignature.SUPPORTED_ALGORITHM.equalsIgnoreCase(secretAlgorithm.get())) {
            return refuse(merchantId, "secret_hash", "unsupported " + SECRET_HASH_ALGO + "; expected sha256");
        }
        Optional<String> secretHash = request.single(SECRET_HASH);
        if (secretHash.isEmpty()) {
            return refuse(merchantId, "secret_hash", SECRET_HASH + " is missing");
        }
        Optional<OpenedSecret> matched = secrets.stream()
                .filter(s -> NectorSignature.secretHashMatches(secretHash.get(), s.sha256()))
                .findFirst();
        if (matched.isEmpty() && unreadableSecret) {
            // Not secret_hash: the request may well be signed with the secret the relay cannot read, and no retry helps.
            return refuse(merchantId, "secret_unreadable", "a webhook secret of this merchant no longer opens in the relay;"
                    + " set a new secret in the relay and in Nector");
        }
        if (matched.isEmpty()) {
            return refuse(merchantId, "secret_hash", SECRET_HASH + " does not match a webhook secret of this merchant");
        }

        Optional<String> timestampHeader = request.single(TIMESTAMP);
        Optional<Instant> sentAt = timestampHeader.flatMap(WebhookIngestion::parseTimestamp);
        if (sentAt.isEmpty()) {
            return refuse(merchantId, "timestamp", TIMESTAMP + " is missing or not unix seconds");
        }
        if (Duration.between(sentAt.get(), now).abs().compareTo(merchant.timestampWindow()) > 0) {
            return refuse(merchantId, "timestamp", TIMESTAMP + " is outside the accepted window of "
                    + merchant.timestampWindow().toMinutes() + " minutes");
        }

        Optional<String> hmacAlgorithm = request.single(BODY_HMAC_ALGO);
        boolean hmacMatches = (hmacAlgorithm.isEmpty() || NectorSignature.SUPPORTED_ALGORITHM.equalsIgnoreCase(hmacAlgorithm.get()))
                && NectorSignature.bodyHmacMatches(request.single(BODY_HMAC).orElse(null), matched.get().secret(), request.body());
        String signature = "verified";
        if (!hmacMatches) {
            metrics.increment("BodySignatureMismatch", Map.of("merchant", merchantId, "policy", merchant.signaturePolicy().name()));
            if (merchant.signaturePolicy() == SignaturePolicy.ENFORCE) {
                return refuse(merchantId, "body_hmac", BODY_HMAC + " does not match the body");
            }
            LOG.infof("ingest: body HMAC mismatch recorded, not enforced (merchant %s)", merchantId);
            signature = "mismatch_recorded";
        }
        return ingestAuthentic(request, known, now, signature);
    }

    private IngestReply ingestAuthentic(WebhookRequest request, KnownMerchant known, Instant now, String signature) {
        Merchant merchant = known.configuration().merchant();
        String merchantId = merchant.merchantId();
        if (!isUtf8(request.body())) {
            // JSON is UTF-8 (RFC 8259). Jackson reads overlong and surrogate sequences, but the text Java decodes from
            // them is not the body that was signed, and can be three times its size (held, it would not fit an item).
            return IngestReply.badRequest(400, "invalid_json", "the body is not well-formed JSON: it is not valid UTF-8");
        }
        JsonNode event;
        try {
            event = strictJson.readTree(request.body());
        } catch (StreamConstraintsException e) {
            return IngestReply.badRequest(400, "body_too_complex", "the body exceeds the JSON limits (nesting depth, string or number length)");
        } catch (IOException e) {
            return IngestReply.badRequest(400, "invalid_json", "the body is not well-formed JSON");
        } catch (NumberFormatException exponentBeyondBigDecimal) {
            return numberOutOfRange();
        }
        if (!numbersWithinBounds(event)) {
            return numberOutOfRange();
        }
        if (event == null || !event.isObject()) {
            return IngestReply.badRequest(400, "body_not_object", "the body must be a JSON object");
        }
        Optional<String> topicHeader = request.single(TOPIC);
        if (topicHeader.isEmpty()) {
            return IngestReply.badRequest(400, "topic_missing", TOPIC + " is missing");
        }
        Optional<String> deliveryIdHeader = request.single(DELIVERY_ID);
        if (deliveryIdHeader.isEmpty() || !DELIVERY_ID_FORMAT.matcher(deliveryIdHeader.get()).matches()) {
            return IngestReply.badRequest(400, "delivery_id_invalid", DELIVERY_ID + " is missing or not 1 to 128 visible ASCII characters");
        }
        String topic = topicHeader.get();
        String nectorDeliveryId = deliveryIdHeader.get();
        Map<String, Object> properties = toProperties(event);

        learnCustomer(merchant, properties);

        if (!TOPIC_FORMAT.matcher(topic).matches() || !catalogue.knows(topic)) {
            metrics.increment("IgnoredEvents", Map.of("merchant", merchantId, "reason", "unknown_topic"));
            return IngestReply.ignored("unknown_topic", "the topic is not in the relay's catalogue");
        }
        List<Route> routes = known.configuration().routesFor(topic);
        if (routes.isEmpty()) {
            metrics.increment("IgnoredEvents", Map.of("merchant", merchantId, "reason", "topic_not_mapped"));
            return IngestReply.ignored("topic_not_mapped", "no enabled integration of this merchant maps the topic");
        }
        List<String> violations = catalogue.violations(topic, event);
        if (!violations.isEmpty()) {
            String detail = String.join("; ", violations);
            held.hold(new HeldEvent(merchantId, nectorDeliveryId, topic, "schema_violation", detail, replayHeaders(request),
                    request.bodyText(), now));
            metrics.increment("HeldEvents", Map.of("merchant", merchantId, "topic", topic, "reason", "schema_violation"));
            LOG.infof("ingest: held %s of merchant %s (%s)", nectorDeliveryId, merchantId, detail);
            return new IngestReply(202, IngestReply.ordered("status", "held", "reason", "schema_violation", "detail", violations,
                    "message", "kept for replay: a documented property does not have its documented type"));
        }

        String bodyHash = HexFormat.of().formatHex(NectorSignature.sha256(request.body()));
        IngestLedger.ClaimResult claimed = ledger.claim(merchantId, nectorDeliveryId, bodyHash, now);
        IngestLedger.Claim claim;
        switch (claimed) {
            case IngestLedger.InProgress inProgress -> {
                return inProgress(now, inProgress, "this delivery id is being processed; retry later");
            }
            case IngestLedger.AlreadyCompleted done -> {
                metrics.increment("DuplicateWebhooks", Map.of("merchant", merchantId, "reason", "delivery_id"));
                return new IngestReply(200, IngestReply.ordered("status", "duplicate", "reason", "delivery_id_already_processed"));
            }
            case IngestLedger.BodyMismatch mismatch -> {
                metrics.increment("RefusedWebhooks", Map.of("merchant", merchantId, "check", "delivery_id_reused"));
                return IngestReply.badRequest(422, "delivery_id_reused", "this delivery id was already received with a different body");
            }
            case IngestLedger.Claim c -> claim = c;
        }

        // The claims this request must complete or release: its own, and an earlier id's it takes over.
        List<IngestLedger.Claim> claims = new ArrayList<>(List.of(claim));
        String eventDeliveryId = nectorDeliveryId;
        try {
            String fingerprint = DeliveryIds.sha256Hex(topic, bodyHash);
            if (ledger.recordFingerprint(merchantId, fingerprint, nectorDeliveryId, now) instanceof IngestLedger.RepeatOf repeat) {
                if (merchant.repeatPolicy() == RepeatPolicy.DROP) {
                    // A repeat is only a repeat of an event that was queued: the earlier id's claim says whether it was.
                    switch (ledger.adopt(claim, repeat.firstDeliveryId(), bodyHash, now)) {
                        case IngestLedger.AlreadyCompleted done -> {
                            metrics.increment("RepeatedBodies", Map.of("merchant", merchantId, "policy", merchant.repeatPolicy().name()));
                            ledger.complete(claim, List.of(), now);
                            return new IngestReply(200, IngestReply.ordered("status", "duplicate", "reason", "same_body_under_new_delivery_id"));
                        }
                        case IngestLedger.InProgress inProgress -> {
                            releaseQuietly(claim);
                            return inProgress(now, inProgress, "the same body is being processed under another delivery id; retry later");
                        }
                        case IngestLedger.Claim adopted -> {
                            // Nector retrying, under a new id, an event whose fan-out failed or was cut short.
                            claims.addFirst(adopted);
                            eventDeliveryId = adopted.nectorDeliveryId();
                        }
                        case IngestLedger.BodyMismatch notTheSameEvent -> {
                            // No claim on this body under the earlier id: delivered as its own event.
                        }
                    }
                } else {
                    metrics.increment("RepeatedBodies", Map.of("merchant", merchantId, "policy", merchant.repeatPolicy().name()));
                }
            }
            return fanOut(merchant, claims, topic, eventDeliveryId, properties, routes, now, signature);
        } catch (QueueRefused refused) {
            // The queue will never take this event's jobs as they are (too large, say): kept for replay, not refused,
            // and not answered 503 (Nector would retry in vain, then drop it).
            held.hold(new HeldEvent(merchantId, nectorDeliveryId, topic, "queue_refused", refused.reason(), replayHeaders(request),
                    request.bodyText(), now));
            // Released, not completed: the replay (after the merchant's fix) takes the claim over and queues the event.
            claims.forEach(this::releaseQuietly);
            metrics.increment("HeldEvents", Map.of("merchant", merchantId, "topic", topic, "reason", "queue_refused"));
            LOG.warnf("ingest: held %s of merchant %s: the queue refused its jobs (%s)", nectorDeliveryId, merchantId, refused.reason());
            return new IngestReply(202, IngestReply.ordered("status", "held", "reason", "queue_refused", "detail", List.of(refused.reason()),
                    "message", "kept for replay: a delivery queue will not take this event's jobs as they are"));
        } catch (StoreUnavailable | QueueUnavailable e) {
            claims.forEach(this::releaseQuietly);
            if (e instanceof QueueUnavailable) {
                LOG.warnf("ingest: queue unavailable for %s of merchant %s: %s", nectorDeliveryId, merchantId, e.getMessage());
                metrics.increment("QueueUnavailable", Map.of("merchant", merchantId));
                return IngestReply.retryLater(503, "queue_unavailable", "a delivery queue could not be reached; retry later");
            }
            throw e;
        }
    }

    static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException notUtf8) {
            return false;
        }
    }

    private static IngestReply inProgress(Instant now, IngestLedger.InProgress inProgress, String message) {
        long seconds = Math.max(1, Duration.between(now, inProgress.leaseUntil()).toSeconds());
        return new IngestReply(409, IngestReply.ordered("error", "in_progress", "message", message, "retryAfterSeconds", seconds));
    }

    /**
     * Queues one job per resolved route, under delivery ids derived from {@code eventDeliveryId}: the request's own id,
     * or the earlier id of the same event whose claim it took over. Completes every claim it holds.
     */
    private IngestReply fanOut(Merchant merchant, List<IngestLedger.Claim> claims, String topic, String eventDeliveryId,
            Map<String, Object> properties, List<Route> routes, Instant now, String signature) {
        List<DeliveryJob> jobs = new ArrayList<>();
        List<Queued> queued = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Route route : routes) {
            var integration = route.integration();
            var mapping = route.mapping();
            var resolution = RecipientResolver.resolve(integration.commonProperty(), properties, merchant.defaultCountry());
            if (resolution instanceof RecipientResolver.Unresolved unresolved) {
                skipped.add(new Skipped(integration.provider().key(), integration.integrationId(), mapping.mappingId(), unresolved.reason()));
                metrics.increment("SkippedDeliveries", Map.of("provider", integration.provider().key(), "reason", unresolved.reason()));
                continue;
            }
            var recipient = ((RecipientResolver.Resolved) resolution).recipient();
            String deliveryId = DeliveryIds.derive(merchant.merchantId(), eventDeliveryId, integration.integrationId(), mapping.mappingId());
            jobs.add(new DeliveryJob(DeliveryJob.SCHEMA_VERSION, deliveryId, merchant.merchantId(), eventDeliveryId, topic,
                    integration.provider(), integration.integrationId(), recipient, mapping, mapping.propertiesFor(properties), now));
            queued.add(new Queued(deliveryId, integration.provider().key(), integration.integrationId(), mapping.mappingId()));
        }
        if (!jobs.isEmpty()) {
            queue.enqueue(jobs);
        }
        List<String> queuedIds = queued.stream().map(Queued::deliveryId).toList();
        for (IngestLedger.Claim claim : claims) {
            ledger.complete(claim, queuedIds, now);
        }
        for (Queued q : queued) {
            metrics.increment("QueuedDeliveries", Map.of("provider", q.provider(), "topic", topic));
        }
        IngestLedger.Claim own = claims.getLast();
        LOG.infof("ingest: %s of merchant %s (%s): %d queued, %d skipped%s%s", own.nectorDeliveryId(), merchant.merchantId(), topic,
                queued.size(), skipped.size(), own.takeover() ? ", after a lapsed claim" : "",
                eventDeliveryId.equals(own.nectorDeliveryId()) ? "" : ", as the event first received as " + eventDeliveryId);
        return IngestReply.accepted(signature, queued, skipped);
    }

    /** The customer database learns from every authentic event; failing to learn must not lose the event. */
    private void learnCustomer(Merchant merchant, Map<String, Object> properties) {
        try {
            CustomerProfile.fromEvent(merchant.merchantId(), properties, merchant.defaultCountry()).ifPresent(customers::upsert);
        } catch (RuntimeException e) {
            // Unreachable, or refused (a key the store will not take): either way the event goes on without it.
            metrics.increment("CustomerUpsertFailed", Map.of("merchant", merchant.merchantId()));
            LOG.warnf("ingest: customer not recorded for merchant %s: %s", merchant.merchantId(), e.getMessage());
        }
    }

    private void releaseQuietly(IngestLedger.Claim claim) {
        try {
            ledger.release(claim);
        } catch (StoreUnavailable e) {
            LOG.warnf("ingest: claim %s not released (it lapses with its lease): %s", claim.nectorDeliveryId(), e.getMessage());
        }
    }

    private static IngestReply numberOutOfRange() {
        return IngestReply.badRequest(400, "number_out_of_range",
                "a number in the body has more than " + MAX_NUMBER_DIGITS + " digits when written out without its exponent");
    }

    /** Whether every number in the tree stays within {@link #MAX_NUMBER_DIGITS} (the tree is at most 16 deep). */
    static boolean numbersWithinBounds(JsonNode node) {
        if (node == null) {
            return true;
        }
        if (node.isBigDecimal()) {
            return writtenOutDigits(node.decimalValue()) <= MAX_NUMBER_DIGITS;
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (!numbersWithinBounds(child)) {
                    return false;
                }
            }
        }
        // Integers without an exponent are written out already, and bounded by Jackson's number length.
        return true;
    }

    /** Digits of the number without an exponent: 1E+3 has 4, 100.50 has 5, 0.001 has 4; in long, as scale may be ±2^31. */
    static long writtenOutDigits(java.math.BigDecimal number) {
        long precision = number.precision();
        long scale = number.scale();
        return scale <= 0 ? precision - scale : Math.max(precision, scale + 1);
    }

    private IngestReply refuse(String merchantId, String check, String message) {
        metrics.increment("RefusedWebhooks", Map.of("merchant", merchantId, "check", check));
        return IngestReply.refused(check, message);
    }

    private static Map<String, String> replayHeaders(WebhookRequest request) {
        var headers = new TreeMap<String, String>();
        for (String name : REPLAYED_HEADERS) {
            String value = request.headers().get(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }

    private Map<String, Object> toProperties(JsonNode event) {
        var properties = new LinkedHashMap<String, Object>();
        event.fields().forEachRemaining(field -> properties.put(field.getKey(), strictJson.convertValue(field.getValue(), Object.class)));
        return properties;
    }

    /** Unix seconds, as Nector documents; milliseconds are recognised by their size and accepted too. */
    public static Optional<Instant> parseTimestamp(String value) {
        try {
            long number = Long.parseLong(value.trim());
            if (number <= 0) {
                return Optional.empty();
            }
            return Optional.of(number > 100_000_000_000L ? Instant.ofEpochMilli(number) : Instant.ofEpochSecond(number));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
