package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.DeliveryBodies.Held;
import dev.loyaltyrelay.admin.DeliveryBodies.HeldEventList;
import dev.loyaltyrelay.admin.DeliveryBodies.HeldEventReplay;
import dev.loyaltyrelay.admin.DeliveryBodies.ReplayResult;
import dev.loyaltyrelay.admin.DeliveryBodies.Replayed;
import dev.loyaltyrelay.application.ingest.IngestOutcome;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.domain.HeldEventStore;
import dev.loyaltyrelay.domain.HeldEventStore.HeldPage;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A merchant's events held as invalid, listed a page at a time and replayed through ingest once the catalogue or the
 * mapping is fixed. (A provider's dead letters are {@link DeadLettersApi}'s; a single delivery's resend is
 * {@link DeliveriesApi}'s.)
 */
@ApplicationScoped
public class HeldEventsApi {

    /**
     * Replay stops taking new events after this long, leaving the rest of the admin function's 29 s for the event in hand
     * (a few store and queue calls, with the SDK's retries) and the answer.
     */
    static final Duration HELD_REPLAY_TIME_BUDGET = Duration.ofSeconds(20);
    private static final String HELD_CURSOR_PREFIX = "held:";

    // Collaborators injected into package-private fields, as Quarkus' guides do for an endpoint class: the admin
    // API's classes are CDI beans only, never built by hand.
    @Inject
    HeldEventStore held;
    @Inject
    WebhookIngestion ingestion;

    AdminResponse<HeldEventList> heldEvents(AdminRequest<Void> request) {
        request.merchant();
        int limit = request.query("limit").map(l -> Fields.wholeNumber("limit", l, 1, 100)).orElse(25);
        String after = request.query("cursor").map(HeldEventsApi::heldEventAfter).orElse(null);
        HeldPage page = held.page(request.merchantId(), after, limit);
        return AdminResponse.ok(new HeldEventList(page.events().stream().map(Held::of).toList(),
                page.continueAfter() == null ? null : heldCursor(page.continueAfter())));
    }

    /**
     * Replays held events in delivery-id order, from the cursor the previous call returned: at most {@code max} a call
     * and within {@link #HELD_REPLAY_TIME_BUDGET}. Each replay goes through ingest's claim, so an event replayed twice
     * (a call repeated, a release lost) is queued once. An answer a retry may change (409, 5xx) stops the call with
     * the cursor on that event.
     */
    AdminResponse<ReplayResult> replayHeld(AdminRequest<HeldEventReplay> request) {
        request.merchant();
        HeldEventReplay given = request.body();
        int max = Fields.whole("max", given.max(), 1, 100).orElse(25L).intValue();
        String resumeAfter = Fields.text("cursor", given.cursor(), 1_000).map(HeldEventsApi::heldEventAfter).orElse(null);
        long deadline = System.nanoTime() + HELD_REPLAY_TIME_BUDGET.toNanos();
        List<Replayed> results = new ArrayList<>();
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
                results.add(replayed(event, outcome));
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
        return AdminResponse.ok(new ReplayResult(results, stoppedBy == null ? null : heldCursor(resumeAfter), stoppedBy));
    }

    /**
     * A replayed event's line: the status the webhook endpoint answers the same outcome with, and its status word or
     * error code (ingest/IngestHandler's answer; ReplayResultTest keeps the two in step).
     */
    static Replayed replayed(HeldEvent event, IngestOutcome outcome) {
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
        return new Replayed(event.nectorDeliveryId(), event.topic(), answered.httpStatus(), answered.result());
    }

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
}
