package dev.loyaltyrelay.domain;

import dev.loyaltyrelay.domain.InboundEvent.Receipt;
import java.time.Instant;
import java.util.List;

/**
 * Receipts on delivery records: a delivery the provider accepted is found by the provider's message id (within the
 * merchant, through a sparse index written with the send's outcome, so finding it costs no write at send time) and
 * its {@code receipt} moves on (delivered, read, failed), never back. Its status stays {@code SENT}: the provider did
 * accept the message; what counts in the figures moves with the receipt. Methods throw {@link StoreUnavailable}.
 */
public interface ReceiptLedger {

    /** Applies the receipt to the merchant's delivery whose message the provider knows by the receipt's id. */
    ReceiptResult apply(String merchantId, Provider provider, Receipt receipt, Instant now);

    /**
     * The merchant's deliveries sent since {@code since} through {@code integrationId} that have no receipt at all, oldest
     * first, at most {@code limit}: what reconciliation asks the provider about (a delivered message's "read" comes by
     * webhook or not at all; asking again about it would keep the ones that never got a receipt waiting).
     */
    List<AwaitingReceipt> awaitingReceipts(String merchantId, String integrationId, Instant since, int limit);

    /** What became of a receipt. */
    sealed interface ReceiptResult permits Applied, Unchanged, Unmatched {
    }

    /**
     * The delivery's receipt moved to the receipt's state.
     *
     * @param jobJson           the delivery's kept job, read for a {@code failed} receipt only (its follow-up, an opt-out,
     *                          needs the recipient); null for any other state, or once the recipient was erased
     * @param credentialsDigest the SHA-256 of the sealed credentials the message was sent with, or null (sent before
     *                          records kept it)
     */
    record Applied(String deliveryId, String jobJson, String credentialsDigest) implements ReceiptResult {
    }

    /** The delivery has this state or a later one already (a repeat, or a report that arrived late). */
    record Unchanged(String deliveryId) implements ReceiptResult {
    }

    /** No delivery of the merchant is known by that message id (not one of the relay's, or not indexed yet). */
    record Unmatched() implements ReceiptResult {
    }

    /**
     * @param receipt the receipt the delivery has so far, or null
     */
    record AwaitingReceipt(String deliveryId, String providerMessageId, ReceiptState receipt) {
    }
}
