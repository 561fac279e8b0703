package dev.loyaltyrelay.application.delivery;


import dev.loyaltyrelay.application.LogContext;
import dev.loyaltyrelay.application.policy.CustomerPolicies;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.Channel;
import dev.loyaltyrelay.domain.ProviderCatalogue;
import dev.loyaltyrelay.domain.ProviderProfile;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryJobFormat;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.ProviderQueues.Postponement;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.StoreUnavailable;
import java.util.Map;
import java.util.Optional;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * Delivers one batch of a provider queue: the use case behind every provider's function. The jobs of a batch are
 * delivered concurrently, one virtual thread each, at most {@code relay.delivery.max-concurrent-sends} at once, so a
 * batch of ten costs about one provider round trip. Every task is joined before the answer; the messages to try again
 * are returned after their visibility is set to their delay.
 */
@ApplicationScoped
public class BatchDelivery {

    private static final Logger LOG = Logger.getLogger(BatchDelivery.class);

    /**
     * One message of the provider's queue as its function received it.
     *
     * @param receiptHandle null where the queue gave none (a hand-made event): its retry delay cannot be set then
     * @param attributes    its string message attributes (an outcome carried by an earlier attempt travels there)
     * @param receiveCount  how many times the queue has handed it out, this time included
     */
    public record QueueMessage(String messageId, String receiptHandle, String body, Map<String, String> attributes, int receiveCount) {
    }

    private final JobDelivery delivery;
    private final ProviderQueues queues;
    private final RecipientPolicies policies;
    private final DeliveryJobFormat jobFormat;
    private final ProviderCatalogue providers;
    private final CustomerPolicies checks;
    private final RelayConfig.Delivery settings;

    BatchDelivery(JobDelivery delivery, ProviderQueues queues, RecipientPolicies policies, DeliveryJobFormat jobFormat, ProviderCatalogue providers,
            CustomerPolicies checks, RelayConfig config) {
        this.delivery = delivery;
        this.queues = queues;
        this.policies = policies;
        this.jobFormat = jobFormat;
        this.providers = providers;
        this.checks = checks;
        this.settings = config.delivery();
    }

    /**
     * @param deadlineNanos {@link System#nanoTime()} by which the function must have answered
     * @return the ids of the messages to receive again (their retry delay already set where the queue allows)
     */
    public List<String> deliver(Provider provider, List<QueueMessage> messages, long deadlineNanos) {
        List<QueuedJob> jobs = messages.stream().map(this::queuedJob).toList();
        RecipientScreen screen = screen(provider, jobs);
        List<RecordResult> results = deliverAll(provider, messages, jobs, screen, deadlineNanos);

        List<String> again = new ArrayList<>();
        List<Postponement> postponements = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (results.get(i) instanceof RecordResult.Again later) {
                again.add(messages.get(i).messageId());
                if (messages.get(i).receiptHandle() != null) {
                    postponements.add(new Postponement(messages.get(i).receiptHandle(), later.delay()));
                }
            }
        }
        if (!postponements.isEmpty()) {
            try {
                queues.postpone(provider, postponements);
            } catch (QueueUnavailable e) {
                // The messages still come back, after the queue's own visibility timeout.
                LOG.warnf("could not set the retry delay of %d %s messages: %s", postponements.size(), provider.key(), e.getMessage());
            }
        }
        return again;
    }

    /** The message as the pipeline sees it: its job (null when unreadable, to be dead-lettered) and what travels with it. */
    private QueuedJob queuedJob(QueueMessage message) {
        DeliveryJob job = jobFormat.tryDecode(message.body()).orElse(null);
        return new QueuedJob(message.body(), Math.max(1, message.receiveCount()), job, CarriedOutcome.from(message.attributes()).orElse(null));
    }

    /** The batch's recipients' policies (erasures, and consent on the provider's channel), in one read. */
    private RecipientScreen screen(Provider provider, List<QueuedJob> jobs) {
        var recipients = jobs.stream().filter(queued -> queued.job() != null)
                .map(queued -> new RecipientKey(queued.job().merchantId(), queued.job().recipient())).distinct().toList();
        if (recipients.isEmpty()) {
            return RecipientScreen.of(Map.of(), checks);
        }
        try {
            Channel channel = providers.profile(provider).map(ProviderProfile::channel).orElse(null);
            return RecipientScreen.of(policies.lookup(recipients, channel), checks);
        } catch (StoreUnavailable | SecretCipher.SecretUnavailable e) {
            LOG.warnf("recipient policies of a batch not read: %s", e.getMessage());
            return RecipientScreen.unavailable(settings.backoffBase());
        }
    }

    private List<RecordResult> deliverAll(Provider provider, List<QueueMessage> messages, List<QueuedJob> jobs, RecipientScreen screen,
            long deadlineNanos) {
        Semaphore slots = new Semaphore(Math.max(1, settings.maxConcurrentSends()));
        // The MDC is per thread: each job's task sets its own, from the invocation's request id read here.
        String awsRequestId = LogContext.awsRequestId();
        List<Future<RecordResult>> tasks = new ArrayList<>(messages.size());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (QueuedJob queued : jobs) {
                DeliveryJob job = queued.job();
                tasks.add(executor.submit(() -> {
                    try (var logContext = job == null ? LogContext.forJob(awsRequestId, null, null, null)
                            : LogContext.forJob(awsRequestId, job.merchantId(), job.nectorDeliveryId(), job.deliveryId())) {
                        slots.acquire();
                        try {
                            return delivery.deliver(provider, queued, screen, deadlineNanos);
                        } finally {
                            slots.release();
                        }
                    }
                }));
            }
            List<RecordResult> results = new ArrayList<>(messages.size());
            for (int i = 0; i < tasks.size(); i++) {
                results.add(join(provider, messages.get(i), jobs.get(i), tasks.get(i)));
            }
            return results;
        }
    }

    /**
     * A delivery that failed where no outcome could be written (the store down, say) comes back like a wait: later at
     * each receive, and at the receive budget on the dead-letter queue with its reason, before SQS's own limit.
     */
    private RecordResult join(Provider provider, QueueMessage message, QueuedJob queued, Future<RecordResult> task) {
        try {
            return task.get();
        } catch (ExecutionException failed) {
            String reason = failed.getCause() instanceof StoreUnavailable ? "store_unavailable" : "unexpected_error";
            Duration delay = Backoff.after(queued.receiveCount(), settings.backoffBase(), settings.backoffCap());
            LOG.warnf("%s message %s failed: %s (%s); retried after %s", provider.key(), message.messageId(),
                    failed.getCause().getClass().getSimpleName(), reason, delay);
            if (queued.receiveCount() >= settings.maxReceives()) {
                try {
                    // Its record (if any) still shows it waiting: a redrive requeues it.
                    queues.deadLetter(provider, queued.body(), queued.job() == null ? null : queued.job().deliveryId(), reason,
                            "receives_exhausted");
                    return RecordResult.DONE;
                } catch (QueueUnavailable e) {
                    LOG.warnf("%s message %s not dead-lettered: %s", provider.key(), message.messageId(), e.getMessage());
                }
            }
            return new RecordResult.Again(delay);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new RecordResult.Again(Duration.ZERO);
        }
    }
}
