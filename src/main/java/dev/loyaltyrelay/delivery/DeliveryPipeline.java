package dev.loyaltyrelay.delivery;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.ProviderQueues.Postponement;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.SecretCipher;
import dev.loyaltyrelay.domain.StoreUnavailable;
import dev.loyaltyrelay.queue.DeliveryJobCodec;
import java.util.Map;
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
 * The one pipeline behind every provider's function. The records of a batch are delivered concurrently, one
 * virtual thread each, at most {@code relay.delivery.max-concurrent-sends} at once, so a batch of ten costs
 * about one provider round trip. Every task is joined before the answer; the records to try again are
 * reported as batch item failures after their visibility is set to their delay.
 */
@ApplicationScoped
public class DeliveryPipeline {

    private static final Logger LOG = Logger.getLogger(DeliveryPipeline.class);
    /** The delivery functions' timeout, assumed when no deadline is given. */
    static final Duration DEFAULT_TIME_BUDGET = Duration.ofSeconds(30);

    private final JobDelivery delivery;
    private final ProviderQueues queues;
    private final RecipientPolicies policies;
    private final DeliveryJobCodec codec;
    private final RelayConfig.Delivery settings;

    DeliveryPipeline(JobDelivery delivery, ProviderQueues queues, RecipientPolicies policies, DeliveryJobCodec codec, RelayConfig config) {
        this.delivery = delivery;
        this.queues = queues;
        this.policies = policies;
        this.codec = codec;
        this.settings = config.delivery();
    }

    public SQSBatchResponse process(Provider provider, SQSEvent event, Context context) {
        // Lambda always invokes with time left; none (no context, or a local event server without a deadline)
        // means nobody imposes one, and the function's own timeout is assumed.
        long remainingMillis = context == null ? 0 : context.getRemainingTimeInMillis();
        long budgetMillis = remainingMillis > 0 ? remainingMillis : DEFAULT_TIME_BUDGET.toMillis();
        long deadlineNanos = System.nanoTime() + Duration.ofMillis(budgetMillis).toNanos();
        List<SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        List<QueuedJob> jobs = records.stream().map(record -> QueuedJob.of(record, codec)).toList();
        RecipientScreen screen = screen(jobs);
        List<RecordResult> results = deliverAll(provider, records, jobs, screen, deadlineNanos);

        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<Postponement> postponements = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (results.get(i) instanceof RecordResult.Again again) {
                failures.add(new SQSBatchResponse.BatchItemFailure(records.get(i).getMessageId()));
                if (records.get(i).getReceiptHandle() != null) {
                    postponements.add(new Postponement(records.get(i).getReceiptHandle(), again.delay()));
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
        return new SQSBatchResponse(failures);
    }

    /** The batch's recipients' policies, in one read. */
    private RecipientScreen screen(List<QueuedJob> jobs) {
        var recipients = jobs.stream().filter(queued -> queued.job() != null)
                .map(queued -> new RecipientKey(queued.job().merchantId(), queued.job().recipient())).distinct().toList();
        if (recipients.isEmpty()) {
            return RecipientScreen.of(Map.of());
        }
        try {
            return RecipientScreen.of(policies.lookup(recipients));
        } catch (StoreUnavailable | SecretCipher.SecretUnavailable e) {
            LOG.warnf("recipient policies of a batch not read: %s", e.getMessage());
            return RecipientScreen.unavailable(settings.backoffBase());
        }
    }

    private List<RecordResult> deliverAll(Provider provider, List<SQSMessage> records, List<QueuedJob> jobs, RecipientScreen screen,
            long deadlineNanos) {
        Semaphore slots = new Semaphore(Math.max(1, settings.maxConcurrentSends()));
        List<Future<RecordResult>> tasks = new ArrayList<>(records.size());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (QueuedJob queued : jobs) {
                tasks.add(executor.submit(() -> {
                    slots.acquire();
                    try {
                        return delivery.deliver(provider, queued, screen, deadlineNanos);
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<RecordResult> results = new ArrayList<>(records.size());
            for (int i = 0; i < tasks.size(); i++) {
                results.add(join(provider, records.get(i), jobs.get(i), tasks.get(i)));
            }
            return results;
        }
    }

    /**
     * A delivery that failed where no outcome could be written (the store down, say) comes back like a wait: later at
     * each receive, and at the receive budget on the dead-letter queue with its reason, before SQS's own limit.
     */
    private RecordResult join(Provider provider, SQSMessage record, QueuedJob queued, Future<RecordResult> task) {
        try {
            return task.get();
        } catch (ExecutionException failed) {
            String reason = failed.getCause() instanceof StoreUnavailable ? "store_unavailable" : "unexpected_error";
            Duration delay = Backoff.after(queued.receiveCount(), settings.backoffBase(), settings.backoffCap());
            LOG.warnf("%s message %s failed: %s (%s); retried after %s", provider.key(), record.getMessageId(),
                    failed.getCause().getClass().getSimpleName(), reason, delay);
            if (queued.receiveCount() >= settings.maxReceives()) {
                try {
                    // Its record (if any) still shows it waiting: a redrive requeues it.
                    queues.deadLetter(provider, queued.body(), queued.job() == null ? null : queued.job().deliveryId(), reason,
                            "receives_exhausted");
                    return RecordResult.DONE;
                } catch (QueueUnavailable e) {
                    LOG.warnf("%s message %s not dead-lettered: %s", provider.key(), record.getMessageId(), e.getMessage());
                }
            }
            return new RecordResult.Again(delay);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new RecordResult.Again(Duration.ZERO);
        }
    }
}
