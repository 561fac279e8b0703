package dev.loyaltyrelay.provider.limechat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * LimeChat's flow builder (custom events that trigger flows, from LimeChat's docs): base URL
 * {@code quarkus.rest-client.limechat.url}, {@code https://flow-builder.limechat.ai}.
 */
@RegisterRestClient(configKey = "limechat", baseUri = "https://flow-builder.limechat.ai")
@Path("/api/v1")
public interface LimeChatApi {

    @POST
    @Path("/cvf-events")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response sendEvent(@HeaderParam("x-limechat-uat") String accessToken, @HeaderParam("x-fb-account-id") String accountId,
            CustomEvent event);

    /** A custom event: the customer by phone (E.164 without {@code +}), the event name, flat data. */
    @RegisterForReflection
    record CustomEvent(
            @JsonProperty("distinct_id") String distinctId,
            String phone,
            String event,
            Map<String, Object> data) {
        @Override
        public String toString() {
            return "CustomEvent[" + event + "]";
        }
    }
}
