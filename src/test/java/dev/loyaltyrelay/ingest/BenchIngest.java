package dev.loyaltyrelay.ingest;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loyaltyrelay.application.ingest.WebhookIngestion;
import dev.loyaltyrelay.config.RelayConfig;

/** The production ingest handler over a use case the benchmark wires (stores and queue on in-process stubs). Benchmark only. */
public final class BenchIngest {

    private BenchIngest() {
    }

    public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler(WebhookIngestion ingestion, ObjectMapper json,
            RelayConfig config) {
        return new IngestHandler(ingestion, json, config);
    }
}
