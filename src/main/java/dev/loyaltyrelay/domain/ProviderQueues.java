package dev.loyaltyrelay.domain;

import java.time.Duration;
import java.util.List;

/**
 * What a delivery function does to its own queue beyond answering the batch: set when a failed job comes back,
 * and move a job to the dead-letter queue itself. Methods throw {@link QueueUnavailable}.
 */
public interface ProviderQueues {

    /** SQS refuses a visibility beyond 12 hours from receipt; a minute is kept for the batching window. */
    Duration MAX_POSTPONEMENT = Duration.ofHours(12).minusMinutes(1);

    /** Makes each message visible again after its delay (clamped to 0..{@link #MAX_POSTPONEMENT}). */
    void postpone(Provider provider, List<Postponement> postponements);

    /**
     * Puts the job's message on the provider's dead-letter queue, labelled with the reason and, for a delivery given up,
     * the budget that ended it ({@code givenUpBy}, or null).
     */
    void deadLetter(Provider provider, String messageBody, String deliveryId, String reason, String givenUpBy);

    /** A letter that is not a delivery given up (an unreadable message). */
    default void deadLetter(Provider provider, String messageBody, String deliveryId, String reason) {
        deadLetter(provider, messageBody, deliveryId, reason, null);
    }

    /** Puts a job on the provider's queue again (redrive, resend). */
    default void requeue(Provider provider, String messageBody) {
        requeue(provider, messageBody, java.util.Map.of());
    }

    /** Puts a job on the provider's queue again with string message attributes (an outcome it carries). */
    void requeue(Provider provider, String messageBody, java.util.Map<String, String> attributes);

    /** About how many messages wait in the provider's dead-letter queue, those taken out of sight for a while included. */
    int deadLetterCount(Provider provider);

    /** Takes up to {@code max} dead letters out of sight for a while (they come back unless forgotten). */
    List<DeadLetter> takeDeadLetters(Provider provider, int max);

    /** Makes a dead letter taken by {@link #takeDeadLetters} visible again at once (it was not handled). */
    void returnDeadLetter(Provider provider, DeadLetter letter);

    /** Removes a dead letter for good (it was requeued). */
    void forgetDeadLetter(Provider provider, DeadLetter letter);

    /** A message on a dead-letter queue. */
    record DeadLetter(String body, String receiptHandle) {
        @Override
        public String toString() {
            return "DeadLetter";
        }
    }

    /**
     * @param receiptHandle the message's receipt handle from this receive
     * @param delay         when it should come back
     */
    record Postponement(String receiptHandle, Duration delay) {
        public Duration clampedDelay() {
            if (delay.isNegative()) {
                return Duration.ZERO;
            }
            return delay.compareTo(MAX_POSTPONEMENT) > 0 ? MAX_POSTPONEMENT : delay;
        }
    }
}
