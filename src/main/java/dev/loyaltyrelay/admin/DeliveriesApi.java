package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.DeliveryBodies.Delivery;
import dev.loyaltyrelay.admin.DeliveryBodies.DeliveryPage;
import dev.loyaltyrelay.admin.DeliveryBodies.Requeued;
import dev.loyaltyrelay.application.delivery.Recovery;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.DeliveryQuery;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.MerchantConfiguration;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.RecipientResolver;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Delivery status: a merchant's deliveries, paged and filtered, one delivery with its trail, and its resend. */
@ApplicationScoped
public class DeliveriesApi {

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    DeliveryLedger ledger;
    @Inject
    Recovery recovery;

    AdminResponse<DeliveryPage> list(AdminRequest<Void> request) {
        MerchantConfiguration configuration = request.merchant();
        DeliveryStatus status = request.query("status").map(s -> Fields.enumValue(DeliveryStatus.class, "status", s)).orElse(null);
        Provider provider = request.query("provider").map(p -> Provider.fromKey(p).orElseThrow(() -> ApiProblem.invalid("provider", "unknown provider")))
                .orElse(null);
        String recipient = request.query("recipient").map(r -> r.contains("@")
                ? RecipientResolver.normaliseEmail(r).orElseThrow(() -> ApiProblem.invalid("recipient", "not a valid email or mobile"))
                : RecipientResolver.mobileToE164(r, configuration.merchant().defaultCountry())
                        .orElseThrow(() -> ApiProblem.invalid("recipient", "not a valid email or mobile"))).orElse(null);
        String reason = request.query("reason").map(r -> {
            if (!r.matches("[a-z0-9_:.-]{1,128}")) {
                throw ApiProblem.invalid("reason", "a reason code, e.g. opted_out");
            }
            return r;
        }).orElse(null);
        int limit = request.query("limit").map(l -> Fields.wholeNumber("limit", l, 1, 100)).orElse(25);
        Instant from = request.query("from").map(f -> Fields.instant("from", f)).orElse(null);
        Instant to = request.query("to").map(t -> Fields.instant("to", t)).orElse(null);
        if (from != null && to != null && from.isAfter(to)) {
            throw ApiProblem.invalid("from", "from must be on or before to");
        }
        DeliveryLedger.DeliveryPage page;
        try {
            page = ledger.list(request.merchantId(), new DeliveryQuery(from, to, status, request.query("topic").orElse(null), provider, recipient,
                    limit, request.query("cursor").orElse(null), reason));
        } catch (DeliveryLedger.InvalidCursor e) {
            throw ApiProblem.invalid("cursor", "not a cursor this API gave out");
        }
        return AdminResponse.ok(new DeliveryPage(page.deliveries().stream().map(d -> Delivery.of(d, false)).toList(), page.nextCursor()));
    }

    AdminResponse<Delivery> one(AdminRequest<Void> request) {
        return AdminResponse.ok(Delivery.of(delivery(request), true));
    }

    AdminResponse<Requeued> resend(AdminRequest<Void> request) {
        DeliveryRecord record = delivery(request);
        return switch (recovery.resend(record.deliveryId())) {
            case REQUEUED -> AdminResponse.accepted(new Requeued(record.deliveryId(), "requeued", null));
            case ALREADY_PENDING -> AdminResponse.accepted(new Requeued(record.deliveryId(), "resend_pending",
                    "a resend was already asked for; it is sent once"));
            case NOT_FOUND -> throw ApiProblem.notFound("delivery");
            case NOT_FINISHED -> throw new ApiProblem(409, "delivery_in_progress", "the delivery has not ended; it is still being retried");
            case JOB_GONE -> throw new ApiProblem(410, "job_gone", "the delivery's job is no longer kept (erased or too old)");
            case QUEUE_UNAVAILABLE -> throw new ApiProblem(503, "queue_unavailable",
                    "the delivery could not be queued again; nothing changed, retry later");
        };
    }

    private DeliveryRecord delivery(AdminRequest<Void> request) {
        return ledger.find(request.path("deliveryId")).filter(d -> d.merchantId().equals(request.merchantId()))
                .orElseThrow(() -> ApiProblem.notFound("delivery"));
    }
}
