package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * What the relay must remember about a recipient beyond any one delivery, kept under a keyed hash of the merchant and
 * address, never the address itself: that the merchant erased them (so a job queued before the erasure is not sent),
 * and whether they opted out of a channel. An opt-out never expires and outlives an erasure: erasure removes the
 * person, not the fact that they must not be messaged. Methods throw {@link StoreUnavailable}.
 */
public interface RecipientPolicies {

    /**
     * The policies of these recipients, with their consent on {@code channel}; a recipient with none is absent from the
     * answer. One round trip per 50 recipients.
     */
    Map<RecipientKey, RecipientPolicy> lookup(Collection<RecipientKey> recipients, Channel channel);

    /** One recipient's policy, read consistently (right before a call); {@code channel} null reads the erasure alone. */
    Optional<RecipientPolicy> find(RecipientKey recipient, Channel channel);

    /** Remembers that the merchant erased the recipient at {@code at}, for as long as a job about them may still be queued. */
    void recordErasure(RecipientKey recipient, Instant at);

    /**
     * Records each change of consent (an opt-out or an opt-in on one channel), kept until changed again, never expiring.
     * The last change of a recipient's channel in {@code changes} is the one kept. Repeating the call changes nothing more.
     */
    void recordConsent(Collection<ConsentChange> changes);

    /**
     * Records that a provider reported the recipient opted out of {@code channel} at {@code at}, unless an opt-out that stops
     * more (the merchant's, or the customer's own) is recorded already (a provider's report never narrows it), or an
     * opt-in was recorded after {@code at} (a report that arrived late does not undo a newer consent).
     *
     * @return whether it was recorded, and whether the recipient was opted out of the channel by this write (the one
     *         writer that tells the merchant) or by a provider's earlier report (its time refreshed)
     */
    ProviderOptOut recordProviderOptOut(RecipientKey recipient, Channel channel, Instant at);

    /** What {@link #recordProviderOptOut} did. */
    enum ProviderOptOut {
        /** Recorded, and the recipient was not opted out of the channel before this write. */
        OPTED_OUT_NOW,
        /** Recorded over an earlier provider-reported opt-out (its time refreshed): nothing new. */
        REFRESHED,
        /** Not recorded: an opt-out that stops more, or a newer opt-in, stands. */
        NOT_RECORDED;

        public boolean recorded() {
            return this != NOT_RECORDED;
        }
    }

    /** A recipient's recorded consent on each channel that reaches their address (a channel with no record is absent). */
    Map<Channel, Consent> consentOf(RecipientKey recipient);

    /** A merchant's recipient. {@link #toString()} hides the address. */
    record RecipientKey(String merchantId, Recipient recipient) {
        @Override
        public String toString() {
            return "RecipientKey[" + merchantId + " " + recipient.masked() + "]";
        }
    }

    /**
     * Who said so: the merchant (admin API), a provider whose answer said the recipient opted out (Meta 131050), or the
     * customer themselves, replying one of the merchant's opt-out words (STOP) to a message.
     */
    enum ConsentSource {
        MERCHANT, PROVIDER, CUSTOMER
    }

    /**
     * @param optedOut  whether the recipient opted out of the channel (false: opted back in)
     * @param changedAt when it was recorded
     * @param source    who said so
     */
    record Consent(boolean optedOut, Instant changedAt, ConsentSource source) {
    }

    /** One recipient's consent on one channel, to be recorded. */
    record ConsentChange(RecipientKey recipient, Channel channel, Consent consent) {
        public ConsentChange {
            if (channel.address() != recipient.recipient().kind()) {
                throw new IllegalArgumentException(channel + " does not reach a " + recipient.recipient().kind());
            }
        }
    }

    /**
     * @param erasedAt when the merchant last erased the recipient, or null
     * @param consent  the recipient's consent on the channel asked about, or null when none is recorded
     */
    record RecipientPolicy(Instant erasedAt, Consent consent) {
        /** Whether a job received at {@code receivedAt} is about a person the merchant has erased since. */
        public boolean erasedSince(Instant receivedAt) {
            return erasedAt != null && !receivedAt.isAfter(erasedAt);
        }

        /** Whether the recipient opted out of the channel asked about (and has not opted back in). */
        public boolean optedOut() {
            return consent != null && consent.optedOut();
        }
    }
}
