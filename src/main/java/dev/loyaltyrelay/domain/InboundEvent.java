package dev.loyaltyrelay.domain;

import java.time.Instant;
import java.util.Objects;

/** What a provider posts back to the relay about a merchant's customers: a receipt for a message, or a reply. */
public sealed interface InboundEvent permits InboundEvent.Receipt, InboundEvent.Reply {

    /**
     * A message's state as the provider reports it.
     *
     * @param providerMessageId the provider's id of the message (what its send answered)
     * @param state             delivered, read or failed
     * @param at                when the provider says it happened, or when it was received if the provider does not say
     * @param reason            for a failure, a reason code as a synchronous answer would have given ({@code meta_131026},
     *                          {@code recipient_opted_out}, {@code provider_failed}); else null
     * @param needs             for a failure, what the merchant must fix, as the same answer to the send would say
     */
    record Receipt(String providerMessageId, ReceiptState state, Instant at, String reason, DeliveryOutcome.Rejected.Needs needs)
            implements InboundEvent {
        public Receipt {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(at, "at");
            needs = needs == null ? DeliveryOutcome.Rejected.Needs.NOTHING : needs;
        }

        public Receipt(String providerMessageId, ReceiptState state, Instant at, String reason) {
            this(providerMessageId, state, at, reason, null);
        }
    }

    /**
     * A message the customer sent the business. {@link #toString()} shows neither the number nor the text.
     *
     * @param mobile the customer's number as the provider gives it (digits, with or without a leading +)
     * @param text   what they wrote
     */
    record Reply(String mobile, String text) implements InboundEvent {
        @Override
        public String toString() {
            return "Reply[" + (text == null ? 0 : text.length()) + " characters]";
        }
    }
}
