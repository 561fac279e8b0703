package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An outcome the store would not take, travelling with the job instead: the attempt that knew it puts a copy of the job
 * back on its queue with the outcome and its claim's token as message attributes, and lets the original go. The attempt
 * that takes the lapsed claim over finds the token it lapsed with and records this outcome, not an unknown one.
 *
 * @param token     the token of the claim the outcome belongs to
 * @param status    the status it was to be recorded with
 * @param outcome   what became of the attempt
 * @param retryIn   for {@code RETRY_SCHEDULED} and {@code DEFERRED}: the wait it was to be recorded with, else null
 * @param givenUpBy for {@code EXHAUSTED}: the budget that ended it, else null
 */
record CarriedOutcome(String token, DeliveryStatus status, DeliveryOutcome outcome, Duration retryIn, String givenUpBy) {

    static final String PREFIX = "carried";

    /** Whether an outcome with this status can be carried (one a claim's record would end or postpone with). */
    static boolean carries(DeliveryStatus status) {
        return switch (status) {
            case SENT, REJECTED, UNKNOWN, SUPPRESSED, RETRY_SCHEDULED, DEFERRED, EXHAUSTED -> true;
            case SENDING -> false;
        };
    }

    /** The message attributes that carry it. */
    Map<String, String> attributes() {
        var attributes = new LinkedHashMap<String, String>();
        attributes.put(PREFIX + "Token", token);
        attributes.put(PREFIX + "Status", status.name());
        attributes.put(PREFIX + "Reason", outcome.reason());
        attributes.put(PREFIX + "Called", Boolean.toString(outcome.providerCalled()));
        switch (outcome) {
            case DeliveryOutcome.Sent sent -> {
                attributes.put(PREFIX + "HttpStatus", Integer.toString(sent.httpStatus()));
                if (sent.providerMessageId() != null) {
                    attributes.put(PREFIX + "MessageId", sent.providerMessageId());
                }
            }
            case DeliveryOutcome.Rejected rejected -> attributes.put(PREFIX + "HttpStatus", Integer.toString(rejected.httpStatus()));
            case DeliveryOutcome.RetryLater retry -> attributes.put(PREFIX + "HttpStatus", Integer.toString(retry.httpStatus()));
            case DeliveryOutcome.Deferred deferred -> attributes.put(PREFIX + "NotBefore", Long.toString(deferred.notBefore().toEpochMilli()));
            default -> {
            }
        }
        if (retryIn != null) {
            attributes.put(PREFIX + "RetryInSeconds", Long.toString(retryIn.toSeconds()));
        }
        if (givenUpBy != null) {
            attributes.put(PREFIX + "GivenUpBy", givenUpBy);
        }
        return attributes;
    }

    /** The outcome a message carries, if it carries one this pipeline can record. */
    static Optional<CarriedOutcome> from(Map<String, String> attributes) {
        String token = attributes.get(PREFIX + "Token");
        String statusName = attributes.get(PREFIX + "Status");
        String reason = attributes.get(PREFIX + "Reason");
        if (token == null || statusName == null || reason == null) {
            return Optional.empty();
        }
        try {
            boolean called = Boolean.parseBoolean(attributes.get(PREFIX + "Called"));
            int httpStatus = Integer.parseInt(attributes.getOrDefault(PREFIX + "HttpStatus", "0"));
            DeliveryStatus status = DeliveryStatus.valueOf(statusName);
            Duration retryIn = attributes.containsKey(PREFIX + "RetryInSeconds")
                    ? Duration.ofSeconds(Long.parseLong(attributes.get(PREFIX + "RetryInSeconds"))) : null;
            String givenUpBy = attributes.get(PREFIX + "GivenUpBy");
            DeliveryOutcome outcome = switch (status) {
                case SENT -> new DeliveryOutcome.Sent(attributes.get(PREFIX + "MessageId"), httpStatus);
                case REJECTED -> new DeliveryOutcome.Rejected(reason, called, httpStatus);
                case UNKNOWN -> new DeliveryOutcome.Unknown(reason);
                case SUPPRESSED -> new DeliveryOutcome.Suppressed(reason);
                case RETRY_SCHEDULED, EXHAUSTED -> new DeliveryOutcome.RetryLater(reason, Optional.empty(), called, httpStatus);
                case DEFERRED -> attributes.containsKey(PREFIX + "NotBefore")
                        ? new DeliveryOutcome.Deferred(reason, Instant.ofEpochMilli(Long.parseLong(attributes.get(PREFIX + "NotBefore")))) : null;
                default -> null;
            };
            if (outcome == null || status == DeliveryStatus.EXHAUSTED && givenUpBy == null) {
                return Optional.empty();
            }
            return Optional.of(new CarriedOutcome(token, status, outcome, retryIn, givenUpBy));
        } catch (IllegalArgumentException unreadable) {
            return Optional.empty();
        }
    }
}
