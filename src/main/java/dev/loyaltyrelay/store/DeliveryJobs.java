package dev.loyaltyrelay.store;

import static dev.loyaltyrelay.store.Attributes.n;
import static dev.loyaltyrelay.store.Attributes.s;

import dev.loyaltyrelay.domain.DeliveryJob;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The job a delivery record keeps for a resend and for following up a failure its provider reports later: an item of its
 * own beside the record ({@code DELIVERY#<id>} / {@code JOB}), deflated, written once.
 *
 * <p>Why not on the record: every update of an item is billed at the size of the item, and a delivery's record is updated
 * two or more times (claim, outcome, receipts). A job carrying a 20 KB event's properties made each of those writes, and
 * the merchant index's copy of each, cost 20 write units. Kept apart, the record stays under 1 KB and the job is paid for
 * once, at its deflated size.
 *
 * <p>An erased person's job is replaced by a tombstone, and a job is only ever written where no item is yet: a job written
 * after an erasure found its record (a claim racing the erasure) cannot bring the person back.
 */
record DeliveryJobs(DynamoDbClient dynamo, Tables tables, Duration retention) {

    static final String JOB = "JOB";
    private static final Logger LOG = Logger.getLogger(DeliveryJobs.class);
    /**
     * The deflated job: on the job's item, and on the record itself for a job that could not be kept apart (an outcome
     * puts it there; an erasure's scrub removes it).
     */
    static final String DEFLATED_JOB = "job";
    private static final String ERASED = "erased";

    /**
     * Keeps the job of a delivery whose record was just written, unless a job (or an erasure's tombstone) is there already.
     * Never throws: a job not kept must not hold a delivery up.
     *
     * @return true when a job or tombstone is there now; false when the store did not answer
     */
    boolean keep(DeliveryJob job, String jobJson) {
        var item = Map.of(Keys.PK, s(Keys.delivery(job.deliveryId())), Keys.SK, s(JOB),
                DEFLATED_JOB, AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(deflate(jobJson))),
                Keys.EXPIRES_AT, n(expiresAt(job.receivedAt())));
        try {
            DynamoCalls.call("keep delivery job", () -> dynamo.putItem(r -> r.tableName(tables.records()).item(item)
                    .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", Keys.PK))));
            return true;
        } catch (ConditionalCheckFailedException keptOrErased) {
            // Kept by an earlier attempt, or its person was erased meanwhile: either way nothing is to change.
            return true;
        } catch (RuntimeException notKept) {
            LOG.warnf("delivery %s: its job was not kept beside the record (%s)", job.deliveryId(), notKept.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * The kept job: beside the record, or else on the record itself (where an outcome put it when the keep failed).
     * Empty when none was kept, it expired, or its person was erased: a tombstone is final, whatever the record holds.
     */
    Optional<String> read(String deliveryId) {
        var item = DynamoCalls.call("read delivery job", () -> dynamo.getItem(r -> r.tableName(tables.records()).key(key(deliveryId))
                .consistentRead(true))).item();
        if (item != null && item.containsKey(ERASED)) {
            return Optional.empty();
        }
        if (item != null && item.containsKey(DEFLATED_JOB)) {
            return readable(deliveryId, item.get(DEFLATED_JOB));
        }
        var record = DynamoCalls.call("read delivery job", () -> dynamo.getItem(r -> r.tableName(tables.records())
                .key(DeliveryRecords.key(deliveryId)).consistentRead(true).projectionExpression("#job")
                .expressionAttributeNames(Map.of("#job", DEFLATED_JOB)))).item();
        return record == null || !record.containsKey(DEFLATED_JOB) ? Optional.empty() : readable(deliveryId, record.get(DEFLATED_JOB));
    }

    private static Optional<String> readable(String deliveryId, AttributeValue deflated) {
        try {
            return Optional.of(inflate(deflated.b().asByteArrayUnsafe()));
        } catch (RuntimeException unreadable) {
            LOG.warnf("delivery %s: its kept job cannot be read (%s)", deliveryId, unreadable.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * Replaces the job with a tombstone, whether one was kept or not. Failing, it throws: the erasure (or outcome) that
     * asked fails before it scrubs the record, so its retry still finds the record through the recipient index.
     */
    void forget(String deliveryId, Instant receivedAt) {
        var item = Map.of(Keys.PK, s(Keys.delivery(deliveryId)), Keys.SK, s(JOB), ERASED, AttributeValue.fromBool(true),
                Keys.EXPIRES_AT, n(expiresAt(receivedAt)));
        DynamoCalls.call("forget delivery job", () -> dynamo.putItem(r -> r.tableName(tables.records()).item(item)));
    }

    private long expiresAt(Instant receivedAt) {
        return receivedAt.plus(retention).getEpochSecond();
    }

    static Map<String, AttributeValue> key(String deliveryId) {
        return Map.of(Keys.PK, s(Keys.delivery(deliveryId)), Keys.SK, s(JOB));
    }

    static byte[] deflate(String text) {
        var deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
            deflater.finish();
            var out = new ByteArrayOutputStream(Math.max(64, text.length() / 3));
            byte[] buffer = new byte[4096];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    static String inflate(byte[] deflated) {
        var inflater = new Inflater();
        try {
            inflater.setInput(deflated);
            var out = new ByteArrayOutputStream(deflated.length * 4);
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int read = inflater.inflate(buffer);
                if (read == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalStateException("a kept job ends before its end");
                }
                out.write(buffer, 0, read);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException corrupt) {
            throw new IllegalStateException("a kept job is not deflated data", corrupt);
        } finally {
            inflater.end();
        }
    }
}
