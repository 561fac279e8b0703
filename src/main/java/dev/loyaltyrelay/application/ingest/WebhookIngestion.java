package dev.loyaltyrelay.application.ingest;

import dev.loyaltyrelay.application.LogContext;
import dev.loyaltyrelay.application.ingest.IngestClaims.Claims;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Accepted;
import dev.loyaltyrelay.application.ingest.IngestOutcome.BodySignature;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Duplicate;
import dev.loyaltyrelay.application.ingest.IngestOutcome.IgnoreReason;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Ignored;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refusal;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refused;
import dev.loyaltyrelay.application.ingest.IngestOutcome.RetryLater;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Wait;
import dev.loyaltyrelay.application.ingest.MerchantDirectory.KnownMerchant;
import dev.loyaltyrelay.application.ingest.WebhookVerifier.Authentic;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryQueue;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.IngestLedger;
import dev.loyaltyrelay.domain.Merchant;
import dev.loyaltyrelay.domain.MerchantConfiguration.Route;
import dev.loyaltyrelay.domain.QueueRefused;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.domain.TrafficObservations;
import dev.loyaltyrelay.domain.BodySignatureScheme;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Takes one Nector webhook from bytes to queued delivery jobs, in steps: verify it ({@link WebhookVerifier}), read it
 * ({@link WebhookReader}), learn the customer and what the topic's events carry ({@link TrafficLearning}), route it, hold what does not validate ({@link EventHolding}), claim the
 * delivery id ({@link IngestClaims}), fan out ({@link DeliveryFanOut}). The answer is an {@link IngestOutcome}: every
 * client mistake is refused or acknowledged, and only a store, queue or key service that cannot be reached asks for a
 * retry.
 */
@ApplicationScoped
public class WebhookIngestion {

    private static final Logger LOG = Logger.getLogger(WebhookIngestion.class);
    private static final Pattern TOPIC_FORMAT = Pattern.compile("^[a-z0-9_]{1,64}$");

    private final MerchantDirectory merchants;
    private final EventCatalogue catalogue;
    private final CustomerStore customers;
    private final HeldEventStore held;
    private final IngestCounters counters;
    private final Clock clock;
    private final WebhookVerifier verifier;
    private final WebhookReader reader;
    private final EventHolding holding;
    private final IngestClaims claims;
    private final DeliveryFanOut fanOut;
    private final TrafficLearning learning;

    public WebhookIngestion(MerchantDirectory merchants, EventCatalogue catalogue, CustomerStore customers, HeldEventStore held,
            IngestLedger ledger, DeliveryQueue queue, TrafficObservations observations, RelayMetrics metrics, Clock clock, RelayConfig config) {
        this.merchants = merchants;
        this.catalogue = catalogue;
        this.customers = customers;
        this.held = held;
        this.counters = new IngestCounters(metrics);
        this.clock = clock;
        this.verifier = new WebhookVerifier(merchants, counters);
        this.reader = new WebhookReader(config.ingest());
        this.holding = new EventHolding(held, counters);
        this.claims = new IngestClaims(ledger, counters);
        this.fanOut = new DeliveryFanOut(queue, counters, catalogue);
        this.learning = new TrafficLearning(observations, counters);
    }

    public IngestOutcome ingest(WebhookRequest request) {
        try {
            Instant now = clock.instant();
            return switch (verifier.verify(request, now)) {
                case Step.Stop<Authentic>(IngestOutcome refused) -> refused;
                case Step.Proceed<Authentic>(Authentic authentic) -> ingestAuthentic(request, authentic.merchant(), now, authentic.signature(),
                        authentic.scheme());
            };
        } catch (WebhookRequest.AmbiguousHeader e) {
            return new Refused(Refusal.AMBIGUOUS_HEADER, e.getMessage());
        } catch (StoreUnavailable | SecretCipher.KeyServiceUnavailable e) {
            return unavailable(request.merchantId(), e);
        }
    }

    /**
     * Ingests a held event again (after the catalogue or the mapping was fixed). It was authenticated when it
     * arrived, so only validation and the fan-out run again; an event still invalid stays held.
     */
    public IngestOutcome replay(HeldEvent event) {
        // An admin call may replay many: each event's ids are on its own lines only.
        Map<String, Object> logContext = LogContext.snapshot();
        try {
            Optional<KnownMerchant> found = merchants.find(event.merchantId());
            if (found.isEmpty()) {
                return verifier.unknownMerchant();
            }
            var request = new WebhookRequest(event.merchantId(), event.headers(), event.body().getBytes(StandardCharsets.UTF_8));
            IngestOutcome outcome = ingestAuthentic(request, found.get(), clock.instant(), BodySignature.CHECKED_WHEN_HELD, Optional.empty());
            if (settlesHeldEvent(outcome)) {
                // Should this fail, the event stays held though queued; replayed again, its claim answers duplicate.
                held.release(event.merchantId(), event.nectorDeliveryId());
            }
            return outcome;
        } catch (StoreUnavailable | SecretCipher.KeyServiceUnavailable e) {
            return unavailable(event.merchantId(), e);
        } finally {
            LogContext.restore(logContext);
        }
    }

    /** Whether a replay's outcome is the held event's last word: queued, or nothing more to do with it. */
    private static boolean settlesHeldEvent(IngestOutcome outcome) {
        return switch (outcome) {
            case Accepted accepted -> true;
            case Ignored ignored -> true;
            case Duplicate duplicate -> true;
            case IngestOutcome.Held stillHeld -> false;
            case Refused refused -> false;
            case RetryLater retry -> false;
        };
    }

