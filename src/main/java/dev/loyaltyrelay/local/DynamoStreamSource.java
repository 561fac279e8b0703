package dev.loyaltyrelay.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What Lambda's DynamoDB stream event source does, for one table's stream, outside AWS: read each shard in order from
 * where it last stopped, keep the records that pass the filter, hand them to the function as a stream event (the JSON
 * Lambda sends), and carry on after the last record, or again from the record the function reports as its first
 * batch item failure. Used by the local run and the tests. Where it stopped is kept for the JVM (in its system
 * properties), so a hot reload of the local run, or a test profile's restart, goes on from there instead of counting
 * the stream again.
 */
public final class DynamoStreamSource {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final Function<JsonNode, Boolean> filter;

    /** @param filter which stream records reach the function (the event source mapping's filter criteria) */
    public DynamoStreamSource(DynamoDbStreamsClient streams, String streamArn, Function<JsonNode, Boolean> filter) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.filter = filter;
    }

    /**
     * Hands every record written since the last call to the function, in batches of up to {@code batchSize}, until the
     * stream has nothing more or the function reports a failure (the next call starts again at the record it named).
     *
     * @param function takes a stream event and answers its JSON answer ({@code batchItemFailures})
     * @return how many records were handed over
     */
    public synchronized int drain(Function<byte[], byte[]> function, int batchSize) {
        int handed = 0;
        for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
            while (true) {
                List<Record> records = read(shard.shardId(), batchSize);
                if (records.isEmpty()) {
                    break;
                }
                List<JsonNode> passed = records.stream().map(this::toJson).filter(filter::apply).toList();
                String failedAt = passed.isEmpty() ? null : invoke(function, passed);
                handed += passed.size();
                if (failedAt != null) {
                    System.setProperty(positionKey(shard.shardId()), "at:" + failedAt);
                    break;
                }
                System.setProperty(positionKey(shard.shardId()), "after:" + records.getLast().dynamodb().sequenceNumber());
            }
        }
        return handed;
    }

    private String positionKey(String shardId) {
        return "loyalty-relay.stream-position." + streamArn + "." + shardId;
    }

    private List<Record> read(String shardId, int batchSize) {
        String position = System.getProperty(positionKey(shardId));
        String iterator = streams.getShardIterator(r -> {
            r.streamArn(streamArn).shardId(shardId);
            if (position == null) {
                r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                r.shardIteratorType(position.startsWith("at:") ? ShardIteratorType.AT_SEQUENCE_NUMBER : ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                        .sequenceNumber(position.substring(position.indexOf(':') + 1));
            }
        }).shardIterator();
        return streams.getRecords(r -> r.shardIterator(iterator).limit(batchSize)).records();
    }

    private String invoke(Function<byte[], byte[]> function, List<JsonNode> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        records.forEach(array::add);
        try {
            JsonNode answer = JSON.readTree(function.apply(JSON.writeValueAsBytes(event)));
            JsonNode failure = answer.path("batchItemFailures").path(0).path("itemIdentifier");
            return failure.isMissingNode() || failure.asText().isEmpty() ? null : failure.asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * An event source mapping's filter pattern (the subset the template uses: nested objects, and lists of the exact
     * strings a field may have) as a test of a stream record.
     */
    public static Function<JsonNode, Boolean> filterOf(String pattern) {
        try {
            JsonNode parsed = JSON.readTree(pattern);
            return record -> matches(parsed, record);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a filter pattern", e);
        }
    }

    private static boolean matches(JsonNode pattern, JsonNode value) {
        if (pattern.isArray()) {
            for (JsonNode allowed : pattern) {
                if (value.isValueNode() && allowed.asText().equals(value.asText())) {
                    return true;
                }
            }
            return false;
        }
        var fields = pattern.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!matches(field.getValue(), value.path(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** A stream record as Lambda's event carries it. */
    JsonNode toJson(Record record) {
        ObjectNode json = JSON.createObjectNode();
        json.put("eventID", record.eventID());
        json.put("eventName", record.eventNameAsString());
        json.put("eventVersion", "1.1");
        json.put("eventSource", "aws:dynamodb");
        json.put("awsRegion", "local");
        json.put("eventSourceARN", streamArn);
        ObjectNode dynamodb = json.putObject("dynamodb");
        dynamodb.set("Keys", image(record.dynamodb().keys()));
        if (record.dynamodb().hasNewImage()) {
            dynamodb.set("NewImage", image(record.dynamodb().newImage()));
        }
        if (record.dynamodb().hasOldImage()) {
            dynamodb.set("OldImage", image(record.dynamodb().oldImage()));
        }
        dynamodb.put("SequenceNumber", record.dynamodb().sequenceNumber());
        dynamodb.put("SizeBytes", record.dynamodb().sizeBytes());
        dynamodb.put("StreamViewType", record.dynamodb().streamViewTypeAsString());
        return json;
    }

    private static ObjectNode image(Map<String, AttributeValue> item) {
        ObjectNode image = JSON.createObjectNode();
        item.forEach((name, value) -> image.set(name, attribute(value)));
        return image;
    }

    private static ObjectNode attribute(AttributeValue value) {
        ObjectNode json = JSON.createObjectNode();
        if (value.s() != null) {
            json.put("S", value.s());
        } else if (value.n() != null) {
            json.put("N", value.n());
        } else if (value.bool() != null) {
            json.put("BOOL", value.bool());
        } else if (Boolean.TRUE.equals(value.nul())) {
            json.put("NULL", true);
        } else if (value.b() != null) {
            json.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
        } else if (value.hasM()) {
            json.set("M", image(value.m()));
        } else if (value.hasL()) {
            ArrayNode list = json.putArray("L");
            value.l().forEach(element -> list.add(attribute(element)));
        } else if (value.hasSs()) {
            ArrayNode set = json.putArray("SS");
            value.ss().forEach(set::add);
        } else if (value.hasNs()) {
            ArrayNode set = json.putArray("NS");
            value.ns().forEach(set::add);
        }
        return json;
    }
}
