package dev.loyaltyrelay.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * EventBridge's PutEvents, served by WireMock once per test JVM: the one AWS service of the relay with no engine that
 * runs here (DynamoDB and SQS are real engines). It speaks what the SDK speaks (AWS JSON 1.1, {@code X-Amz-Target:
 * AWSEvents.PutEvents}) and keeps a journal, so tests assert the exact entries the functions published. Reached through
 * WireMock's admin API, so any class loader's copy of this class reaches the one server.
 */
public final class EventBridgeStub {

    public static final String BUS = "relay-test-bus";
    static final String PORT_PROPERTY = "loyalty-relay.test.eventbridge-stub-port";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One published entry, as EventBridge received it. */
    public record Entry(String eventBusName, String source, String detailType, JsonNode detail) {
        public String merchantId() {
            return detail.path("merchantId").asText();
        }
    }

    private EventBridgeStub() {
    }

    static synchronized int port() {
        String known = System.getProperty(PORT_PROPERTY);
        if (known != null) {
            return Integer.parseInt(known);
        }
        var server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        System.setProperty(PORT_PROPERTY, Integer.toString(server.port()));
        // The relay's EventBridge client takes the default credentials chain (Lambda's role in AWS): these are WireMock's.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        working();
        return server.port();
    }

    private static WireMock eventBridge() {
        return new WireMock("127.0.0.1", port());
    }

    /** The application's settings: the bus, and this stub as its endpoint. */
    public static Map<String, String> applicationConfig() {
        return Map.of("relay.events.bus", BUS, "relay.events.endpoint-override", "http://127.0.0.1:" + port(),
                "relay.events.region", LocalAws.REGION);
    }

    /** EventBridge takes every entry. */
    public static void working() {
        WireMock eventBridge = eventBridge();
        eventBridge.resetMappings();
        eventBridge.register(putEvents().willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"11111111-2222-3333-4444-555555555555\"}]}")));
    }

    /** EventBridge answers 500 to every call (the SDK retries, then gives up). */
    public static void failing() {
        WireMock eventBridge = eventBridge();
        eventBridge.resetMappings();
        eventBridge.register(putEvents().willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"InternalException\",\"message\":\"stand-in failure\"}")));
    }

    /** EventBridge resets every connection. */
    public static void resetting() {
        WireMock eventBridge = eventBridge();
        eventBridge.resetMappings();
        eventBridge.register(putEvents().willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    private static com.github.tomakehurst.wiremock.client.MappingBuilder putEvents() {
        return post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSEvents.PutEvents"));
    }

    /** Every entry of every PutEvents call received (answered or not), oldest first. */
    public static List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        var requests = new ArrayList<>(eventBridge().find(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AWSEvents.PutEvents"))));
        requests.sort(java.util.Comparator.comparing(r -> r.getLoggedDate()));
        for (var request : requests) {
            try {
                for (JsonNode entry : JSON.readTree(request.getBodyAsString()).path("Entries")) {
                    entries.add(new Entry(entry.path("EventBusName").asText(), entry.path("Source").asText(),
                            entry.path("DetailType").asText(), JSON.readTree(entry.path("Detail").asText())));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return entries;
    }

    /** The entries published for {@code merchantId}. */
    public static List<Entry> entriesOf(String merchantId) {
        return entries().stream().filter(e -> e.merchantId().equals(merchantId)).toList();
    }

    /** The PutEvents calls received since the journal was last taken (for the IAM test), then forgets them. */
    public static List<Entry> take() {
        List<Entry> taken = entries();
        eventBridge().resetRequests();
        return taken;
    }
}
