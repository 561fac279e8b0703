package dev.loyaltyrelay.application.delivery;

import dev.loyaltyrelay.application.LogContext;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryJobFormat;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryLedger.Reopening;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderQueues;
import dev.loyaltyrelay.domain.ProviderQueues.DeadLetter;
import dev.loyaltyrelay.domain.QueueUnavailable;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.RecipientPolicies.RecipientKey;
import dev.loyaltyrelay.domain.RecipientPolicies;
import dev.loyaltyrelay.domain.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Puts given-up deliveries back in play, never one that may already have reached the customer:
 * <ul>
 *   <li><b>Redrive</b> (the operator, after an outage or a fix) takes a provider's dead letters a page at a time. A
 *       letter of a delivery given up ({@code EXHAUSTED}) is reopened with a fresh budget and requeued; one still
 *       waiting (or never recorded) is requeued as it is; one that ended otherwise ({@code SENT}, {@code UNKNOWN},
 *       {@code REJECTED}, {@code SUPPRESSED}) is removed and counted, never resent. Each call is bounded by a number of
 *       letters and a time budget and says how many remain; calling again continues, and repeating a call is
 *       harmless (the delivery's claim sends a job queued twice once).</li>
 *   <li><b>Resend</b> (the merchant, for one delivery) is the only way a finished delivery of any status is sent
 *       again, from the job its record kept; the trail says it was asked for. The record is reopened before the job
 *       is queued (else the job would be dropped as a duplicate of its finished record); if the queue refuses the job,
 *       the reopening is undone, and a reopening that could not be undone can be resent again.</li>
 * </ul>
 * Reopening moves the delivery from its figures counter to pending in the same write, so it is counted once.
 */
@ApplicationScoped
public class Recovery {

    private static final Logger LOG = Logger.getLogger(Recovery.class);

    /**
     * What one redrive call did.
     *
     * @param requeued          letters whose job is back on the queue
     * @param alreadyEnded      letters removed because their delivery had ended, by status (never resent)
     * @param unreadable        letters left on the dead-letter queue because they are not a job
     * @param remaining         about how many letters are still on the dead-letter queue
     * @param stoppedBy         {@code empty} (nothing left to take), {@code max} or {@code time}: call again to go on
     */
    public record Redriven(int requeued, Map<DeliveryStatus, Integer> alreadyEnded, int unreadable, int remaining, String stoppedBy) {
    }

    /** What a resend request found. */
    public enum Resend {
        /** Reopened and queued. */
        REQUEUED,
        /** A resend was already asked for and not yet taken up: its job is queued again, and the claim sends it once. */
        ALREADY_PENDING,
        NOT_FOUND,
        /** Still being attempted: nothing to resend. */
        NOT_FINISHED,
        /** The record no longer keeps the job (erased, or older than the record's retention). */
        JOB_GONE,
        /** The queue refused the job; the record is as it was. */
        QUEUE_UNAVAILABLE
    }

    private final RecipientPolicies policies;
    private final ProviderQueues queues;
    private final DeliveryLedger ledger;
    private final DeliveryJobFormat jobFormat;
    private final Clock clock;

    Recovery(ProviderQueues queues, DeliveryLedger ledger, DeliveryJobFormat jobFormat, RecipientPolicies policies, Clock clock) {
        this.policies = policies;
        this.queues = queues;
        this.ledger = ledger;
        this.jobFormat = jobFormat;
        this.clock = clock;
    }

    /**
     * About how many of the provider's dead letters a redrive would take, those taken out of sight for a while included.
     *
     * @throws QueueUnavailable when the dead-letter queue cannot be read
     */
    public int deadLetterCount(Provider provider) {
        return queues.deadLetterCount(provider);
    }

    /**
     * Redrives up to {@code maxLetters} dead letters, stopping when {@code timeBudget} is spent.
     *
     * @throws QueueUnavailable when a queue cannot be reached (what was done stands; calling again goes on)
     */
    public Redriven redrive(Provider provider, int maxLetters, Duration timeBudget) {
        long deadline = System.nanoTime() + timeBudget.toNanos();
        int requeued = 0;
        int unreadable = 0;
        int handled = 0;
        Map<DeliveryStatus, Integer> ended = new EnumMap<>(DeliveryStatus.class);
        String stoppedBy = "max";
        while (handled < maxLetters) {
            if (System.nanoTime() - deadline >= 0) {
                stoppedBy = "time";
                break;
            }
            List<DeadLetter> letters = queues.takeDeadLetters(provider, Math.min(10, maxLetters - handled));
            if (letters.isEmpty()) {
                stoppedBy = "empty";
                break;
            }
            for (int index = 0; index < letters.size(); index++) {
                DeadLetter letter = letters.get(index);
                if (System.nanoTime() - deadline >= 0) {
                    // Taken but not handled: visible again at once for the next call.
                    queues.returnDeadLetter(provider, letter);
                    continue;
                }
                handled++;
                Optional<DeliveryJob> job = jobFormat.tryDecode(letter.body());
                if (job.isEmpty()) {
                    unreadable++;
                    continue;
                }
                try (var context = LogContext.forJob(LogContext.awsRequestId(), job.get().merchantId(), job.get().nectorDeliveryId(),
                        job.get().deliveryId())) {
                    switch (redrive(provider, letter, job.get())) {
                        case Requeued r -> requeued++;
                        case Removed removed -> ended.merge(removed.endedAs(), 1, Integer::sum);
                        case Left left -> {
                            // Comes back on the dead-letter queue after its visibility timeout.
                        }
                    }
                } catch (RuntimeException failed) {
                    // This letter and the rest of the page go back at once, so the call the operator repeats finds them.
                    returnEach(provider, letters.subList(index, letters.size()));
                    throw failed;
                }
            }
        }
        return new Redriven(requeued, ended, unreadable, queues.deadLetterCount(provider), stoppedBy);
    }

    /** Makes taken letters visible again, as far as the queue lets it: those it does not come back by themselves later. */
    private void returnEach(Provider provider, List<DeadLetter> letters) {
        for (DeadLetter letter : letters) {
            try {
                queues.returnDeadLetter(provider, letter);
            } catch (RuntimeException queueDown) {
                LOG.warnf("redrive of %s: a letter comes back after its visibility timeout (%s)", provider.key(),
                        queueDown.getClass().getSimpleName());
            }
        }
    }

    /** What became of one letter. */
    private sealed interface LetterResult {
    }

    private record Requeued() implements LetterResult {
    }

    private record Removed(DeliveryStatus endedAs) implements LetterResult {
    }

    private record Left() implements LetterResult {
    }

    /** Requeues one letter's job unless its delivery ended, in which case the letter is only removed. */
    private LetterResult redrive(Provider provider, DeadLetter letter, DeliveryJob job) {
        Optional<DeliveryRecord> record = ledger.find(job.deliveryId());
        DeliveryStatus status = record.map(DeliveryRecord::status).orElse(null);
        for (int reads = 0; status == DeliveryStatus.EXHAUSTED && reads < 3; reads++) {
            if (ledger.reopen(record.get(), Reopening.REDRIVE, clock.instant()).isPresent()) {
                status = DeliveryStatus.RETRY_SCHEDULED;
                break;
            }
            record = ledger.find(job.deliveryId());
            status = record.map(DeliveryRecord::status).orElse(null);
        }
        LOG.infof("redrive of %s: delivery %s is %s", provider.key(), job.deliveryId(), status == null ? "not recorded" : status);
        if (status == DeliveryStatus.EXHAUSTED) {
            // Its record kept changing under the reopening: the letter stays for the next redrive.
            return new Left();
        }
        if (status != null && status.finished()) {
            // SENT, UNKNOWN, REJECTED, SUPPRESSED: never resent by a redrive.
            queues.forgetDeadLetter(provider, letter);
            return new Removed(status);
        }
        if ((status == null || status == DeliveryStatus.RETRY_SCHEDULED || status == DeliveryStatus.DEFERRED) && erasedSinceReceipt(job)) {
            // The person was erased while the letter waited: the delivery ends here, and no record gets the address back.
            var suppressed = ledger.settle(job.withRecipientErased(), null, new DeliveryLedger.Settlement(DeliveryStatus.SUPPRESSED,
                    new DeliveryOutcome.Suppressed(DeliveryOutcome.Suppressed.RECIPIENT_ERASED), null, false), clock.instant());
            if (suppressed instanceof DeliveryLedger.Settled || suppressed instanceof DeliveryLedger.AlreadyFinished) {
                queues.forgetDeadLetter(provider, letter);
                return new Removed(DeliveryStatus.SUPPRESSED);
            }
        }
        // Waiting or never recorded: a fresh budget first (the letter may have waited for days, past the age budget).
        // Being attempted: as it is. Either way the claim decides whether it is sent, and sends it once.
        if (status == null || status == DeliveryStatus.RETRY_SCHEDULED || status == DeliveryStatus.DEFERRED) {
            ledger.renewBudget(job, letter.body(), Reopening.REDRIVE, clock.instant());
        }
        queues.requeue(provider, letter.body());
        queues.forgetDeadLetter(provider, letter);
        return new Requeued();
    }

    /** Whether the job's recipient was erased after the job was received (read consistently). */
    private boolean erasedSinceReceipt(DeliveryJob job) {
        return policies.find(new RecipientKey(job.merchantId(), job.recipient()), null).map(policy -> policy.erasedSince(job.receivedAt())).orElse(false);
    }

    /** Sends one delivery again, from the job its record kept: the merchant's explicit resend. */
    public Resend resend(String deliveryId) {
        Optional<DeliveryRecord> found = ledger.find(deliveryId);
        if (found.isEmpty()) {
            return Resend.NOT_FOUND;
        }
        DeliveryRecord record = found.get();
        Optional<String> body = ledger.job(deliveryId);
        Optional<DeliveryJob> job = body.flatMap(jobFormat::tryDecode);
        if (job.isEmpty()) {
            return Resend.JOB_GONE;
        }
        boolean resendNeverTakenUp = record.status() == DeliveryStatus.RETRY_SCHEDULED && Reopening.RESEND.reason().equals(record.reason());
        if (resendNeverTakenUp) {
            // An earlier resend reopened it; whether its job reached the queue is not known: queue it (again).
            return requeue(job.get(), body.get()) ? Resend.ALREADY_PENDING : Resend.QUEUE_UNAVAILABLE;
        }
        if (!record.status().finished()) {
            return Resend.NOT_FINISHED;
        }
        Optional<String> reopened = ledger.reopen(record, Reopening.RESEND, clock.instant());
        if (reopened.isEmpty()) {
            return Resend.NOT_FINISHED;
        }
        if (requeue(job.get(), body.get())) {
            return Resend.REQUEUED;
        }
        try {
            if (!ledger.undoReopen(record, reopened.get(), clock.instant())) {
                LOG.warnf("resend of %s: reopening not undone, it changed meanwhile", deliveryId);
            }
        } catch (StoreUnavailable e) {
            // Left reopened: a later resend of it queues the job again (resendNeverTakenUp).
            LOG.warnf("resend of %s: reopening not undone: %s", deliveryId, e.getMessage());
        }
        return Resend.QUEUE_UNAVAILABLE;
    }

    private boolean requeue(DeliveryJob job, String body) {
        try {
            queues.requeue(job.provider(), body);
            return true;
        } catch (QueueUnavailable e) {
            LOG.warnf("resend of %s not queued: %s", job.deliveryId(), e.getMessage());
            return false;
        }
    }
}
