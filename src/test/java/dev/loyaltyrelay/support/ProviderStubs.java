package dev.loyaltyrelay.support;

import java.util.LinkedHashMap;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.loyaltyrelay.domain.Provider;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One WireMock server per provider, on free ports, once per test JVM; each provider's REST client points at its
 * own ({@code quarkus.rest-client.<provider>.url}), so requests are asserted on the provider's real paths.
 */
public final class ProviderStubs {

    private static ProviderStubs instance;
    private final Map<Provider, WireMockServer> servers = new LinkedHashMap<>();

    public static synchronized ProviderStubs get() {
        if (instance == null) {
            instance = new ProviderStubs();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.servers.values().forEach(WireMockServer::stop)));
        }
        return instance;
    }

    private ProviderStubs() {
        for (Provider provider : java.util.stream.Stream.concat(BuiltIn.ALL.stream(), BuiltIn.TEST_TREE.stream()).toList()) {
            // A fixed port per run (not dynamicPort) so a test can stop a server and start it again where the client expects it.
            var server = new WireMockServer(WireMockConfiguration.options().port(freePort()).bindAddress("127.0.0.1")
                    .containerThreads(40).jettyAcceptors(2).extensions(new RequestBarrier()));
            server.start();
            servers.put(provider, server);
        }
    }

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static WireMockServer of(Provider provider) {
        return get().servers.get(provider);
    }

    /** Forgets every stub and every logged request. */
    public static void resetAll() {
        get().servers.values().forEach(WireMockServer::resetAll);
    }

    public static List<LoggedRequest> requests(Provider provider) {
        return of(provider).findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    public Map<String, String> applicationConfig() {
        var config = new HashMap<String, String>();
        servers.forEach((provider, server) -> config.put("quarkus.rest-client." + provider.key() + ".url", "http://127.0.0.1:" + server.port()));
        // LimeChat's direct template send has its own client (another host): the same stub answers both, on their own paths.
        config.put("quarkus.rest-client.limechat-notifications.url", config.get("quarkus.rest-client.limechat.url"));
        return config;
    }
}
