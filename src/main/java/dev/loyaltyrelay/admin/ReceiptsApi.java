package dev.loyaltyrelay.admin;

import dev.loyaltyrelay.admin.ReceiptBodies.OptOutWords;
import dev.loyaltyrelay.admin.ReceiptBodies.OptOutWordsChange;
import dev.loyaltyrelay.admin.ReceiptBodies.ReceiptUrl;
import dev.loyaltyrelay.admin.ReceiptBodies.ReconcileReceipts;
import dev.loyaltyrelay.admin.ReceiptBodies.ReconciledReceipts;
import dev.loyaltyrelay.application.receipts.ReceiptReconciliation;
import dev.loyaltyrelay.application.receipts.ReceiptUrls;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.ReceiptEndpoints;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Receipts and replies, the merchant's side: an integration's receipt URL issued again (and registered with its
 * provider), receipts that never came reconciled from the provider's history, and the words a customer may reply to
 * opt out. The URL is first issued by Initialize ({@link IntegrationsApi}).
 */
@ApplicationScoped
public class ReceiptsApi {

    static final int MOST_WORDS = 20;
    static final int LONGEST_WORD = 32;
    static final int MOST_HOURS = 168;

    @Inject
    ReceiptUrls urls;
    @Inject
    ReceiptReconciliation reconciliation;
    @Inject
    ReceiptEndpoints endpoints;
    @Inject
    IntegrationCredentials vault;

    AdminResponse<ReceiptUrl> issueUrl(AdminRequest<Void> request) {
        Integration integration = IntegrationsApi.integration(request.merchant(), request);
        if (!urls.offered(integration)) {
            throw new ApiProblem(409, "receipts_not_offered", integration.provider().key() + " reports no receipts the relay reads");
        }
        ReceiptUrls.Issued issued = urls.issue(integration, vault.open(integration));
        return AdminResponse.ok(new ReceiptUrl(issued.url(), issued.registration()));
    }

    AdminResponse<ReconciledReceipts> reconcile(AdminRequest<ReconcileReceipts> request) {
        Integration integration = IntegrationsApi.integration(request.merchant(), request);
        int hours = request.body() == null ? 24 : Fields.whole("hours", request.body().hours(), 1, MOST_HOURS).map(Math::toIntExact).orElse(24);
        if (!urls.offered(integration)) {
            throw new ApiProblem(409, "receipts_not_offered", integration.provider().key() + " reports no receipts the relay reads");
        }
        var reconciled = reconciliation.reconcile(integration, vault.open(integration), Duration.ofHours(hours));
        return AdminResponse.ok(new ReconciledReceipts(reconciled.checked(), reconciled.applied()));
    }

    AdminResponse<OptOutWords> getOptOutWords(AdminRequest<Void> request) {
        request.merchant();
        List<String> words = endpoints.optOutWords(request.merchantId());
        return AdminResponse.ok(new OptOutWords(words, words.equals(ReceiptEndpoints.DEFAULT_OPT_OUT_WORDS)));
    }

    AdminResponse<OptOutWords> putOptOutWords(AdminRequest<OptOutWordsChange> request) {
        request.merchant();
        List<String> given = request.body().words();
        if (given == null) {
            throw ApiProblem.invalid("words", "required: a list of up to " + MOST_WORDS + " words ([] for the defaults)");
        }
        if (given.size() > MOST_WORDS) {
            throw ApiProblem.invalid("words", "at most " + MOST_WORDS + " words");
        }
        var words = new LinkedHashSet<String>();
        for (int i = 0; i < given.size(); i++) {
            String word = given.get(i) == null ? "" : given.get(i).strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            if (word.isEmpty() || word.length() > LONGEST_WORD || !word.matches("[\\p{L}\\p{N} ]+")) {
                throw ApiProblem.invalid("words[" + i + "]", "letters, digits and spaces, 1 to " + LONGEST_WORD + " characters");
            }
            words.add(word);
        }
        endpoints.saveOptOutWords(request.merchantId(), new ArrayList<>(words));
        List<String> saved = endpoints.optOutWords(request.merchantId());
        return AdminResponse.ok(new OptOutWords(saved, words.isEmpty()));
    }
}
