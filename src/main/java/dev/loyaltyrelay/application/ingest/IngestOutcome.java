package dev.loyaltyrelay.application.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What ingesting one webhook came to. The use case decides it; each edge answers it in its own terms (the ingest
 * function as HTTP, admin's replay as a result line). Every case carries what its answer needs and nothing of HTTP.
 */
public sealed interface IngestOutcome {

    /**
     * Fanned out: a job queued for each mapping whose recipient resolved; the others skipped.
     *
     * @param bodySignature what was made of the body HMAC
     * @param queued        the deliveries queued, in mapping order
     * @param skipped       the mappings that produced no delivery, and why
     */
    record Accepted(BodySignature bodySignature, List<Queued> queued, List<Skipped> skipped) implements IngestOutcome {
        public Accepted {
            queued = List.copyOf(queued);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * Authentic, and kept for replay instead of queued.
     *
     * @param detail  what failed: the properties and rules, or the queue's reason code
     * @param message what happens to it, for the sender
     */
    record Held(HoldReason reason, List<String> detail, String message) implements IngestOutcome {
        public Held {
            detail = List.copyOf(detail);
        }
    }

    /**
     * Authentic, and nothing for the relay to do with it.
     *
     * @param message why, for the sender
     */
    record Ignored(IgnoreReason reason, String message) implements IngestOutcome {
    }

    /** Already queued: under this delivery id, or with the same body under an earlier one. */
    record Duplicate(DuplicateOf of) implements IngestOutcome {
    }

    /**
     * Not taken, and the same request sent again will not be either.
     *
     * @param message what was wrong, for the sender (never a secret or a value of the body)
     */
    record Refused(Refusal refusal, String message) implements IngestOutcome {
    }

    /**
     * Not taken now; the same request sent again may be.
     *
     * @param retryAfter how long until the request in progress lets go of the event (only for {@link Wait#IN_PROGRESS})
     */
    record RetryLater(Wait reason, String message, Optional<Duration> retryAfter) implements IngestOutcome {
        public RetryLater {
            Objects.requireNonNull(reason, "reason");
            if (retryAfter.isPresent() != (reason == Wait.IN_PROGRESS)) {
                throw new IllegalArgumentException("a wait for the request in progress, and only that, says how long");
            }
        }

        /** Another request holds the event for {@code retryAfter}. */
        static RetryLater inProgress(String message, Duration retryAfter) {
            return new RetryLater(Wait.IN_PROGRESS, message, Optional.of(retryAfter));
        }

        /** A store, queue or key service the relay needs could not be reached. */
        static RetryLater unavailable(Wait reason, String message) {
            return new RetryLater(reason, message, Optional.empty());
        }
    }

    /** A queued delivery. */
    record Queued(String deliveryId, String provider, String integrationId, String mappingId) {
    }

    /** A mapping that produced no delivery, and why ({@code recipient_missing}, {@code recipient_invalid}). */
    record Skipped(String provider, String integrationId, String mappingId, String reason) {
    }

    /** A reason or kind with a code: its name in lower case, as answers, replay lines and metrics write it. */
    interface Coded {
        String name();

        default String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What was made of the body HMAC of an accepted event. */
    enum BodySignature implements Coded {
        VERIFIED,
        /** It did not match, and the merchant only records that. */
        MISMATCH_RECORDED,
        /** A replay: the event was authenticated when it arrived. */
        CHECKED_WHEN_HELD
    }

    /** Why an event is held. */
    enum HoldReason implements Coded {
        SCHEMA_VIOLATION,
        /** A queue will never take the event's jobs as they are (too large, say). */
        QUEUE_REFUSED
    }

    /** Why an event is ignored. */
    enum IgnoreReason implements Coded {
        UNKNOWN_TOPIC,
        TOPIC_NOT_MAPPED
    }

    /** What an event duplicates. */
    enum DuplicateOf implements Coded {
        DELIVERY_ID_ALREADY_PROCESSED,
        SAME_BODY_UNDER_NEW_DELIVERY_ID
    }

    /** Why a request is refused, by the check it failed; the code is also the refusal metric's {@code check}. */
    enum Refusal implements Coded {
        MERCHANT(Kind.UNAUTHENTIC),
        SECRET_HASH(Kind.UNAUTHENTIC),
        SECRET_UNREADABLE(Kind.UNAUTHENTIC),
        TIMESTAMP(Kind.UNAUTHENTIC),
        BODY_HMAC(Kind.UNAUTHENTIC),
        AMBIGUOUS_HEADER(Kind.MALFORMED),
        INVALID_JSON(Kind.MALFORMED),
        BODY_TOO_COMPLEX(Kind.MALFORMED),
        NUMBER_OUT_OF_RANGE(Kind.MALFORMED),
        BODY_NOT_OBJECT(Kind.MALFORMED),
        TOPIC_MISSING(Kind.MALFORMED),
        DELIVERY_ID_INVALID(Kind.MALFORMED),
        DELIVERY_ID_REUSED(Kind.CONFLICT);

        /** Not shown to come from Nector for this merchant; malformed; or at odds with what the relay already has. */
        public enum Kind { UNAUTHENTIC, MALFORMED, CONFLICT }

        private final Kind kind;

        Refusal(Kind kind) {
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /** What a retry waits for. */
    enum Wait implements Coded {
        /** Another request holds the event's claim. */
        IN_PROGRESS,
        KEY_SERVICE_UNAVAILABLE,
        STORE_UNAVAILABLE,
        QUEUE_UNAVAILABLE
    }
}
