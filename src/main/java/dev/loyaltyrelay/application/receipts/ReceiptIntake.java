package dev.loyaltyrelay.application.receipts;

import dev.loyaltyrelay.application.LogContext;
import dev.loyaltyrelay.application.delivery.IntegrationAttention;
import dev.loyaltyrelay.application.delivery.MappingAttention;
import dev.loyaltyrelay.application.policy.CustomerPolicies;
import dev.loyaltyrelay.domain.ConfigurationStore;
import dev.loyaltyrelay.domain.DeliveryOutcome.Rejected;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
import dev.loyaltyrelay.domain.OperationalEvent.RecipientOptedOut;
import dev.loyaltyrelay.domain.OperationalEvents;
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
    /** Events one post may carry: applied a few at a time, they are answered well within Zoko's 5 s. */
    static final int MOST_EVENTS = 500;
    private static final int AT_ONCE = 16;
    /** How long a post keeps looking for the delivery of a receipt that came before the send's outcome was written. */
    static final java.time.Duration UNMATCHED_WAIT = java.time.Duration.ofSeconds(2);
    private static final java.time.Duration UNMATCHED_PAUSE = java.time.Duration.ofMillis(400);

    private final ReceiptEndpoints endpoints;
    private final ReceiptLedger ledger;
    private final ProviderGateway gateway;
    private final ProviderCatalogue providers;
    private final RecipientPolicies recipients;
    private final CustomerPolicies policies;
    private final DeliveryJobFormat jobs;
    private final RelayMetrics metrics;
    private final MappingAttention mappingAttention;
    private final IntegrationAttention integrationAttention;
    private final ConfigurationStore configurations;
    private final OperationalEvents events;
    private final Clock clock;

    ReceiptIntake(ReceiptEndpoints endpoints, ReceiptLedger ledger, ProviderGateway gateway, ProviderCatalogue providers,
            RecipientPolicies recipients, CustomerPolicies policies, DeliveryJobFormat jobs, RelayMetrics metrics, MappingAttention mappingAttention,
            IntegrationAttention integrationAttention, ConfigurationStore configurations, OperationalEvents events, Clock clock) {
        this.endpoints = endpoints;
        this.ledger = ledger;
        this.gateway = gateway;
        this.providers = providers;
        this.recipients = recipients;
        this.policies = policies;
        this.jobs = jobs;
        this.metrics = metrics;
        this.mappingAttention = mappingAttention;
        this.integrationAttention = integrationAttention;
        this.configurations = configurations;
        this.events = events;
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
    public sealed interface Answer permits Taken, NotFound, TooMany {
    }

    /** More events in one post than are applied within the provider's wait (413: no provider posts so many at once). */
    public record TooMany() implements Answer {
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
        if (events.get().size() > MOST_EVENTS) {
            return new TooMany();
        }
        long matchUntilNanos = System.nanoTime() + UNMATCHED_WAIT.toNanos();
        // The merchant is known from here on (the URL's secret matched); each event's task, on a thread of its own,
        // carries it and the invocation's request id in its lines.
        LogContext.merchant(posted.merchantId());
        String awsRequestId = LogContext.awsRequestId();
        List<Callable<Void>> work = new ArrayList<>();
        int receipts = 0;
        int replies = 0;
        for (InboundEvent event : events.get()) {
            switch (event) {
                case Receipt receipt -> {
                    receipts++;
                    work.add(() -> {
                        try (var context = LogContext.forJob(awsRequestId, posted.merchantId(), null, null)) {
                            takePosted(posted.merchantId(), provider.get(), receipt, matchUntilNanos);
                        }
                        return null;
                    });
                }
                case Reply reply -> {
                    replies++;
                    work.add(() -> {
                        try (var context = LogContext.forJob(awsRequestId, posted.merchantId(), null, null)) {
                            reply(posted.merchantId(), provider.get(), reply);
                        }
                        return null;
                    });
                }
            }
        }
        runAll(work);
        return new Taken(receipts, replies);
    }

    /**
     * Applies the events side by side, a few at a time, so a post of many is answered within the provider's wait; the
     * first store failure is the answer's (the provider posts again, and what was applied is a no-op then).
     */
    private static void runAll(List<Callable<Void>> work) {
        if (work.size() == 1) {
            call(work.getFirst());
            return;
        }
        Semaphore slots = new Semaphore(AT_ONCE);
        List<Future<Void>> running = new ArrayList<>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Callable<Void> task : work) {
                running.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        return task.call();
                    } finally {
                        slots.release();
                    }
                }));
            }
            for (Future<Void> task : running) {
                try {
                    task.get();
                } catch (ExecutionException failed) {
                    if (failed.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException(failed.getCause());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailable("apply receipts", interrupted);
                }
            }
        }
    }

    private static void call(Callable<Void> task) {
        try {
            task.call();
        } catch (RuntimeException failed) {
            throw failed;
        } catch (Exception checked) {
            throw new IllegalStateException(checked);
        }
    }

    /**
     * A posted receipt may come before the send's own outcome is written (the provider answered, the record is being
     * written, its index caught up a moment later): one not matched is looked for again, for a few seconds at most in all.
     */
    private void takePosted(String merchantId, Provider provider, Receipt receipt, long matchUntilNanos) {
        ReceiptResult result = ledger.apply(merchantId, provider, receipt, clock.instant());
        while (result instanceof Unmatched && System.nanoTime() + UNMATCHED_PAUSE.toNanos() < matchUntilNanos) {
            try {
                Thread.sleep(UNMATCHED_PAUSE);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
            result = ledger.apply(merchantId, provider, receipt, clock.instant());
        }
        counted(merchantId, provider, receipt, result);
    }

    /** Applies one receipt and follows a failure up; used by reconciliation too. */
    public ReceiptResult take(String merchantId, Provider provider, Receipt receipt) {
        ReceiptResult result = ledger.apply(merchantId, provider, receipt, clock.instant());
        counted(merchantId, provider, receipt, result);
        return result;
    }

    private void counted(String merchantId, Provider provider, Receipt receipt, ReceiptResult result) {
        switch (result) {
            case Applied applied -> {
                metrics.increment(APPLIED, Map.of("provider", provider.key(), "state", receipt.state().key()));
                try (var context = LogContext.forJob(LogContext.awsRequestId(), merchantId, null, applied.deliveryId())) {
                    LOG.infof("delivery %s %s: %s%s", applied.deliveryId(), provider.key(), receipt.state().key(),
                            receipt.reason() == null ? "" : " (" + receipt.reason() + ")");
                    if (receipt.state() == ReceiptState.FAILED) {
                        followUp(applied, provider, receipt);
                    }
                }
            }
            case ReceiptLedger.Unchanged unchanged -> metrics.increment(UNCHANGED, Map.of("provider", provider.key()));
            case Unmatched unmatched -> metrics.increment(UNMATCHED, Map.of("provider", provider.key()));
        }
    }

    /**
     * A failure reported after the send is followed up as the same answer to the send would have been: an opt-out is
     * recorded, a refused template flags the mapping, a refused account flags the integration. A flag that cannot be
     * written now is set by the next such answer.
     */
    private void followUp(Applied applied, Provider provider, Receipt receipt) {
        Optional<DeliveryJob> job = applied.jobJson() == null ? Optional.empty() : jobs.tryDecode(applied.jobJson());
        if (job.isEmpty()) {
            return;
        }
        try {
            if (CustomerPolicies.RECIPIENT_OPTED_OUT.equals(receipt.reason())) {
                Channel channel = providers.profile(provider).map(ProviderProfile::channel).orElse(null);
                if (channel != null) {
                    policies.providerReportedOptOut(job.get(), channel, receipt.at());
                }
            } else if (receipt.needs() == Rejected.Needs.MAPPING && job.get().mapping() != null) {
                mappingAttention.templateRefused(job.get(), new Rejected(receipt.reason(), true, 0, Rejected.Needs.MAPPING));
            } else if (receipt.needs() == Rejected.Needs.INTEGRATION) {
                // Laid at the credentials' door only while they are the ones the message went with: new ones were never refused.
                configurations.load(job.get().merchantId()).flatMap(configuration -> configuration.integrations().stream()
                        .filter(integration -> integration.integrationId().equals(job.get().integrationId())).findFirst())
                        .filter(integration -> applied.credentialsDigest() != null
                                && applied.credentialsDigest().equals(Hashes.sha256Hex(integration.credentials().encode())))
                        .ifPresent(integration -> integrationAttention.refused(integration, receipt.reason()));
            }
        } catch (RuntimeException unflagged) {
            LOG.warnf("delivery %s: the %s reported after the send not followed up (%s)", applied.deliveryId(), receipt.reason(),
                    unflagged.getClass().getSimpleName());
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
        Channel channel = profile.get().channel();
        // Read before the write so a customer saying STOP again (or a provider posting the reply twice) is not told to
        // the merchant again; two replies racing can both publish (at least once).
        Consent before = recipients.consentOf(recipient).get(channel);
        recipients.recordConsent(List.of(new ConsentChange(recipient, channel,
                new Consent(true, clock.instant(), ConsentSource.CUSTOMER))));
        if (before == null || !before.optedOut()) {
            events.publish(new RecipientOptedOut(merchantId, channel.name(), dev.loyaltyrelay.domain.OperationalEvent.recipientHash(merchantId,
                    recipient.recipient()), "customer", provider.key(), null, null));
        }
        metrics.increment(REPLY_OPT_OUTS, Map.of("provider", provider.key()));
        LOG.infof("%s replied an opt-out word to %s (%s): recorded", recipient.recipient().masked(), merchantId, provider.key());
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
