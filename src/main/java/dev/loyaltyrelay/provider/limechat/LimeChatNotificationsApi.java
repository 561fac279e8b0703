package dev.loyaltyrelay.provider.limechat;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
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
 * LimeChat's direct template send ("API Spec for LimeChat Outbound Messaging — Direct Messaging", docs.limechat.ai):
 * another host than the flow builder's, so its own client, base URL {@code quarkus.rest-client.limechat-notifications.url},
 * {@code https://app.limechat.ai}. The header {@code api_access_token} carries the dashboard's access token (Profile
 * settings, Access Token).
 */
@RegisterRestClient(configKey = "limechat-notifications", baseUri = "https://app.limechat.ai")
@Path("/api/v1/accounts/{accountId}/store_notifications")
public interface LimeChatNotificationsApi {

    // The trailing slash is LimeChat's documented path.
    @POST
    @Path("/create_notification_limekit/")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response sendTemplate(@HeaderParam("api_access_token") String accessToken, @PathParam("accountId") String accountId,
            TemplateNotification notification);

    /**
     * The documented mandatory fields: {@code phone} (digits, no {@code +}), {@code template_id} (the id shown beside the
     * template's name in LimeChat's Settings, Templates) and {@code template_attributes}. LimeChat's page calls the last
     * mandatory without showing its shape; the only public caller (a test suite against LimeChat's API) sends an array
     * of the template's values in order, which is what is sent here.
     */
    @RegisterForReflection
    record TemplateNotification(
            String phone,
            @JsonProperty("template_id") String templateId,
            @JsonProperty("template_attributes") List<String> templateAttributes) {
        @Override
        public String toString() {
            return "TemplateNotification[" + templateId + "]";
        }
    }
}
