package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.AdminRoutes.Route;
import dev.loyaltyrelay.application.delivery.Recovery;
import dev.loyaltyrelay.domain.CustomerProfile;
import dev.loyaltyrelay.domain.CustomerStore;
import dev.loyaltyrelay.domain.DeliveryFigures;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.DeliveryPage;
import dev.loyaltyrelay.domain.DeliveryLedger.DeliveryQuery;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.HeldEventStore.HeldPage;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientResolver;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.application.ingest.IngestOutcome;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Delivery status, figures, recovery (dead letters, resend, held events) and erasure. */
@ApplicationScoped
public class DeliveriesApi {

    static final String BASE = MerchantsApi.BASE;
    static final String PROVIDERS = "/v1/admin/providers/{provider}";
    static final int MAX_FIGURE_DAYS = 366;
    /** An erasure follows records from one address to the other this many addresses at most (a person has a few). */
    static final int MAX_ERASED_ADDRESSES = 20;
    /** Letters one redrive call takes at most; the operator calls again until {@code complete}. */
    static final int MAX_REDRIVE_PAGE = 500;
    /** Well inside the admin function's 29 s timeout, so a call always answers with what it did. */
    static final java.time.Duration REDRIVE_TIME_BUDGET = java.time.Duration.ofSeconds(20);

    private final MerchantsApi merchants;
    private final DeliveryLedger ledger;
    private final DeliveryFigures figures;
    private final Recovery recovery;
    private final ProviderQueues queues;
    private final HeldEventStore held;
    private final WebhookIngestion ingestion;
    private final CustomerStore customers;
    private final RecipientPolicies recipientPolicies;
    private final Clock clock;

    DeliveriesApi(MerchantsApi merchants, DeliveryLedger ledger, DeliveryFigures figures, Recovery recovery, ProviderQueues queues,
            HeldEventStore held, WebhookIngestion ingestion, CustomerStore customers, RecipientPolicies recipientPolicies, Clock clock) {
        this.merchants = merchants;
        this.ledger = ledger;
        this.figures = figures;
        this.recovery = recovery;
        this.queues = queues;
        this.held = held;
        this.ingestion = ingestion;
        this.customers = customers;
        this.recipientPolicies = recipientPolicies;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(
                Route.merchant("GET", BASE + "/deliveries", this::list),
                Route.merchant("GET", BASE + "/deliveries/{deliveryId}", this::one),
                Route.merchant("POST", BASE + "/deliveries/{deliveryId}/resend", this::resend),
                Route.merchant("GET", BASE + "/figures", this::figures),
                Route.merchant("GET", BASE + "/held-events", this::heldEvents),
                Route.merchant("POST", BASE + "/held-events/replay", this::replayHeld),
                Route.merchant("POST", BASE + "/customers/erase", this::erase),
                Route.operator("GET", PROVIDERS + "/dead-letters", this::deadLetters),
                Route.operator("POST", PROVIDERS + "/dead-letters/redrive", this::redrive));
    }

