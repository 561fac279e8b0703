package dev.loyaltyrelay.figures;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loyaltyrelay.domain.DeliveryFigures.Counted;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.observability.FlushMetrics;
import dev.loyaltyrelay.observability.LogsWithRequestId;
import jakarta.inject.Named;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The figures function ({@code QUARKUS_LAMBDA_HANDLER=figures}): the records table's stream (filtered to delivery
 * records), projected onto the merchants' figures. The event is read as plain JSON (DynamoDB's attribute-value form),
 * which needs no reflection in a native image. The answer reports the first change not applied as a batch item failure,
 * so the stream is retried from there; no exception or Error leaves the handler.
 */
@Named("figures")
public class FiguresHandler implements RequestStreamHandler {

    private static final Logger LOG = Logger.getLogger(FiguresHandler.class);
    static final String DELIVERY_SORT_KEY = "DELIVERY";
    static final String DELIVERY_KEY_PREFIX = "DELIVERY#";

    private final FigureProjection projection;
    private final ObjectMapper json;

    FiguresHandler(FigureProjection projection, ObjectMapper json) {
        this.projection = projection;
        this.json = json;
    }

    @Override
    @FlushMetrics
    @LogsWithRequestId
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        String firstSequence = null;
        Optional<String> retryFrom;
        try {
            JsonNode event = json.readTree(input);
            List<DeliveryChange> changes = changes(event);
            firstSequence = changes.isEmpty() ? null : changes.getFirst().sequenceNumber();
            retryFrom = projection.apply(changes);
        } catch (Throwable unexpected) {
            LOG.errorf("figures: batch not applied: %s", unexpected.getClass().getName());
            retryFrom = Optional.ofNullable(firstSequence);
        }
        ObjectNode answer = json.createObjectNode();
        var failures = answer.putArray("batchItemFailures");
        retryFrom.ifPresent(sequence -> failures.addObject().put("itemIdentifier", sequence));
        try {
            json.writeValue(output, answer);
        } catch (Exception e) {
            LOG.errorf("figures: answer not written: %s", e.getClass().getName());
        }
    }

    /** The delivery records' inserts and modifications, in stream order; removals (expiry) leave the figures as they are. */
    static List<DeliveryChange> changes(JsonNode event) {
        List<DeliveryChange> changes = new ArrayList<>();
        for (JsonNode record : event.path("Records")) {
            JsonNode dynamodb = record.path("dynamodb");
            if ("REMOVE".equals(record.path("eventName").asText()) || !DELIVERY_SORT_KEY.equals(dynamodb.path("Keys").path("sk").path("S").asText())) {
                continue;
            }
            JsonNode after = dynamodb.path("NewImage");
            JsonNode before = dynamodb.path("OldImage");
            Optional<Provider> provider = Provider.fromKey(after.path("provider").path("S").asText());
            String receivedAt = after.path("receivedAt").path("N").asText("");
            if (provider.isEmpty() || !receivedAt.matches("\\d{1,15}")) {
                // Not a delivery record this projection knows: counting it could only be wrong, retrying it only stall.
                LOG.warnf("figures: change %s of an unreadable delivery record skipped", record.path("eventID").asText());
                continue;
            }
            String key = dynamodb.path("Keys").path("pk").path("S").asText();
            String sequenceNumber = dynamodb.path("SequenceNumber").asText();
            if (!key.startsWith(DELIVERY_KEY_PREFIX) || !sequenceNumber.matches("\\d{1," + FigureProjection.POSITION_DIGITS + "}")) {
                LOG.warnf("figures: change %s without a delivery key or sequence number skipped", record.path("eventID").asText());
                continue;
            }
            changes.add(new DeliveryChange(sequenceNumber, record.path("eventID").asText(), key.substring(DELIVERY_KEY_PREFIX.length()),
                    after.path("merchantId").path("S").asText(),
                    LocalDate.ofInstant(Instant.ofEpochMilli(Long.parseLong(receivedAt)), ZoneOffset.UTC), provider.get(),
                    after.path("topic").path("S").asText(), counted(before), counted(after), template(before), template(after)));
        }
        return changes;
    }

    private static String template(JsonNode image) {
        JsonNode value = image.path("template").path("S");
        return value.isTextual() ? value.asText() : null;
    }

    private static Counted counted(JsonNode image) {
        JsonNode value = image.path("counted").path("S");
        try {
            return value.isMissingNode() ? null : Counted.decode(value.asText());
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
