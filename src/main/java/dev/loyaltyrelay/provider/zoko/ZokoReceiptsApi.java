package dev.loyaltyrelay.provider.zoko;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Zoko's webhook and message-history calls (docs.zoko.io, "Create Webhook", "Get Message History"), on the same base URL
 * as the send ({@code quarkus.rest-client.zoko.url}).
 */
@RegisterRestClient(configKey = "zoko", baseUri = "https://chat.zoko.io")
@Path("/v2")
public interface ZokoReceiptsApi {

    /** Registers a URL for the events named; Zoko answers 200/201 with the webhook's id. */
    @POST
    @Path("/webhook")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response createWebhook(@HeaderParam("apikey") String apiKey, Webhook webhook);

    /** {@code {"messageId": ..., "history": [{"state": "delivered", "happendAt": ..., "details": {...}}]}}. */
    @GET
    @Path("/message/{id}/history")
    @Produces(MediaType.APPLICATION_JSON)
    Response history(@HeaderParam("apikey") String apiKey, @PathParam("id") String messageId);

    /** The events are Zoko's names: {@code message:delivery:update}, {@code message:user:in}. */
    @RegisterForReflection
    record Webhook(String url, List<String> events) {
        @Override
        public String toString() {
            return "Webhook" + events;
        }
    }
}
