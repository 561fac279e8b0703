package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.List;

/**
 * Ingest's idempotency records: one claim per Nector delivery id, with a lease, and a short-lived fingerprint
 * of each body. Methods throw {@link StoreUnavailable} when the store cannot be reached.
 */
public interface IngestLedger {

    /**
     * Claims a Nector delivery id in one conditional write. Succeeds when the id is new, when its record has
     * expired, or when an earlier claim on the same body lapsed without completing (the fan-out is redone;
     * the deterministic delivery ids make that safe).
     */
    ClaimResult claim(String merchantId, String nectorDeliveryId, String bodyHash, Instant now);

    /** Marks the fan-out done, so later repeats are answered as duplicates. */
    void complete(Claim claim, List<String> queuedDeliveryIds, Instant now);

    /**
     * Marks the claim done as a repeat: its body is the event {@code earlierDeliveryId} carried first, whose fan-out
     * completed, so nothing was queued under it. The earlier id is kept, so a lookup by either id finds the event's
     * deliveries.
     */
    void completeAsRepeat(Claim claim, String earlierDeliveryId, Instant now);

    /**
     * What was recorded of a Nector delivery id of the merchant, while its claim is kept ({@code relay.ingest.claim-retention});
     * empty for an id never claimed (or claimed by another merchant: the key holds the merchant), or whose claim expired
     * by {@code now}.
     */
    java.util.Optional<ClaimRecord> find(String merchantId, String nectorDeliveryId, Instant now);

    /**
     * A claim as stored.
     *
     * @param claimedAt         when the id was (last) claimed: the webhook's arrival
     * @param completedAt       when its fan-out completed; null while in progress, or released after a failure
     * @param queuedDeliveryIds the deliveries its fan-out queued (none for a repeat)
     * @param repeatOf          the earlier delivery id this one repeated (the same body), or null
     */
    record ClaimRecord(String nectorDeliveryId, Instant claimedAt, Instant completedAt, List<String> queuedDeliveryIds, String repeatOf) {
    }

    /** Gives the claim up at once (the fan-out failed), so Nector's retry need not wait for the lease. */
    void release(Claim claim);

    /**
     * Records that this body was seen under this delivery id, unless the same body was seen under another
     * delivery id within the fingerprint window. A fingerprint only says the body was seen: whether that event
     * was queued is its claim's to say (see {@link #adopt}).
     */
    RepeatCheck recordFingerprint(String merchantId, String fingerprint, String nectorDeliveryId, Instant now);

    /**
     * Takes over the claim of {@code earlierDeliveryId}, which carried the same body first, when its fan-out never
     * completed (released after a failure, or its lease lapsed): the caller now owns that event, fans it out under the
     * earlier id's delivery ids (so jobs a failed attempt did queue are not sent twice) and completes or releases both
     * claims. One conditional write, taken only when a body repeats.
     *
     * @return the earlier id's claim, now the caller's; {@link AlreadyCompleted} when its fan-out completed (a true
     *         repeat); {@link InProgress} while its lease is live; {@link BodyMismatch} when it holds another body or no
     *         claim (not the same event)
     */
    ClaimResult adopt(Claim claim, String earlierDeliveryId, String bodyHash, Instant now);

    sealed interface ClaimResult permits Claim, InProgress, AlreadyCompleted, BodyMismatch {
    }

    /**
     * This caller owns the delivery id until {@code leaseUntil}.
     *
     * @param takeover whether an earlier claim had lapsed (its fan-out may have partly happened)
     */
    record Claim(String merchantId, String nectorDeliveryId, String token, Instant leaseUntil, boolean takeover) implements ClaimResult {
    }

    /** Another request holds a live lease on the id. */
    record InProgress(Instant leaseUntil) implements ClaimResult {
    }

    /** The fan-out for this id already completed. */
    record AlreadyCompleted(Instant completedAt) implements ClaimResult {
    }

    /** The id was claimed with another body. */
    record BodyMismatch() implements ClaimResult {
    }

    sealed interface RepeatCheck permits FirstSeen, RepeatOf {
    }

    record FirstSeen() implements RepeatCheck {
    }

    /** The same body arrived within the window under {@code firstDeliveryId}. */
    record RepeatOf(String firstDeliveryId) implements RepeatCheck {
    }
}
