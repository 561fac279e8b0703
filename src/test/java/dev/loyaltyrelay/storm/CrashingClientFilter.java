package dev.loyaltyrelay.storm;

import dev.loyaltyrelay.storm.Chaos.Kind;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The storm's crashes at the provider call, in the providers' REST clients ({@code quarkus.rest-client.<name>.providers}
 * in {@link StormProfile} only): an invocation that has died makes no request, and one may die while its request is out
 * (the provider got it and answered; the function never reads the answer).
 */
public class CrashingClientFilter implements ClientRequestFilter, ClientResponseFilter {

    private static final String INVOCATION = "storm.invocation";
    /** Requests made by a storm invocation the filter could see (so a crash can strike them). */
    static final AtomicLong SEEN = new AtomicLong();

    @Override
    public void filter(ClientRequestContext request) {
        Invocation invocation = Invocation.current();
        if (invocation == null) {
            return;
        }
        if (invocation.dead()) {
            throw new ProcessingException(new ConnectException("the invocation has died"));
        }
        SEEN.incrementAndGet();
        request.setProperty(INVOCATION, invocation);
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) throws IOException {
        if (request.getProperty(INVOCATION) instanceof Invocation invocation && isMessage(request) && Chaos.strikes(Kind.CRASH_DURING_CALL)) {
            invocation.die();
            throw new IOException("the invocation died during the call");
        }
    }

    /** The request that messages the customer (not Wigzo's identify, which only prepares it). */
    private static boolean isMessage(ClientRequestContext request) {
        return !request.getUri().getPath().endsWith("/identify");
    }
}
