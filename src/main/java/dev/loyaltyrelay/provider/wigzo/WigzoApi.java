package dev.loyaltyrelay.provider.wigzo;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Wigzo's learn API as its vendor-authored plugins call it: base URL {@code quarkus.rest-client.wigzo.url},
 * {@code https://app.wigzo.com}; the Org token as {@code org_token} and the API token as {@code token}.
 */
@RegisterRestClient(configKey = "wigzo", baseUri = "https://app.wigzo.com")
@Path("/rest/v1/learn")
public interface WigzoApi {

    @POST
    @Path("/identify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response identify(@QueryParam("org_token") String orgToken, @QueryParam("token") String apiToken, Identify identify);

    @POST
    @Path("/event")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response event(@QueryParam("org_token") String orgToken, @QueryParam("token") String apiToken, CustomEvent event);

    /** Who the customer is: Wigzo wants a UUID per user and an email or a phone. */
    @RegisterForReflection
    record Identify(String userId, String email) {
        @Override
        public String toString() {
            return "Identify[" + userId + "]";
        }
    }

    /** An external event that triggers the merchant's automation; {@code eventval} holds the forwarded properties. */
    @RegisterForReflection
    record CustomEvent(String eventName, String eventCategory, Map<String, Object> eventval, String userId) {
        @Override
        public String toString() {
            return "CustomEvent[" + eventName + "]";
        }
    }
}
