package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.DeliveryBodies.Figures;
import dev.loyaltyrelay.admin.DeliveryBodies.ReceiptRates;
import dev.loyaltyrelay.admin.DeliveryBodies.Receipts;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderGateway;
import dev.loyaltyrelay.domain.ReceiptState;
import dev.loyaltyrelay.domain.DeliveryFigures;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A merchant's figures: sent, failed, unknown, suppressed and pending by provider, topic and reason, and the delivery rate. */
@ApplicationScoped
public class FiguresApi {

    static final int MAX_FIGURE_DAYS = 366;

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    DeliveryFigures figures;
    @Inject
    Clock clock;
    @Inject
    ProviderGateway gateway;

    AdminResponse<Figures> figures(AdminRequest<Void> request) {
        request.merchant();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate to = request.query("to").map(t -> Fields.date("to", t)).orElse(today);
        LocalDate from = request.query("from").map(f -> Fields.date("from", f)).orElse(to.minusDays(29));
        if (from.isAfter(to) || from.plusDays(MAX_FIGURE_DAYS).isBefore(to)) {
            throw ApiProblem.invalid("from", "from must be on or before to, and at most " + MAX_FIGURE_DAYS + " days before it");
        }
        var totals = new TreeMap<String, Long>();
        var byProvider = new TreeMap<String, Map<String, Long>>();
        var byTopic = new TreeMap<String, Map<String, Long>>();
        var byReason = new TreeMap<String, Long>();
        var receiptsByProvider = new TreeMap<String, long[]>();
        var receiptsByTopic = new TreeMap<String, long[]>();
        var receiptsByTemplate = new TreeMap<String, long[]>();
        for (DeliveryFigures.Figure figure : figures.read(request.merchantId(), from, to)) {
            if (figure.outcome() == DeliveryFigures.Outcome.SENT && reportsReceipts(figure.provider())) {
                count(receiptsByProvider.computeIfAbsent(figure.provider().key(), k -> new long[3]), figure);
                count(receiptsByTopic.computeIfAbsent(figure.topic(), k -> new long[3]), figure);
                if (figure.template() != null) {
                    count(receiptsByTemplate.computeIfAbsent(figure.provider().key() + ":" + figure.template(), k -> new long[3]), figure);
                }
            }
            String outcome = figure.outcome().name().toLowerCase(Locale.ROOT);
            totals.merge(outcome, figure.count(), Long::sum);
            byProvider.computeIfAbsent(figure.provider().key(), k -> new TreeMap<>()).merge(outcome, figure.count(), Long::sum);
            byTopic.computeIfAbsent(figure.topic(), k -> new TreeMap<>()).merge(outcome, figure.count(), Long::sum);
            if (figure.outcome() != DeliveryFigures.Outcome.PENDING) {
                byReason.merge(outcome + ":" + figure.reason(), figure.count(), Long::sum);
            } else if (!DeliveryFigures.Counted.WAITING.equals(figure.reason())) {
                // A deferred delivery is pending too; byReason says what it waits for (deferred:quiet_hours).
                byReason.merge("deferred:" + figure.reason(), figure.count(), Long::sum);
            }
        }
        for (String outcome : List.of("sent", "failed", "unknown", "suppressed", "pending")) {
            totals.putIfAbsent(outcome, 0L);
        }
        return AdminResponse.ok(new Figures(from.toString(), to.toString(), totals, deliveryRate(totals), byProvider, byTopic, byReason,
                new Receipts(rates(receiptsByProvider), rates(receiptsByTopic), rates(receiptsByTemplate)),
                "counted by the UTC day the event was received; deliveryRate = sent / (sent + failed + unknown);"
                        + " suppressed deliveries are left out of the rate; pending ones wait for a retry, or (byReason deferred:<reason>)"
                        + " for the end of quiet hours; receipts (providers that report them): deliveredRate = delivered / sent,"
                        + " readRate = read / sent, a message read counting as delivered, one reported failed after it was accepted"
                        + " counting as failed"));
    }

    private boolean reportsReceipts(Provider provider) {
        return gateway.reportsReceipts(provider);
    }

    /** sent, delivered (read included), read: a sent message's counter's reason is its receipt ({@code sent} for none yet). */
    private static void count(long[] counts, DeliveryFigures.Figure figure) {
        counts[0] += figure.count();
        if (ReceiptState.DELIVERED.key().equals(figure.reason()) || ReceiptState.READ.key().equals(figure.reason())) {
            counts[1] += figure.count();
        }
        if (ReceiptState.READ.key().equals(figure.reason())) {
            counts[2] += figure.count();
        }
    }

    private static Map<String, ReceiptRates> rates(Map<String, long[]> counts) {
        var rates = new TreeMap<String, ReceiptRates>();
        counts.forEach((key, c) -> rates.put(key, new ReceiptRates(c[0], c[1], c[2], ratio(c[1], c[0]), ratio(c[2], c[0]))));
        return rates;
    }

    private static Double ratio(long part, long whole) {
        return whole == 0 ? null : Math.round(10_000.0 * part / whole) / 10_000.0;
    }

    static Double deliveryRate(Map<String, Long> totals) {
        long ended = totals.getOrDefault("sent", 0L) + totals.getOrDefault("failed", 0L) + totals.getOrDefault("unknown", 0L);
        return ended == 0 ? null : Math.round(10_000.0 * totals.getOrDefault("sent", 0L) / ended) / 10_000.0;
    }
}