    private AdminResponse list(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        DeliveryStatus status = request.query("status").map(s -> parseEnum(DeliveryStatus.class, "status", s)).orElse(null);
        Provider provider = request.query("provider").map(p -> Provider.fromKey(p).orElseThrow(() -> ApiProblem.invalid("provider", "unknown provider")))
                .orElse(null);
        String recipient = request.query("recipient").map(r -> r.contains("@")
                ? RecipientResolver.normaliseEmail(r).orElseThrow(() -> ApiProblem.invalid("recipient", "not a valid email or mobile"))
                : RecipientResolver.mobileToE164(r, configuration.merchant().defaultCountry())
                        .orElseThrow(() -> ApiProblem.invalid("recipient", "not a valid email or mobile"))).orElse(null);
        int limit = request.query("limit").map(l -> parseInt("limit", l, 1, 100)).orElse(25);
        Instant from = request.query("from").map(f -> parseInstant("from", f)).orElse(null);
        Instant to = request.query("to").map(t -> parseInstant("to", t)).orElse(null);
        if (from != null && to != null && from.isAfter(to)) {
            throw ApiProblem.invalid("from", "from must be on or before to");
        }
        DeliveryPage page;
        try {
            page = ledger.list(request.merchantId(), new DeliveryQuery(from, to, status, request.query("topic").orElse(null), provider, recipient,
                    limit, request.query("cursor").orElse(null)));
        } catch (DeliveryLedger.InvalidCursor e) {
            throw ApiProblem.invalid("cursor", "not a cursor this API gave out");
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("deliveries", page.deliveries().stream().map(d -> view(d, false)).toList());
        body.put("nextCursor", page.nextCursor());
        return AdminResponse.ok(body);
    }

    private AdminResponse one(AdminRequest request) {
        return AdminResponse.ok(view(delivery(request), true));
    }

    private AdminResponse resend(AdminRequest request) {
        DeliveryRecord record = delivery(request);
        return switch (recovery.resend(record.deliveryId())) {
            case REQUEUED -> new AdminResponse(202, Map.of("deliveryId", record.deliveryId(), "status", "requeued"));
            case ALREADY_PENDING -> new AdminResponse(202, Map.of("deliveryId", record.deliveryId(), "status", "resend_pending",
                    "note", "a resend was already asked for; it is sent once"));
            case NOT_FOUND -> throw ApiProblem.notFound("delivery");
            case NOT_FINISHED -> throw new ApiProblem(409, "delivery_in_progress", "the delivery has not ended; it is still being retried");
            case JOB_GONE -> throw new ApiProblem(410, "job_gone", "the delivery's job is no longer kept (erased or too old)");
            case QUEUE_UNAVAILABLE -> throw new ApiProblem(503, "queue_unavailable",
                    "the delivery could not be queued again; nothing changed, retry later");
        };
    }

    private DeliveryRecord delivery(AdminRequest request) {
        return ledger.find(request.path("deliveryId")).filter(d -> d.merchantId().equals(request.merchantId()))
                .orElseThrow(() -> ApiProblem.notFound("delivery"));
    }

    private AdminResponse figures(AdminRequest request) {
        merchants.existing(request.merchantId());
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate to = request.query("to").map(t -> parseDate("to", t)).orElse(today);
        LocalDate from = request.query("from").map(f -> parseDate("from", f)).orElse(to.minusDays(29));
        if (from.isAfter(to) || from.plusDays(MAX_FIGURE_DAYS).isBefore(to)) {
            throw ApiProblem.invalid("from", "from must be on or before to, and at most " + MAX_FIGURE_DAYS + " days before it");
        }
        List<DeliveryFigures.Figure> all = figures.read(request.merchantId(), from, to);
        var totals = new TreeMap<String, Long>();
        var byProvider = new TreeMap<String, Map<String, Long>>();
        var byTopic = new TreeMap<String, Map<String, Long>>();
        var byReason = new TreeMap<String, Long>();
        for (DeliveryFigures.Figure figure : all) {
            String outcome = figure.outcome().name().toLowerCase(Locale.ROOT);
            totals.merge(outcome, figure.count(), Long::sum);
            byProvider.computeIfAbsent(figure.provider().key(), k -> new TreeMap<>()).merge(outcome, figure.count(), Long::sum);
            byTopic.computeIfAbsent(figure.topic(), k -> new TreeMap<>()).merge(outcome, figure.count(), Long::sum);
            if (figure.outcome() != DeliveryFigures.Outcome.PENDING) {
                byReason.merge(outcome + ":" + figure.reason(), figure.count(), Long::sum);
            }
        }
        for (String outcome : List.of("sent", "failed", "unknown", "suppressed", "pending")) {
            totals.putIfAbsent(outcome, 0L);
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("totals", totals);
        body.put("deliveryRate", deliveryRate(totals));
        body.put("byProvider", byProvider);
        body.put("byTopic", byTopic);
        body.put("byReason", byReason);
        body.put("definition", "counted by the UTC day the event was received; deliveryRate = sent / (sent + failed + unknown);"
                + " suppressed deliveries are left out of the rate, pending ones are still being retried");
        return AdminResponse.ok(body);
    }

    static Double deliveryRate(Map<String, Long> totals) {
        long ended = totals.getOrDefault("sent", 0L) + totals.getOrDefault("failed", 0L) + totals.getOrDefault("unknown", 0L);
        return ended == 0 ? null : Math.round(10_000.0 * totals.getOrDefault("sent", 0L) / ended) / 10_000.0;
    }

    private AdminResponse heldEvents(AdminRequest request) {
        merchants.existing(request.merchantId());
        int limit = request.query("limit").map(l -> parseInt("limit", l, 1, 100)).orElse(25);
        String after = request.query("cursor").map(DeliveriesApi::heldEventAfter).orElse(null);
        HeldPage page = held.page(request.merchantId(), after, limit);
        var body = new LinkedHashMap<String, Object>();
        body.put("heldEvents", page.events().stream().map(DeliveriesApi::heldView).toList());
        body.put("nextCursor", page.continueAfter() == null ? null : heldCursor(page.continueAfter()));
        return AdminResponse.ok(body);
    }

    /**
     * Replay stops taking new events after this long, leaving the rest of the admin function's 29 s for the event in hand
     * (a few store and queue calls, with the SDK's retries) and the answer.
     */
    static final Duration HELD_REPLAY_TIME_BUDGET = Duration.ofSeconds(20);

    /**
     * Replays held events in delivery-id order, from the cursor the previous call returned: at most {@code max} a call
     * and within {@link #HELD_REPLAY_TIME_BUDGET}. Each replay goes through ingest's claim, so an event replayed twice
     * (a call repeated, a release lost) is queued once. An answer a retry may change (409, 5xx) stops the call with
     * the cursor on that event.
     */
    private AdminResponse replayHeld(AdminRequest request) {
        merchants.existing(request.merchantId());
        Fields fields = Fields.optionalBody(request.body()).only(Set.of("cursor", "max"));
        int max = fields.optionalWhole("max", 1, 100).orElse(25L).intValue();
        String resumeAfter = fields.optionalText("cursor", 1_000).map(DeliveriesApi::heldEventAfter).orElse(null);
        long deadline = System.nanoTime() + HELD_REPLAY_TIME_BUDGET.toNanos();
        List<Map<String, Object>> results = new ArrayList<>();
        String stoppedBy = null;
        while (true) {
            HeldPage page;
            try {
                page = held.page(request.merchantId(), resumeAfter, max - results.size());
            } catch (StoreUnavailable e) {
                if (results.isEmpty()) {
                    throw e;
                }
                stoppedBy = "retry_later";
                break;
            }
            for (HeldEvent event : page.events()) {
                IngestOutcome outcome = ingestion.replay(event);
                results.add(replayResult(event, outcome));
                if (outcome instanceof IngestOutcome.RetryLater) {
                    stoppedBy = "retry_later";
                    break;
                }
                resumeAfter = event.nectorDeliveryId();
                if (results.size() >= max) {
                    stoppedBy = "max";
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    stoppedBy = "time_budget";
                    break;
                }
            }
            if (stoppedBy != null || page.continueAfter() == null) {
                break;
            }
            resumeAfter = page.continueAfter();
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("replayed", results);
        body.put("nextCursor", stoppedBy == null ? null : heldCursor(resumeAfter));
        body.put("stoppedBy", stoppedBy);
        return AdminResponse.ok(body);
    }

    /**
     * A replayed event's line: the status the webhook endpoint answers the same outcome with, and its status word or
     * error code (ingest/IngestHandler's answer; IngestOutcomeAnswersTest keeps the two in step).
     */
    static Map<String, Object> replayResult(HeldEvent event, IngestOutcome outcome) {
        record Answered(int httpStatus, String result) {
        }
        Answered answered = switch (outcome) {
            case IngestOutcome.Accepted accepted -> new Answered(202, "accepted");
            case IngestOutcome.Held held -> new Answered(202, "held");
            case IngestOutcome.Ignored ignored -> new Answered(202, "ignored");
            case IngestOutcome.Duplicate duplicate -> new Answered(200, "duplicate");
            case IngestOutcome.Refused refused -> switch (refused.refusal().kind()) {
                case UNAUTHENTIC -> new Answered(401, "unauthorized");
                case MALFORMED -> new Answered(400, refused.refusal().code());
                case CONFLICT -> new Answered(422, refused.refusal().code());
            };
            case IngestOutcome.RetryLater retry -> new Answered(retry.reason() == IngestOutcome.Wait.IN_PROGRESS ? 409 : 503, retry.reason().code());
        };
        var result = new LinkedHashMap<String, Object>();
        result.put("nectorDeliveryId", event.nectorDeliveryId());
        result.put("topic", event.topic());
        result.put("httpStatus", answered.httpStatus());
        result.put("result", answered.result());
        return result;
    }

    private static final String HELD_CURSOR_PREFIX = "held:";

    /** A held-events cursor: where to continue, after a delivery id (or from the first, when null). */
    private static String heldCursor(String afterDeliveryId) {
        String text = HELD_CURSOR_PREFIX + (afterDeliveryId == null ? "" : afterDeliveryId);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String heldEventAfter(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("cursor", "not a cursor this API gave out");
        }
        if (!text.startsWith(HELD_CURSOR_PREFIX)) {
            throw ApiProblem.invalid("cursor", "not a cursor this API gave out");
        }
        String after = text.substring(HELD_CURSOR_PREFIX.length());
        return after.isEmpty() ? null : after;
    }

    /**
     * Erases a customer: every customer record that carries the address (and, in turn, the other address those
     * records carry), the recipient and kept job of every delivery to any of those addresses, and any delivery still
     * waiting for a retry (ended {@code SUPPRESSED}). A job already queued about the person is not sent: the erasure is
     * remembered under a keyed hash of each address, first, so a delivery that starts meanwhile is suppressed too.
     */
    private AdminResponse erase(AdminRequest request) {
        MerchantConfiguration configuration = merchants.existing(request.merchantId());
        Fields fields = Fields.of(request.body()).only(Set.of("mobile", "email"));
        String merchantId = request.merchantId();
        Contact contact = Contact.from(fields, configuration.merchant().defaultCountry());
        Instant now = clock.instant();
        var addresses = new java.util.LinkedHashSet<Recipient>(List.of(new Recipient(contact.kind(), contact.address())));
        var profiles = new java.util.LinkedHashMap<String, CustomerProfile>();
        var toSearch = new java.util.ArrayDeque<Recipient>(addresses);
        while (!toSearch.isEmpty() && addresses.size() <= MAX_ERASED_ADDRESSES) {
            for (CustomerProfile profile : customers.withAddress(merchantId, toSearch.poll())) {
                profiles.putIfAbsent(profile.customerKey(), profile);
                for (Recipient other : profile.addresses()) {
                    if (addresses.add(other)) {
                        toSearch.add(other);
                    }
                }
            }
        }
        for (Recipient address : addresses) {
            recipientPolicies.recordErasure(new RecipientPolicies.RecipientKey(merchantId, address), now);
        }
        int deliveries = 0;
        for (Recipient address : addresses) {
            deliveries += ledger.eraseRecipient(merchantId, address, now);
        }
        profiles.values().forEach(customers::erase);
        var body = new LinkedHashMap<String, Object>();
        body.put("customerRecords", profiles.size());
        body.put("addresses", addresses.size());
        body.put("deliveryRecords", deliveries);
        body.put("note", "held events keep their raw body until they expire (14 days); consent records are not kept yet");
        return AdminResponse.ok(body);
    }

    private AdminResponse deadLetters(AdminRequest request) {
        Provider provider = provider(request);
        try {
            return AdminResponse.ok(Map.of("provider", provider.key(), "approximateCount", queues.deadLetterCount(provider)));
        } catch (QueueUnavailable e) {
            throw new ApiProblem(503, "queue_unavailable", "the dead-letter queue cannot be read now");
        }
    }

    private AdminResponse redrive(AdminRequest request) {
        Provider provider = provider(request);
        int max = Fields.optionalBody(request.body()).only(Set.of("max")).optionalWhole("max", 1, MAX_REDRIVE_PAGE).orElse(100L).intValue();
        try {
            Recovery.Redriven redriven = recovery.redrive(provider, max, REDRIVE_TIME_BUDGET);
            var ended = new TreeMap<String, Integer>();
            redriven.alreadyEnded().forEach((status, count) -> ended.put(status.name().toLowerCase(Locale.ROOT), count));
            var body = new LinkedHashMap<String, Object>();
            body.put("provider", provider.key());
            body.put("requeued", redriven.requeued());
            body.put("alreadyEnded", ended);
            body.put("unreadable", redriven.unreadable());
            body.put("remaining", redriven.remaining());
            body.put("stoppedBy", redriven.stoppedBy());
            body.put("complete", "empty".equals(redriven.stoppedBy()));
            return AdminResponse.ok(body);
        } catch (QueueUnavailable e) {
            throw new ApiProblem(503, "queue_unavailable", "the queues cannot be reached now; what was moved stays moved, call again to go on");
        }
    }

    private static Provider provider(AdminRequest request) {
        return Provider.fromKey(request.path("provider")).orElseThrow(() -> ApiProblem.notFound("provider"));
    }

    static Map<String, Object> view(DeliveryRecord record, boolean withTrail) {
        var view = new LinkedHashMap<String, Object>();
        view.put("deliveryId", record.deliveryId());
        view.put("provider", record.provider().key());
        view.put("integrationId", record.integrationId());
        view.put("topic", record.topic());
        view.put("recipient", record.recipientMasked());
        view.put("status", record.status().name().toLowerCase(Locale.ROOT));
        view.put("reason", record.reason());
        if (record.givenUpBy() != null) {
            view.put("givenUpBy", record.givenUpBy());
        }
        view.put("attempts", record.attempts());
        view.put("providerMessageId", record.providerMessageId());
        view.put("receivedAt", record.receivedAt().toString());
        view.put("updatedAt", record.updatedAt() == null ? null : record.updatedAt().toString());
        view.put("nextAttemptAt", record.nextAttemptAt() == null ? null : record.nextAttemptAt().toString());
        if (withTrail) {
            view.put("trail", record.trail().stream().map(entry -> {
                var step = new LinkedHashMap<String, Object>();
                step.put("at", entry.at().toString());
                step.put("status", entry.status().name().toLowerCase(Locale.ROOT));
                step.put("reason", entry.reason());
                step.put("providerCalled", entry.providerCalled());
                step.put("httpStatus", entry.httpStatus() == 0 ? null : entry.httpStatus());
                return step;
            }).toList());
        }
        return view;
    }

    private static Map<String, Object> heldView(HeldEvent event) {
        var view = new LinkedHashMap<String, Object>();
        view.put("nectorDeliveryId", event.nectorDeliveryId());
        view.put("topic", event.topic());
        view.put("reason", event.reason());
        view.put("detail", event.detail());
        view.put("receivedAt", event.receivedAt().toString());
        return view;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String field, String text) {
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(field, "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    private static int parseInt(String field, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw ApiProblem.invalid(field, "between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid(field, "a whole number");
        }
    }

    private static Instant parseInstant(String field, String text) {
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(field, "an ISO 8601 date or instant, e.g. 2026-11-18 or 2026-11-18T10:00:00Z");
        }
    }

    private static LocalDate parseDate(String field, String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalid(field, "an ISO 8601 date, e.g. 2026-11-18");
        }
    }
}
