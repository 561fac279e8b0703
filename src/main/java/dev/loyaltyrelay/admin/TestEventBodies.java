package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;
import java.util.Map;

/**
 * The bodies of {@link TestEventApi}'s route, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest
 * holds each record and its schema together).
 */
final class TestEventBodies {

    static final String PROPERTIES = "an object of at most 100 property values";

    private TestEventBodies() {
    }

    /** {@code TestSend}: the customer (exactly one of mobile and email) and values to test with, by property. */
    @RegisterForReflection
    record TestSend(String mobile, String email, @JsonPropertyDescription(PROPERTIES) Map<String, JsonNode> properties) {
    }

    /**
     * {@code TestResult}: what was rendered (addresses masked), where each value came from, the provider's answer, and
     * what a real event to this customer would meet now.
     */
    @RegisterForReflection
    record TestResult(String recipient, List<String> rendered, List<String> forwarded, Map<String, String> valueSources, Outcome outcome,
            RealEvent realEvent) {
    }

    /**
     * {@code TestRealEvent}: {@code send}, or {@code suppressed} / {@code deferred} with the reason (e.g. {@code opted_out},
     * {@code quiet_hours}, {@code frequency_cap}); a deferred one says when it would go ({@code notBefore}: the end of the
     * quiet hours).
     */
    @RegisterForReflection
    record RealEvent(String status, String reason, @JsonInclude(JsonInclude.Include.NON_NULL) String notBefore) {
        static RealEvent of(java.util.Optional<DeliveryOutcome> stopped) {
            return stopped.map(outcome -> outcome instanceof DeliveryOutcome.Deferred deferred
                    ? new RealEvent("deferred", deferred.reason(), Fields.timestamp(deferred.notBefore()))
                    : new RealEvent("suppressed", outcome.reason(), null))
                    .orElse(new RealEvent("send", null, null));
        }
    }

    /** The provider's answer, classified as a delivery's would be: one shape per kind. */
    sealed interface Outcome permits Sent, Rejected, RetryLater, Ended {

        static Outcome of(DeliveryOutcome outcome) {
            return switch (outcome) {
                case DeliveryOutcome.Sent sent -> new Sent("sent", sent.httpStatus(), sent.providerMessageId());
                case DeliveryOutcome.Rejected rejected -> new Rejected("rejected", rejected.reason(), rejected.httpStatus());
                case DeliveryOutcome.RetryLater retry -> new RetryLater("retry_later", retry.reason(), retry.httpStatus(),
                        retry.requestedDelay().map(delay -> delay.toSeconds()).orElse(null));
                case DeliveryOutcome.Unknown unknown -> new Ended("unknown", unknown.reason());
                case DeliveryOutcome.Suppressed suppressed -> new Ended("suppressed", suppressed.reason());
                case DeliveryOutcome.Deferred deferred -> new Ended("deferred", deferred.reason());
            };
        }
    }

    /** {@code TestOutcomeSent}. */
    @RegisterForReflection
    record Sent(String status, int httpStatus, String providerMessageId) implements Outcome {
    }

    /** {@code TestOutcomeRejected}. */
    @RegisterForReflection
    record Rejected(String status, String reason, int httpStatus) implements Outcome {
    }

    /** {@code TestOutcomeRetryLater}: {@code retryAfterSeconds} only when the provider asked for a delay. */
    @RegisterForReflection
    record RetryLater(String status, String reason, int httpStatus, @JsonInclude(JsonInclude.Include.NON_NULL) Long retryAfterSeconds)
            implements Outcome {
    }

    /** {@code TestOutcomeEnded}: unknown, suppressed or deferred, with the reason. */
    @RegisterForReflection
    record Ended(String status, String reason) implements Outcome {
    }
}
