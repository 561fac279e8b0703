package dev.loyaltyrelay.application.delivery;

import java.time.Duration;

/** What the batch answer says of one SQS record: done (deleted) or again after a delay (a batch item failure). */
sealed interface RecordResult {

    RecordResult DONE = new Done();

    record Done() implements RecordResult {
    }

    record Again(Duration delay) implements RecordResult {
    }
}
