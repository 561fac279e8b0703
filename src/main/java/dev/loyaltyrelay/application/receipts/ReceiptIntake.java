package dev.loyaltyrelay.application.receipts;

import dev.loyaltyrelay.application.policy.CustomerPolicies;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryJobFormat;
import dev.loyaltyrelay.domain.Hashes;
import dev.loyaltyrelay.domain.InboundEvent;
import dev.loyaltyrelay.domain.InboundEvent.Receipt;
import dev.loyaltyrelay.domain.InboundEvent.Reply;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderGateway;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.ReceiptEndpoints;
import dev.loyaltyrelay.domain.ReceiptEndpoints.ReceiptEndpoint;
import dev.loyaltyrelay.domain.ReceiptLedger;
import dev.loyaltyrelay.domain.ReceiptLedger.Applied;
import dev.loyaltyrelay.domain.ReceiptLedger.ReceiptResult;
import dev.loyaltyrelay.domain.ReceiptLedger.Unmatched;
import dev.loyaltyrelay.domain.ReceiptState;
import dev.loyaltyrelay.domain.Recipient;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.Consent;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentChange;
import dev.loyaltyrelay.domain.RecipientPolicies.ConsentSource;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RelayMetrics;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What a provider posts to an integration's receipt URL: receipts move the deliveries they name (delivered, read,
 * failed; never back), a failure is followed up as a synchronous one would be (an opt-out opts the recipient out), and a
 * customer's reply that is one of the merchant's opt-out words (STOP) opts them out of the provider's channel. The URL's
 * secret is checked against its digest first, in constant time; a URL that is not an integration's, or whose secret is
 * wrong, is answered as not found. What is read is answered at once (a provider such as Zoko waits 5 s at most, then
 * retries and in the end disables the webhook): an unknown message or an unreadable body is counted, not retried.
 */
@ApplicationScoped
public class ReceiptIntake {

    static final String APPLIED = "ReceiptsApplied";
    static final String UNCHANGED = "ReceiptsUnchanged";
    static final String UNMATCHED = "ReceiptsUnmatched";
    static final String REPLY_OPT_OUTS = "ReplyOptOuts";

    private static final Logger LOG = Logger.getLogger(ReceiptIntake.class);

    private final ReceiptEndpoints endpoints;
    private final ReceiptLedger ledger;
    private final ProviderGateway gateway;
    private final ProviderCatalogue providers;
    private final RecipientPolicies recipients;
    private final CustomerPolicies policies;
    private final DeliveryJobFormat jobs;
    private final RelayMetrics metrics;
    private final Clock clock;

