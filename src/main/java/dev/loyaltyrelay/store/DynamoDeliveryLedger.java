package dev.loyaltyrelay.store;

import dev.loyaltyrelay.config.RelayConfig;
import dev.loyaltyrelay.domain.DeliveryJob;
import dev.loyaltyrelay.domain.DeliveryLedger;
import dev.loyaltyrelay.domain.DeliveryOutcome;
import dev.loyaltyrelay.domain.DeliveryRecord;
import dev.loyaltyrelay.domain.DeliveryStatus;
import dev.loyaltyrelay.domain.DeliveryLedger.Claimed;
import dev.loyaltyrelay.domain.DeliveryLedger.Settled;
import dev.loyaltyrelay.domain.Recipient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Delivery records ({@code DELIVERY#<id>}) in the records table; the contract is {@link DeliveryLedger}'s.
 * Each write sets a fresh {@code token} and keeps the status it replaced ({@code priorStatus}), so
 * when a condition fails on an item that already carries the caller's own token, the SDK repeated a write that had
 * been applied, and the kept state answers as the first write would have. The record keeps a trail of provider
 * calls and decisions; waits without a call are only counted ({@code waits}), so an outage cannot grow the item.
 * <p>
 * The work is shared out by what it does to the records: claims ({@link DeliveryClaims}), outcomes
 * ({@link DeliveryOutcomes}), fresh budgets ({@link DeliveryReopenings}), the listing ({@link DeliveryListing}) and
 * erasure ({@link DeliveryErasure}), over one set of calls ({@link DeliveryRecords}), one account of what the writes set
 * ({@link DeliveryChanges}) and one reading of the item ({@link DeliveryItems}). The pieces are records of what they
 * use, built once with this bean (no CDI of their own, nothing found by reflection).
 */
@ApplicationScoped
public class DynamoDeliveryLedger implements DeliveryLedger {

    private final DeliveryRecords records;
    private final DeliveryClaims claims;
    private final DeliveryOutcomes outcomes;
    private final DeliveryReopenings reopenings;
    private final DeliveryListing listing;
    private final DeliveryErasure erasure;
    private final DeliveryJobs jobs;
    /** Jobs being kept, by delivery id, until their outcome is written (bounded: a claim never followed by one is dropped). */
    private final Map<String, PendingKeep> keeping = new ConcurrentHashMap<>();
    private static final int MOST_PENDING_KEEPS = 1_000;
    private static final ExecutorService KEEPERS = Executors.newVirtualThreadPerTaskExecutor();
    private static final Logger LOG = Logger.getLogger(DynamoDeliveryLedger.class);

    DynamoDeliveryLedger(DynamoDbClient dynamo, Tables tables, RecipientKeyring keyring, RelayConfig config) {
        this.records = new DeliveryRecords(dynamo, tables);
        this.jobs = new DeliveryJobs(dynamo, tables, config.delivery().recordRetention());
        var changes = new DeliveryChanges(keyring, config.delivery());
        this.claims = new DeliveryClaims(records, changes, config.delivery());
        this.outcomes = new DeliveryOutcomes(records, changes);
        this.reopenings = new DeliveryReopenings(records, changes);
        this.listing = new DeliveryListing(records);
        this.erasure = new DeliveryErasure(records, changes, jobs);
    }

    @Override
    public ClaimResult claim(DeliveryJob job, String jobJson, Budget budget, String credentialsDigest, Instant now) {
        ClaimResult claimed = claims.claim(job, budget, credentialsDigest, now);
        if (claimed instanceof Claimed && jobJson != null) {
            // Every claim keeps the job unless one is kept (a claim whose answer was lost, or whose function died before its
            // keep, is followed by one that does); kept while the provider is called, and the outcome's write waits for it.
            if (keeping.size() > MOST_PENDING_KEEPS) {
                keeping.values().removeIf(pending -> pending.done().isDone());
            }
            keeping.put(job.deliveryId(), new PendingKeep(KEEPERS.submit(() -> keepOrForget(job, jobJson)), job, jobJson));
        }
        return claimed;
    }

    @Override
    public WriteResult record(Claimed claim, DeliveryStatus status, DeliveryOutcome outcome, Instant nextAttemptAt, Instant now) {
        return outcomes.record(claim, status, outcome, nextAttemptAt, null, jobNotKept(claim, outcome, now), now);
    }

    @Override
    public WriteResult recordGivenUp(Claimed claim, DeliveryOutcome outcome, String givenUpBy, Instant now) {
        return outcomes.record(claim, DeliveryStatus.EXHAUSTED, outcome, null, givenUpBy, jobNotKept(claim, outcome, now), now);
    }

    @Override
    public SettleResult settle(DeliveryJob job, String jobJson, Settlement settlement, Instant now) {
        return keptWith(job, jobJson, outcomes.settle(job, settlement, now));
    }

    @Override
    public SettleResult defer(DeliveryJob job, String jobJson, DeliveryOutcome.Deferred deferred, Instant nextAttemptAt, Duration mostCredit,
            boolean overLapsedLease, Instant now) {
        return keptWith(job, jobJson, outcomes.defer(job, deferred, nextAttemptAt, mostCredit, overLapsedLease, now));
    }

    @Override
    public Optional<DeliveryRecord> find(String deliveryId) {
        return records.find(deliveryId);
    }

    @Override
    public Optional<String> job(String deliveryId) {
        return jobs.read(deliveryId);
    }

    @Override
    public Optional<String> reopen(DeliveryRecord record, Reopening reopening, Instant now) {
        return reopenings.reopen(record, reopening, now);
    }

    @Override
    public boolean renewBudget(DeliveryJob job, String jobJson, Reopening reopening, Instant now) {
        boolean renewed = reopenings.renewBudget(job, reopening, now);
        if (renewed && jobJson != null) {
            // A redriven letter may be the first the store hears of the delivery: its job is kept unless one is already.
            keepOrForgetNow(job, jobJson);
        }
        return renewed;
    }

    @Override
    public boolean undoReopen(DeliveryRecord before, String reopenToken, Instant now) {
        return reopenings.undoReopen(before, reopenToken, now);
    }

    /** A write of the record keeps the job beside it (unless one is kept); one that erased the person forgets it. */
    private SettleResult keptWith(DeliveryJob job, String jobJson, SettleResult settled) {
        if (settled instanceof Settled && (jobJson != null || erased(job))) {
            keepOrForgetNow(job, jobJson);
        }
        return settled;
    }

    /** A keep begun by a claim, with what it keeps (written onto the record by the outcome when the keep failed). */
    private record PendingKeep(Future<Boolean> done, DeliveryJob job, String jobJson) {
    }

    /**
     * Before a claim's outcome is written: waits for the job its claim began keeping, and says what the outcome's write
     * must carry itself because the keep failed (the deflated job, on the record: the record's last write is the last
     * chance to keep it). An outcome that erases the person forgets the job first, so a failure leaves the record as it was.
     */
    private byte[] jobNotKept(Claimed claim, DeliveryOutcome outcome, Instant now) {
        PendingKeep pending = keeping.remove(claim.deliveryId());
        if (outcome instanceof DeliveryOutcome.Suppressed suppressed && suppressed.recipientErased()) {
            if (pending != null) {
                kept(pending);
            }
            jobs.forget(claim.deliveryId(), now);
            return null;
        }
        if (pending == null || kept(pending) || erased(pending.job())) {
            return null;
        }
        return DeliveryJobs.deflate(pending.jobJson());
    }

    private boolean kept(PendingKeep pending) {
        try {
            return pending.done().get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException failed) {
            LOG.warnf("delivery %s: its job was not kept beside the record (%s)", pending.job().deliveryId(),
                    failed.getCause().getClass().getSimpleName());
            return false;
        }
    }

    /** Kept or forgotten now, one try more when the store fails: no later write of the record will carry the job. */
    private void keepOrForgetNow(DeliveryJob job, String jobJson) {
        if (!keepOrForget(job, jobJson) && !keepOrForget(job, jobJson)) {
            LOG.warnf("delivery %s: its job was not kept for a resend", job.deliveryId());
        }
    }

    /** @return whether the job is kept (or forgotten, for an erased person); false when the store did not answer */
    private boolean keepOrForget(DeliveryJob job, String jobJson) {
        if (erased(job)) {
            jobs.forget(job.deliveryId(), job.receivedAt());
            return true;
        }
        return jobJson == null || jobs.keep(job, jobJson);
    }

    private static boolean erased(DeliveryJob job) {
        return Recipient.ERASED.equals(job.recipient().address());
    }

    @Override
    public DeliveryPage list(String merchantId, DeliveryQuery query) {
        return listing.list(merchantId, query);
    }

    @Override
    public int eraseRecipient(String merchantId, Recipient recipient, Instant now) {
        return erasure.eraseRecipient(merchantId, recipient, now);
    }
}
