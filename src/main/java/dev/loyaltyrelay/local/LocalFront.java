package dev.loyaltyrelay.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The local run's HTTP front: a plain JDK server on {@code local-run.http-port}, started once per JVM. It is not
 * one of Quarkus's HTTP extensions on purpose: those would start an HTTP server in every Lambda cold start.
 *
 * <p>A hot reload restarts the application but not the JVM, so the front outlives the beans it calls. It talks
 * to the current application only through JDK types: each start registers a dispatcher (a
 * {@code Function<Map<String,Object>, Map<String,Object>>}) under {@link #DISPATCHER} in the system properties,
 * and the front looks it up on every request, after asking dev mode to scan for changed sources.
 */
final class LocalFront {

    static final String DISPATCHER = "loyalty-relay.local.dispatcher";
    private static final String STARTED = "loyalty-relay.local.front-port";
    private static final int MAX_BODY_BYTES = 4 << 20;

    private LocalFront() {
    }

    /** Starts the front unless this JVM already runs it; returns the port it listens on. */
    static synchronized int startOnce(int port) {
        String running = System.getProperty(STARTED);
        if (running != null) {
            return Integer.parseInt(running);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            server.createContext("/", LocalFront::handle);
            server.setExecutor(Executors.newFixedThreadPool(8, runnable -> {
                Thread thread = new Thread(runnable, "local-front");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
            System.setProperty(STARTED, Integer.toString(port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("the local HTTP front could not listen on port " + port
                    + " (set -Dlocal-run.http-port=<free port>)", e);
        }
    }

    /** Registers the current application's dispatcher (called on each application start). */
    static void register(Function<Map<String, Object>, Map<String, Object>> dispatcher) {
        System.getProperties().put(DISPATCHER, dispatcher);
    }

    static void unregister(Function<Map<String, Object>, Map<String, Object>> dispatcher) {
        System.getProperties().remove(DISPATCHER, dispatcher);
    }

    @SuppressWarnings("unchecked")
    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) {
                respond(exchange, 413, Map.of("content-type", "application/json"), "{\"error\":\"body_too_large\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            scanForChanges();
            Object registered = System.getProperties().get(DISPATCHER);
            if (!(registered instanceof Function<?, ?> dispatcher)) {
                respond(exchange, 503, Map.of("content-type", "application/json"),
                        "{\"error\":\"starting\",\"message\":\"the application is (re)starting; retry in a moment\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
            Map<String, Object> request = new HashMap<>();
            request.put("method", exchange.getRequestMethod());
            request.put("path", exchange.getRequestURI().getRawPath());
            request.put("query", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
            request.put("headers", headers);
            request.put("body", body);
            Map<String, Object> response;
            try {
                response = ((Function<Map<String, Object>, Map<String, Object>>) dispatcher).apply(request);
            } catch (RuntimeException e) {
                System.err.println("local front: " + e.getClass().getName());
                respond(exchange, 500, Map.of("content-type", "application/json"),
                        "{\"error\":\"internal_error\",\"message\":\"see the local run's log\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            respond(exchange, (Integer) response.get("status"), (Map<String, String>) response.get("headers"), (byte[]) response.get("body"));
        }
    }

    /** Lets dev mode pick up changed sources before the request, as Quarkus's own HTTP layer does. */
    private static void scanForChanges() {
        try {
            Class<?> manager = Class.forName("io.quarkus.dev.console.DevConsoleManager", false, LocalFront.class.getClassLoader());
            Object context = manager.getMethod("getHotReplacementContext").invoke(null);
            if (context != null) {
                context.getClass().getMethod("doScan", boolean.class).invoke(context, true);
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notInDevMode) {
            // Not in dev mode (or no reload support): serve the running application.
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] body) throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().put(name, List.of(value)));
        boolean empty = body == null || body.length == 0 || status == 204;
        exchange.sendResponseHeaders(status, empty ? -1 : body.length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