    ReceiptIntake(ReceiptEndpoints endpoints, ReceiptLedger ledger, ProviderGateway gateway, ProviderCatalogue providers,
            RecipientPolicies recipients, CustomerPolicies policies, DeliveryJobFormat jobs, RelayMetrics metrics, Clock clock) {
        this.endpoints = endpoints;
        this.ledger = ledger;
        this.gateway = gateway;
        this.providers = providers;
        this.recipients = recipients;
        this.policies = policies;
        this.jobs = jobs;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** One post to a receipt URL: the path's parts and the body as the provider sent it. */
    public record Posted(String providerKey, String merchantId, String integrationId, String secret, byte[] body) {
        @Override
        public String toString() {
            return "Posted[" + providerKey + " " + merchantId + "/" + integrationId + "]";
        }
    }

    /** What the receiver answers. */
    public sealed interface Answer permits Taken, NotFound {
    }

    /** Read and applied (or counted as unknown): 200. */
    public record Taken(int receipts, int replies) implements Answer {
    }

    /** No such receipt URL (no integration, no receipts for its provider, or the wrong secret): 404, the same for each. */
    public record NotFound() implements Answer {
    }

    /** @throws StoreUnavailable when the store cannot be reached (a 503: the provider's retry will do) */
    public Answer accept(Posted posted) {
        Optional<Provider> provider = Provider.fromKey(posted.providerKey());
        if (provider.isEmpty() || posted.secret() == null || posted.secret().isEmpty()) {
            return new NotFound();
        }
        Optional<ReceiptEndpoint> endpoint = endpoints.find(posted.merchantId(), posted.integrationId());
        if (endpoint.isEmpty() || !endpoint.get().provider().equals(provider.get()) || !secretMatches(posted.secret(), endpoint.get())) {
            return new NotFound();
        }
        Optional<List<InboundEvent>> events = gateway.readInbound(provider.get(), posted.body() == null ? new byte[0] : posted.body());
        if (events.isEmpty()) {
            return new NotFound();
        }
        int receipts = 0;
        int replies = 0;
        for (InboundEvent event : events.get()) {
            switch (event) {
                case Receipt receipt -> {
                    receipts++;
                    take(posted.merchantId(), provider.get(), receipt);
                }
                case Reply reply -> {
                    replies++;
                    reply(posted.merchantId(), provider.get(), reply);
                }
            }
        }
        return new Taken(receipts, replies);
    }

    /** Applies one receipt and follows a failure up; used by reconciliation too. */
    public ReceiptResult take(String merchantId, Provider provider, Receipt receipt) {
        ReceiptResult result = ledger.apply(merchantId, provider, receipt, clock.instant());
        switch (result) {
            case Applied applied -> {
                metrics.increment(APPLIED, Map.of("provider", provider.key(), "state", receipt.state().key()));
                LOG.infof("delivery %s %s: %s%s", applied.deliveryId(), provider.key(), receipt.state().key(),
                        receipt.reason() == null ? "" : " (" + receipt.reason() + ")");
                if (receipt.state() == ReceiptState.FAILED) {
                    followUp(applied, provider, receipt);
                }
            }
            case ReceiptLedger.Unchanged unchanged -> metrics.increment(UNCHANGED, Map.of("provider", provider.key()));
            case Unmatched unmatched -> metrics.increment(UNMATCHED, Map.of("provider", provider.key()));
        }
        return result;
    }

    /** A failure reported after the send is followed up as the same answer to the send would have been. */
    private void followUp(Applied applied, Provider provider, Receipt receipt) {
        if (!CustomerPolicies.RECIPIENT_OPTED_OUT.equals(receipt.reason()) || applied.jobJson() == null) {
            return;
        }
        Optional<DeliveryJob> job = jobs.tryDecode(applied.jobJson());
        Channel channel = providers.profile(provider).map(ProviderProfile::channel).orElse(null);
        if (job.isPresent() && channel != null) {
            policies.providerReportedOptOut(job.get(), channel, receipt.at());
        }
    }

    /** A reply that is one of the merchant's opt-out words opts the customer out of the provider's channel, every topic. */
    private void reply(String merchantId, Provider provider, Reply reply) {
        Optional<ProviderProfile> profile = providers.profile(provider);
        if (profile.isEmpty() || profile.get().channel().address() != CommonProperty.MOBILE || reply.text() == null) {
            return;
        }
        if (!isOptOut(reply.text(), endpoints.optOutWords(merchantId))) {
            return;
        }
        String digits = reply.mobile().replaceAll("[^0-9]", "");
        if (digits.length() < 8 || digits.length() > 15) {
            return;
        }
        RecipientKey recipient = new RecipientKey(merchantId, new Recipient(CommonProperty.MOBILE, "+" + digits));
        recipients.recordConsent(List.of(new ConsentChange(recipient, profile.get().channel(),
                new Consent(true, clock.instant(), ConsentSource.CUSTOMER))));
        metrics.increment(REPLY_OPT_OUTS, Map.of("provider", provider.key()));
        LOG.infof("%s replied an opt-out word to %s (%s): recorded", recipient, merchantId, provider.key());
    }

    /** Whether the reply, alone, is one of the words: case, surrounding spaces and punctuation do not matter. */
    static boolean isOptOut(String text, List<String> words) {
        String said = normalized(text);
        return !said.isEmpty() && words.stream().map(ReceiptIntake::normalized).anyMatch(said::equals);
    }

    private static String normalized(String text) {
        return text.strip().replaceAll("^[\\p{Punct}\\s]+|[\\p{Punct}\\s]+$", "").replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }

    private static boolean secretMatches(String secret, ReceiptEndpoint endpoint) {
        byte[] given = Hashes.sha256Hex(secret).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, endpoint.secretSha256().getBytes(StandardCharsets.US_ASCII));
    }
}
