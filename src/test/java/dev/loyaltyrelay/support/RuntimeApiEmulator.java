package dev.loyaltyrelay.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Lambda Runtime API (version 2018-06-01) of one execution environment, as far as a cold start and one
 * invocation need it: the first {@code GET /runtime/invocation/next} gets the event (with the request id, the
 * deadline and the function's ARN as headers), later ones wait, as a frozen environment would, until the emulator
 * closes; the function's {@code /response}, {@code /error} or {@code /init/error} ends the invocation.
 */
public final class RuntimeApiEmulator implements AutoCloseable {

    static final String BASE = "/2018-06-01/runtime";

    /** How the invocation ended, as the function reported it. */
    public sealed interface Outcome {
        String body();

        /** {@code POST /runtime/invocation/<id>/response}. */
        record Response(String body) implements Outcome {
        }

        /** {@code POST /runtime/invocation/<id>/error}. */
        record InvocationError(String errorType, String body) implements Outcome {
        }

        /** {@code POST /runtime/init/error}: the function could not start. */
        record InitError(String errorType, String body) implements Outcome {
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final String requestId = UUID.randomUUID().toString();
    private final byte[] event;
    private final Duration timeout;
    private final String functionArn;
    private final AtomicBoolean eventHandedOut = new AtomicBoolean();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final CompletableFuture<Long> firstPollNanos = new CompletableFuture<>();
    private final CompletableFuture<Long> answeredNanos = new CompletableFuture<>();
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    /**
     * @param event       the invocation's payload (JSON)
     * @param timeout     the function's timeout: the deadline header is this far from when the event is handed out
     * @param functionArn the ARN the invocation names
     */
    public RuntimeApiEmulator(String event, Duration timeout, String functionArn) {
        this.event = event.getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
        this.functionArn = functionArn;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new IllegalStateException("runtime API emulator did not start", e);
        }
        // The function long-polls /next on one connection while it answers on another: handlers must not share a thread.
        server.setExecutor(threads);
        server.createContext(BASE + "/", this::handle);
        server.start();
    }

    /** The value of {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String requestId() {
        return requestId;
    }

    /** Completes (with {@link System#nanoTime()}) when the function first asks for an event: its init is over. */
    public CompletableFuture<Long> firstPoll() {
        return firstPollNanos;
    }

    /** Completes (with {@link System#nanoTime()}) when the function reports the invocation's end or an init error. */
    public CompletableFuture<Long> answered() {
        return answeredNanos;
    }

    public CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String invocation = BASE + "/invocation/" + requestId;
            if (method.equals("GET") && path.equals(BASE + "/invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals(invocation + "/response")) {
                end(exchange, new Outcome.Response(body(exchange)));
            } else if (method.equals("POST") && path.equals(invocation + "/error")) {
                end(exchange, new Outcome.InvocationError(errorType(exchange), body(exchange)));
            } else if (method.equals("POST") && path.equals(BASE + "/init/error")) {
                end(exchange, new Outcome.InitError(errorType(exchange), body(exchange)));
            } else {
                send(exchange, 404, "{\"errorType\":\"InvalidRequest\",\"errorMessage\":\"not emulated: " + method + " " + path + "\"}");
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        if (!eventHandedOut.compareAndSet(false, true)) {
            // A second /next: the environment would be frozen until the next event; this one never comes.
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        firstPollNanos.complete(System.nanoTime());
        var headers = exchange.getResponseHeaders();
        headers.add("Content-Type", "application/json");
        headers.add("Lambda-Runtime-Aws-Request-Id", requestId);
        headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + timeout.toMillis()));
        headers.add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        headers.add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0");
        exchange.sendResponseHeaders(200, event.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(event);
        }
    }

    private void end(HttpExchange exchange, Outcome reported) throws IOException {
        answeredNanos.complete(System.nanoTime());
        outcome.complete(reported);
        send(exchange, 202, "{\"status\":\"OK\"}");
    }

    private static String errorType(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
        return type == null ? "" : type;
    }

    private static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
