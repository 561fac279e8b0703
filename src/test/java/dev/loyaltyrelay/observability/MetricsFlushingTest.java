package dev.loyaltyrelay.observability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.loyaltyrelay.admin.AdminHandler;
import dev.loyaltyrelay.delivery.DeliveryPipeline;
import dev.loyaltyrelay.figures.FiguresHandler;
import dev.loyaltyrelay.ingest.IngestHandler;
import dev.loyaltyrelay.support.BuiltIn;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every function's entry point writes what its invocation counted before it returns, as the Lambda's last word. */
@QuarkusTest
class MetricsFlushingTest {

    @Inject
    EmfMetrics metrics;
    @Inject
    IngestHandler ingest;
    @Inject
    AdminHandler admin;
    @Inject
    FiguresHandler figures;
    @Inject
    DeliveryPipeline pipeline;

    @Test
    void eachEdge_flushesTheMetrics_whenItsInvocationEnds() {
        checkFlushedBy("ingest", () -> ingest.handleRequest(new APIGatewayV2HTTPEvent(), null));
        checkFlushedBy("admin", () -> admin.handleRequest(new APIGatewayV2HTTPEvent(), null));
        checkFlushedBy("figures", () -> figures.handleRequest(new ByteArrayInputStream("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null));
        checkFlushedBy("delivery", () -> {
            var event = new SQSEvent();
            event.setRecords(List.of());
            pipeline.handle(BuiltIn.ZOKO, event, null);
        });
    }

    private void checkFlushedBy(String edge, Runnable invocation) {
        metrics.increment("FlushProbe", Map.of("edge", edge));
        assertTrue(metrics.waitingForFlush(), "counted, not yet written");
        invocation.run();
        assertFalse(metrics.waitingForFlush(), edge + " left counts unwritten");
    }
}
