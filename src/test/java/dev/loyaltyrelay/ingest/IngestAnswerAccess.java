package dev.loyaltyrelay.ingest;

import dev.loyaltyrelay.application.ingest.IngestOutcome;
import java.util.Map;

/** The webhook endpoint's answer to an outcome of ingestion, for tests in other packages. */
public final class IngestAnswerAccess {

    private IngestAnswerAccess() {
    }

    public static int status(IngestOutcome outcome) {
        return IngestHandler.answer(outcome).status();
    }

    public static Map<String, Object> body(IngestOutcome outcome) {
        return IngestHandler.answer(outcome).body();
    }
}
