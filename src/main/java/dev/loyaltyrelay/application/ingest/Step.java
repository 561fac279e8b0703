package dev.loyaltyrelay.application.ingest;

/**
 * One step of ingestion: the value to go on with, or the outcome the request ends with here.
 *
 * @param <T> what the next step takes
 */
sealed interface Step<T> {

    /** Go on with {@code value}. */
    record Proceed<T>(T value) implements Step<T> {
    }

    /** The request ends here, with {@code outcome}. */
    record Stop<T>(IngestOutcome outcome) implements Step<T> {
    }

    static <T> Step<T> proceed(T value) {
        return new Proceed<>(value);
    }

    static <T> Step<T> stop(IngestOutcome outcome) {
        return new Stop<>(outcome);
    }
}
