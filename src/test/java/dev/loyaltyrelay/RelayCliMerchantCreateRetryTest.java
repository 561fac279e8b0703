package dev.loyaltyrelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Review 15b. {@code scripts/relay merchant create} makes the merchant (PUT) and then its first webhook secret (POST
 * .../webhook-secrets). When the second call fails (a 5xx, a dropped connection), the merchant exists without a secret;
 * running the command again is refused ("exists already: nothing changed") and the CLI has no other command that issues
 * a webhook secret. The operator must be able to finish what the failed command started with the CLI.
 */
class RelayCliMerchantCreateRetryTest {

    @Test
    void aMerchantCreateWhoseSecretCallFailed_canBeFinishedByRunningItAgain() throws Exception {
        AtomicBoolean merchantExists = new AtomicBoolean(false);
        AtomicInteger secretCalls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (path.endsWith("/webhook-secrets") && method.equals("POST")) {
                // The first try fails; a second would succeed.
                status = secretCalls.getAndIncrement() == 0 ? 503 : 201;
                body = status == 503 ? "{\"title\":\"unavailable\",\"detail\":\"try again\"}" : "{\"secretId\":\"s1\",\"secret\":\"whsec-new\"}";
            } else if (method.equals("PUT")) {
                merchantExists.set(true);
                status = 200;
                body = "{\"merchantId\":\"m-new\",\"defaultCountry\":\"IN\",\"timezone\":\"Asia/Kolkata\"}";
            } else if (method.equals("GET")) {
                status = merchantExists.get() ? 200 : 404;
                body = status == 200 ? "{\"merchantId\":\"m-new\"}" : "{\"title\":\"not_found\"}";
            } else {
                status = 404;
                body = "{\"title\":\"no_such_route\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Result first = run(url);
            assertTrue(first.exit() != 0, "the first run fails on the secret: " + first.output());
            Result second = run(url);
            assertEquals(0, second.exit(), "running merchant create again finishes the merchant: " + second.output());
            assertTrue(second.output().contains("webhook-secret: whsec-new"), second.output());
        } finally {
            server.stop(0);
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String url) throws Exception {
        ProcessBuilder relay = new ProcessBuilder("bash", Path.of("scripts/relay").toAbsolutePath().toString(),
                "--url", url, "merchant", "create", "m-new").redirectErrorStream(true);
        relay.environment().put("RELAY_OPERATOR_KEY", "op-key-not-under-test");
        Process process = relay.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
