package dev.loyaltyrelay.application.receipts;

import dev.loyaltyrelay.domain.InboundEvent.Receipt;
import dev.loyaltyrelay.domain.Integration;
import dev.loyaltyrelay.domain.IntegrationKey;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.ProviderGateway;
import dev.loyaltyrelay.domain.ReceiptLedger;
import dev.loyaltyrelay.domain.ReceiptLedger.AwaitingReceipt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * Receipts that never came: for an integration's deliveries sent in a recent window that have no receipt at all, the
 * provider's history of each message is read and applied as if it had been posted, in
 * the order of its states' ranks (so a late "delivered" never undoes "read"). Bounded per call; a provider without a
 * history call changes nothing.
 */
@ApplicationScoped
public class ReceiptReconciliation {

    /** Messages looked up in one call at the most: each is one request to the provider. */
    public static final int MOST_PER_CALL = 100;

    private final ReceiptLedger ledger;
    private final ReceiptIntake intake;
    private final ProviderGateway gateway;
    private final Clock clock;

    ReceiptReconciliation(ReceiptLedger ledger, ReceiptIntake intake, ProviderGateway gateway, Clock clock) {
        this.ledger = ledger;
        this.intake = intake;
        this.gateway = gateway;
        this.clock = clock;
    }

    /** @param checked messages asked about; @param applied receipts that moved a delivery */
    public record Reconciled(int checked, int applied) {
    }

    public Reconciled reconcile(Integration integration, ProviderCredentials credentials, Duration window) {
        List<AwaitingReceipt> awaiting = ledger.awaitingReceipts(integration.merchantId(), integration.integrationId(),
                clock.instant().minus(window), MOST_PER_CALL);
        var key = new IntegrationKey(integration.merchantId(), integration.integrationId());
        int applied = 0;
        for (AwaitingReceipt delivery : awaiting) {
            List<Receipt> history = gateway.receiptHistory(key, integration.provider(), credentials, delivery.providerMessageId()).stream()
                    .sorted(Comparator.comparingInt((Receipt receipt) -> receipt.state().rank())).toList();
            for (Receipt receipt : history) {
                if (intake.take(integration.merchantId(), integration.provider(), receipt) instanceof ReceiptLedger.Applied) {
                    applied++;
                }
            }
        }
        return new Reconciled(awaiting.size(), applied);
    }
}
