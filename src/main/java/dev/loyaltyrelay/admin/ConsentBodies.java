package dev.loyaltyrelay.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The bodies of {@link ConsentApi}'s routes, as {@code docs/openapi.yaml} names their schemas (OpenApiDocumentTest holds
 * each record and its schema together). No answer carries an address in full: a recipient is masked, a refused bulk row
 * is named by its line or index.
 */
final class ConsentBodies {

    private ConsentBodies() {
    }

    /** {@code ConsentChange}: one recipient (exactly one of mobile and email) and the channel opted out of or back into. */
    @RegisterForReflection
    record ConsentChange(String channel, String mobile, String email) {
    }

    /** {@code ConsentView}: a recipient's consent on each channel that reaches their address. */
    @RegisterForReflection
    record ConsentView(String recipient, List<ChannelConsent> channels) {
    }

    /** One channel of a {@code ConsentView}: {@code changedAt} and {@code source} null when nothing is recorded. */
    @RegisterForReflection
    record ChannelConsent(String channel, boolean optedOut, String changedAt, String source) {
    }

    /** {@code ConsentBulk}: the action, and the recipients as exactly one of a JSON list and CSV text. */
    @RegisterForReflection
    record ConsentBulk(String action, List<ConsentChange> entries, String csv) {
    }

    /** {@code ConsentBulkResult}: what the call did, and each row it did not take, with why. */
    @RegisterForReflection
    record ConsentBulkResult(String action, int received, int applied, int duplicates, int rejectedCount, List<RejectedRow> rejected) {
    }

    /** A row not taken: its CSV line (the header is line 1) or its index in {@code entries}, and the reason. */
    @RegisterForReflection
    record RejectedRow(@JsonInclude(JsonInclude.Include.NON_NULL) Integer line, @JsonInclude(JsonInclude.Include.NON_NULL) Integer index,
            String reason) {
    }
}
