package dev.loyaltyrelay.admin;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The bodies of {@link ReceiptsApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest holds
 * each record and its schema together).
 */
final class ReceiptBodies {

    private ReceiptBodies() {
    }

    /**
     * {@code ReceiptUrl}: where the integration's provider posts receipts and replies, shown in this answer only (it
     * carries its secret), and whether the relay registered it with the provider.
     */
    @RegisterForReflection
    record ReceiptUrl(String url, String registration) {
        @Override
        public String toString() {
            return "ReceiptUrl[" + registration + "]";
        }
    }

    /** {@code ReconcileReceipts}: how far back to look, in hours (default 24, at most 168). */
    @RegisterForReflection
    record ReconcileReceipts(Long hours) {
    }

    /** {@code ReconciledReceipts}: messages asked about, and receipts that moved a delivery. */
    @RegisterForReflection
    record ReconciledReceipts(int checked, int applied) {
    }

    /** {@code OptOutWords}: what a customer may reply, alone, to opt out; {@code defaults} when the merchant set none. */
    @RegisterForReflection
    record OptOutWords(List<String> words, boolean defaults) {
    }

    /** {@code OptOutWordsChange}: the merchant's words (an empty list goes back to the defaults). */
    @RegisterForReflection
    record OptOutWordsChange(@com.fasterxml.jackson.annotation.JsonProperty(required = true) List<String> words) {
    }
}