    private static RetryLater unavailable(String merchantId, RuntimeException e) {
        if (e instanceof SecretCipher.KeyServiceUnavailable) {
            LOG.warnf("ingest: key service unavailable for merchant %s: %s", merchantId, e.getMessage());
            return RetryLater.unavailable(Wait.KEY_SERVICE_UNAVAILABLE, "the relay's key service could not open the webhook secrets; retry later");
        }
        LOG.warnf("ingest: store unavailable for merchant %s: %s", merchantId, e.getMessage());
        return RetryLater.unavailable(Wait.STORE_UNAVAILABLE, "the relay's store could not be reached; retry later");
    }

    private IngestOutcome ingestAuthentic(WebhookRequest request, KnownMerchant known, Instant now, BodySignature signature,
            Optional<BodySignatureScheme> scheme) {
        // Authentic: the merchant is one of ours, so its id goes on the invocation's lines from here.
        LogContext.merchant(known.configuration().merchant().merchantId());
        return switch (reader.read(request)) {
            case Step.Stop<WebhookEvent>(IngestOutcome refused) -> refused;
            case Step.Proceed<WebhookEvent>(WebhookEvent event) -> {
                LogContext.nectorDelivery(event.nectorDeliveryId());
                yield route(request, known, event, now, signature, scheme);
            }
        };
    }

    /**
     * Learns the customer and, for a catalogue topic arriving now (not a replay), what its events carry; then ignores, holds
     * or claims and fans out the event by its topic and properties.
     */
    private IngestOutcome route(WebhookRequest request, KnownMerchant known, WebhookEvent event, Instant now, BodySignature signature,
            Optional<BodySignatureScheme> scheme) {
        Merchant merchant = known.configuration().merchant();
        String merchantId = merchant.merchantId();
        learnCustomer(merchant, event.properties());

        String topic = event.topic();
        if (!TOPIC_FORMAT.matcher(topic).matches() || !catalogue.knows(topic)) {
            return ignored(merchantId, IgnoreReason.UNKNOWN_TOPIC, "the topic is not in the relay's catalogue");
        }
        // Unmapped topics teach too (a merchant learns them before mapping them); a mapped one teaches once its claim is won,
        // so a delivery Nector retries is one event in the counts and the signature evidence. A replay teaches nothing.
        TrafficLearning.Lesson[] lesson = {TrafficLearning.Lesson.NONE};
        Runnable learn = signature == BodySignature.CHECKED_WHEN_HELD ? () -> { }
                : () -> lesson[0] = learning.start(merchantId, topic, event.body(), scheme, now);
        try {
            return routeCatalogued(request, known, event, now, signature, learn);
        } finally {
            lesson[0].awaitBriefly();
        }
    }

    private IngestOutcome routeCatalogued(WebhookRequest request, KnownMerchant known, WebhookEvent event, Instant now, BodySignature signature,
            Runnable learn) {
        Merchant merchant = known.configuration().merchant();
        String merchantId = merchant.merchantId();
        String topic = event.topic();
        List<Route> routes = known.configuration().routesFor(topic);
        if (routes.isEmpty()) {
            learn.run();
            return ignored(merchantId, IgnoreReason.TOPIC_NOT_MAPPED, "no enabled integration of this merchant maps the topic");
        }
        List<String> violations = catalogue.violations(topic, event.body());
        if (!violations.isEmpty()) {
            learn.run();
            return holding.holdInvalid(merchantId, request, event, violations, now);
        }
        return claimThenFanOut(merchant, request, event, routes, now, signature, learn);
    }

    private IngestOutcome claimThenFanOut(Merchant merchant, WebhookRequest request, WebhookEvent event, List<Route> routes, Instant now,
            BodySignature signature, Runnable learn) {
        String merchantId = merchant.merchantId();
        String bodyHash = Hashes.sha256Hex(request.body());
        Claims inHand;
        switch (claims.claim(merchantId, event.nectorDeliveryId(), bodyHash, now)) {
            case Step.Stop<Claims>(IngestOutcome answered) -> {
                return answered;
            }
            case Step.Proceed<Claims>(Claims claimed) -> inHand = claimed;
        }
        learn.run();
        try {
            return switch (claims.settleRepeat(merchant, inHand, event.topic(), bodyHash, now)) {
                case Step.Stop<Claims>(IngestOutcome answered) -> answered;
                case Step.Proceed<Claims>(Claims claimed) -> fanOut.fanOut(merchant, event, routes, claimed, signature, now);
            };
        } catch (QueueRefused refused) {
            return holding.holdRefusedByQueue(merchantId, request, event, refused.reason(), inHand, now);
        } catch (StoreUnavailable | QueueUnavailable e) {
            inHand.release();
            if (e instanceof QueueUnavailable) {
                LOG.warnf("ingest: queue unavailable for %s of merchant %s: %s", event.nectorDeliveryId(), merchantId, e.getMessage());
                counters.queueUnavailable();
                return RetryLater.unavailable(Wait.QUEUE_UNAVAILABLE, "a delivery queue could not be reached; retry later");
            }
            throw e;
        }
    }

    private Ignored ignored(String merchantId, IgnoreReason reason, String message) {
        counters.ignored(reason);
        return new Ignored(reason, message);
    }

    /** The customer database learns from every authentic event; failing to learn must not lose the event. */
    private void learnCustomer(Merchant merchant, Map<String, Object> properties) {
        try {
            CustomerProfile.fromEvent(merchant.merchantId(), properties, merchant.defaultCountry()).ifPresent(customers::upsert);
        } catch (RuntimeException e) {
            // Unreachable, or refused (a key the store will not take): either way the event goes on without it.
            counters.customerNotRecorded();
            LOG.warnf("ingest: customer not recorded for merchant %s: %s", merchant.merchantId(), e.getMessage());
        }
    }
}
