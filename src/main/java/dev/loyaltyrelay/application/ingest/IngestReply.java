package dev.loyaltyrelay.application.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ingest answers Nector: an HTTP status and a JSON object. 2xx for everything a retry cannot change,
 * 409 and 503 for what a retry will fix, 4xx with a reason code for a request that is wrong.
 */
public record IngestReply(int status, Map<String, Object> body) {

    public static IngestReply refused(String check, String message) {
        return new IngestReply(401, ordered("error", "unauthorized", "check", check, "message", message));
    }

    public static IngestReply badRequest(int status, String error, String message) {
        return new IngestReply(status, ordered("error", error, "message", message));
    }

    public static IngestReply ignored(String reason, String message) {
        return new IngestReply(202, ordered("status", "ignored", "reason", reason, "message", message));
    }

    public static IngestReply retryLater(int status, String error, String message) {
        return new IngestReply(status, ordered("error", error, "message", message, "retryable", true));
    }

    /** A defect, not the sender's fault: answered so that Nector retries. */
    public static IngestReply internalError() {
        return new IngestReply(500, ordered("error", "internal_error", "message", "unexpected error; retry later"));
    }

    static Map<String, Object> ordered(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A queued delivery, as listed in the 202 answer. */
    public record Queued(String deliveryId, String provider, String integrationId, String mappingId) {
    }

    /** A mapping that produced no delivery, and why. */
    public record Skipped(String provider, String integrationId, String mappingId, String reason) {
    }

    static IngestReply accepted(String signature, List<Queued> queued, List<Skipped> skipped) {
        return new IngestReply(202, ordered("status", "accepted", "bodySignature", signature, "queued", queued, "skipped", skipped));
    }
}
