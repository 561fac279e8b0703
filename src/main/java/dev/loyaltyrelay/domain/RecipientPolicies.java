package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * What the relay must remember about a recipient beyond any one delivery, kept under a keyed hash of the address,
 * never the address itself: today, that the merchant erased them (so a job queued before the erasure is not sent).
 * Methods throw {@link StoreUnavailable}.
 */
public interface RecipientPolicies {

    /** The policies of these recipients; a recipient with none is absent from the answer. One round trip per 100. */
    Map<RecipientKey, RecipientPolicy> lookup(Collection<RecipientKey> recipients);

    /** One recipient's policy, read consistently (right before a call). */
    java.util.Optional<RecipientPolicy> find(RecipientKey recipient);

    /** Remembers that the merchant erased the recipient at {@code at}, for as long as a job about them may still be queued. */
    void recordErasure(RecipientKey recipient, Instant at);

    /** A merchant's recipient. {@link #toString()} hides the address. */
    record RecipientKey(String merchantId, Recipient recipient) {
        @Override
        public String toString() {
            return "RecipientKey[" + merchantId + " " + recipient.masked() + "]";
        }
    }

    /**
     * @param erasedAt when the merchant last erased the recipient, or null
     */
    record RecipientPolicy(Instant erasedAt) {
        /** Whether a job received at {@code receivedAt} is about a person the merchant has erased since. */
        public boolean erasedSince(Instant receivedAt) {
            return erasedAt != null && !receivedAt.isAfter(erasedAt);
        }
    }
}
