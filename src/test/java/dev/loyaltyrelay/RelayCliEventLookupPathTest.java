package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Review 15b. {@code scripts/relay event <m> <id>} takes any id ingest accepts (1 to 128 printable ASCII) and percent-encodes
 * it with jq's @uri, which leaves '.' as it is: curl then removes the dot segments "." and "..", so the call goes to another
 * admin route ("..": GET /v1/admin/merchants/{m}/, the merchant's settings) and the CLI prints that answer with exit 0.
 * The request must reach the events route with the id as its last segment.
 */
class RelayCliEventLookupPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"..", "."})
    void anIdIngestAccepts_isLookedUpOnTheEventsRoute(String nectorDeliveryId) throws Exception {
        List<String> paths = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getRawPath());
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            ProcessBuilder relay = new ProcessBuilder("bash", Path.of("scripts/relay").toAbsolutePath().toString(),
                    "--url", "http://127.0.0.1:" + server.getAddress().getPort(), "event", "m-cli", nectorDeliveryId)
                    .redirectErrorStream(true);
            relay.environment().put("RELAY_OPERATOR_KEY", "op-key-not-under-test");
            Process process = relay.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            assertEquals(1, paths.size(), output);
            String path = paths.get(0);
            String prefix = "/v1/admin/merchants/m-cli/events/";
            assertEquals(true, path.startsWith(prefix) && path.length() > prefix.length(),
                    "relay event " + nectorDeliveryId + " called " + path + " (exit " + process.exitValue() + ")");
        } finally {
            server.stop(0);
        }
    }
}
