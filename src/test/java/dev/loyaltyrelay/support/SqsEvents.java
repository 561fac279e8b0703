package dev.loyaltyrelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.DeliveryIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQS sample events in {@code events/<provider>-batch.json} (valid {@code sam local invoke -e} input), moved
 * to a fresh merchant: each job gets that merchant, a delivery id derived as ingest derives it, and a receipt time.
 */
public final class SqsEvents {

    static final ObjectMapper JSON = new ObjectMapper();

    private SqsEvents() {
    }

    public static ObjectNode load(String file) {
        try {
            return (ObjectNode) JSON.readTree(Path.of("events", file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample batch with every job moved to {@code merchantId} and stamped {@code receivedAt}. */
    public static ObjectNode forMerchant(ObjectNode event, String merchantId, Instant receivedAt) {
        for (JsonNode record : event.get("Records")) {
            ObjectNode job = job(record);
            job.put("merchantId", merchantId);
            job.put("deliveryId", DeliveryIds.derive(merchantId, job.get("nectorDeliveryId").asText(), job.get("integrationId").asText(),
                    job.get("mapping").get("mappingId").asText()));
            job.put("receivedAt", receivedAt.toString());
            setJob((ObjectNode) record, job);
        }
        return event;
    }

    /** A batch of the given records of {@code event} (by index). */
    public static ObjectNode only(ObjectNode event, int... indexes) {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode records = batch.putArray("Records");
        for (int index : indexes) {
            records.add(event.get("Records").get(index).deepCopy());
        }
        return batch;
    }

    public static ObjectNode job(JsonNode record) {
        try {
            return (ObjectNode) JSON.readTree(record.get("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void setJob(ObjectNode record, JsonNode job) {
        record.put("body", job.toString());
    }

    public static String messageId(JsonNode event, int index) {
        return event.get("Records").get(index).get("messageId").asText();
    }

    public static String deliveryId(JsonNode event, int index) {
        return job(event.get("Records").get(index)).get("deliveryId").asText();
    }

    /** The message ids a batch response reports as failures. */
    public static List<String> failures(JsonNode batchResponse) {
        List<String> ids = new ArrayList<>();
        batchResponse.path("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").asText()));
        return ids;
    }
}
