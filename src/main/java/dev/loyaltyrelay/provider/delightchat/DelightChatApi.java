package dev.loyaltyrelay.provider.delightchat;

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
 * DelightChat's public message API as third-party integrations call it (no official reference found):
 * base URL {@code quarkus.rest-client.delightchat.url}, {@code https://api.delightchat.io}.
 */
@RegisterRestClient(configKey = "delightchat", baseUri = "https://api.delightchat.io")
@Path("/api/v1/public")
public interface DelightChatApi {

    @POST
    @Path("/message")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response sendMessage(@HeaderParam("X-API-KEY") String apiKey, AutomationMessage message);

    /** An automation send; {@code message_data} holds the variables keyed "1", "2", ... */
    @RegisterForReflection
    record AutomationMessage(
            @JsonProperty("country_code") String countryCode,
            @JsonProperty("phone_number") String phoneNumber,
            @JsonProperty("automation_id") String automationId,
            @JsonProperty("message_data") Map<String, String> messageData) {
        @Override
        public String toString() {
            return "AutomationMessage[" + automationId + "]";
        }
    }
}
