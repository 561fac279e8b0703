package dev.loyaltyrelay.support;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A WireMock response transformer that holds every answer of a stub until {@code parties} requests have arrived (or
 * {@code waitMillis} passed), then says in the {@code x-barrier} header whether they all had: a request answered
 * {@code all-arrived} was in flight together with all the others. Concurrency shown from what the provider saw,
 * whatever the machine's speed: sequential requests would never fill the barrier.
 */
public class RequestBarrier implements ResponseTransformerV2 {

    public static final String NAME = "barrier";
    public static final String HEADER = "x-barrier";
    private static final Map<String, CountDownLatch> BARRIERS = new ConcurrentHashMap<>();

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        var parameters = serveEvent.getTransformerParameters();
        String id = parameters.getString("id");
        int parties = parameters.getInt("parties");
        long waitMillis = parameters.containsKey("waitMillis") ? parameters.getInt("waitMillis") : 10_000L;
        CountDownLatch barrier = BARRIERS.computeIfAbsent(id, key -> new CountDownLatch(parties));
        barrier.countDown();
        boolean allArrived;
        try {
            allArrived = barrier.await(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            allArrived = false;
        }
        return Response.Builder.like(response).but()
                .headers(response.getHeaders().plus(new HttpHeader(HEADER, allArrived ? "all-arrived" : "timed-out"))).build();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }
}
