package dev.loyaltyrelay.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loyaltyrelay.application.ingest.IngestOutcome;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Accepted;
import dev.loyaltyrelay.application.ingest.IngestOutcome.BodySignature;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Duplicate;
import dev.loyaltyrelay.application.ingest.IngestOutcome.DuplicateOf;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Held;
import dev.loyaltyrelay.application.ingest.IngestOutcome.HoldReason;
import dev.loyaltyrelay.application.ingest.IngestOutcome.IgnoreReason;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Ignored;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refusal;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Refused;
import dev.loyaltyrelay.application.ingest.IngestOutcome.RetryLater;
import dev.loyaltyrelay.application.ingest.IngestOutcome.Wait;
import dev.loyaltyrelay.domain.HeldEvent;
import dev.loyaltyrelay.ingest.IngestAnswerAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A replayed held event's line says what the webhook endpoint answers the same outcome with: its HTTP status, and its
 * {@code status} word or else its {@code error} code. Admin's replay writes that line from the typed outcome itself (it
 * cannot reach the ingest function's edge), so this keeps the two in step for every outcome there is.
 */
class ReplayResultTest {

    private static final HeldEvent HELD = new HeldEvent("m-1", "d-1", "walletreward_create", "schema_violation", "user_name: type",
            Map.of(), "{}", Instant.parse("2026-11-20T10:00:00Z"));

    static List<IngestOutcome> everyOutcome() {
        var outcomes = new ArrayList<IngestOutcome>();
        Arrays.stream(BodySignature.values()).forEach(signature -> outcomes.add(new Accepted(signature, List.of(), List.of())));
        Arrays.stream(HoldReason.values()).forEach(reason -> outcomes.add(new Held(reason, List.of("detail"), "what happens")));
        Arrays.stream(IgnoreReason.values()).forEach(reason -> outcomes.add(new Ignored(reason, "why")));
        Arrays.stream(DuplicateOf.values()).forEach(of -> outcomes.add(new Duplicate(of)));
        Arrays.stream(Refusal.values()).forEach(refusal -> outcomes.add(new Refused(refusal, "why")));
        Arrays.stream(Wait.values()).forEach(wait -> outcomes.add(new RetryLater(wait, "why",
                wait == Wait.IN_PROGRESS ? Optional.of(Duration.ofSeconds(7)) : Optional.empty())));
        return outcomes;
    }

    @ParameterizedTest
    @MethodSource("everyOutcome")
    void aReplayedEventsLine_carriesTheWebhookEndpointsStatusAndWord_forTheSameOutcome(IngestOutcome outcome) {
        DeliveryBodies.Replayed line = HeldEventsApi.replayed(HELD, outcome);
        Map<String, Object> answered = IngestAnswerAccess.body(outcome);

        assertEquals(IngestAnswerAccess.status(outcome), line.httpStatus());
        assertEquals(answered.getOrDefault("status", answered.get("error")), line.result());
        assertEquals("d-1", line.nectorDeliveryId());
        assertEquals("walletreward_create", line.topic());
    }
}
