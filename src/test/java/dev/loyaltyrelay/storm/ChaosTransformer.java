package dev.loyaltyrelay.storm;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.storm.Chaos.Kind;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one provider's WireMock answers in the storm: its stubs' answer, or a fault at the storm's rates, and always
 * 401 for a refused key and 503 while the provider is down. Every message request is remembered with what it was
 * answered and whether the provider acted on it (sent the message), which is what the invariants count.
 */
public class ChaosTransformer implements ResponseTransformerV2 {

    /**
     * One request the provider received.
     *
     * @param provider   whose
     * @param event      the storm event it carries (its marker), or -1
     * @param answer     what it was answered: {@code ok}, a fault kind's name
     * @param acted      whether the provider sent the message (a 2xx, or a fault after it read the request)
     * @param message    whether it was the request that messages the customer (not a preparation)
     */
    record Received(Provider provider, int event, String answer, boolean acted, boolean message) {
    }

    static final Pattern MARKER = Pattern.compile("stormc(\\d+)q");
    /** How late a slow answer comes: far past the storm's call timeout. */
    static final int SLOW_MILLIS = 4_000;

    private final Provider provider;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Predicate<String> refusedKey = body -> false;
    private volatile Predicate<String> downKey = body -> false;
    private volatile Instant downFrom = Instant.MAX;
    private volatile Instant downUntil = Instant.MIN;

    ChaosTransformer(Provider provider) {
        this.provider = provider;
    }

    /** Requests whose headers or query carry {@code marker} are answered 401 (until forgotten). */
    void refuse(Predicate<String> requestHasKey) {
        this.refusedKey = requestHasKey;
    }

    /** Requests of the integration whose key matches are answered 503 in [from, until) of the storm's clock. */
    void down(Predicate<String> requestHasKey, Instant from, Instant until) {
        this.downKey = requestHasKey;
        this.downFrom = from;
        this.downUntil = until;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void forget() {
        received.clear();
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        var request = serveEvent.getRequest();
        if (!"POST".equals(request.getMethod().getName())) {
            return response;
        }
        boolean message = !request.getUrl().contains("/identify");
        String credentials = request.getHeaders().all().stream().map(header -> header.key() + "=" + header.values())
                .reduce("", String::concat) + request.getUrl();
        Matcher marker = MARKER.matcher(request.getBodyAsString());
        int event = marker.find() ? Integer.parseInt(marker.group(1)) : -1;
        Instant now = SimulatedTime.now();
        Response answer;
        String kind;
        if (refusedKey.test(credentials)) {
            Chaos.struck(Kind.REFUSED_KEY);
            kind = Kind.REFUSED_KEY.name();
            answer = Response.Builder.like(response).but().status(401).body("{\"error\":\"invalid api key\"}").build();
        } else if (downKey.test(credentials) && !now.isBefore(downFrom) && now.isBefore(downUntil)) {
            Chaos.struck(Kind.PROVIDER_DOWN);
            kind = Kind.PROVIDER_DOWN.name();
            answer = Response.Builder.like(response).but().status(503).body("{\"error\":\"down\"}").build();
        } else if (Chaos.strikes(Kind.PROVIDER_500)) {
            kind = Kind.PROVIDER_500.name();
            answer = Response.Builder.like(response).but().status(500).body("{\"error\":\"internal\"}").build();
        } else if (Chaos.strikes(Kind.PROVIDER_503)) {
            kind = Kind.PROVIDER_503.name();
            answer = Response.Builder.like(response).but().status(503).body("{\"error\":\"unavailable\"}").build();
        } else if (Chaos.strikes(Kind.PROVIDER_429)) {
            kind = Kind.PROVIDER_429.name();
            answer = Response.Builder.like(response).but().status(429).body("{\"error\":\"slow down\"}")
                    .headers(response.getHeaders().plus(new HttpHeader("Retry-After", "45"))).build();
        } else if (Chaos.strikes(Kind.RESET_BEFORE_READ)) {
            kind = Kind.RESET_BEFORE_READ.name();
            answer = Response.Builder.like(response).but().fault(Fault.CONNECTION_RESET_BY_PEER).build();
        } else if (message && Chaos.strikes(Kind.RESET_AFTER_READ)) {
            kind = Kind.RESET_AFTER_READ.name();
            answer = Response.Builder.like(response).but().fault(Fault.EMPTY_RESPONSE).build();
        } else if (message && Chaos.strikes(Kind.SLOW_ANSWER)) {
            kind = Kind.SLOW_ANSWER.name();
            answer = Response.Builder.like(response).but().incrementInitialDelay(SLOW_MILLIS).build();
        } else {
            kind = "ok";
            answer = response;
        }
        boolean acted = message && (kind.equals("ok") || kind.equals(Kind.RESET_AFTER_READ.name()) || kind.equals(Kind.SLOW_ANSWER.name()))
                && answer.getStatus() / 100 == 2;
        received.add(new Received(provider, event, kind, acted, message));
        return answer;
    }

    @Override
    public String getName() {
        return "storm-chaos";
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }
}
