package dev.loyaltyrelay.provider.bitespeed;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** BiteSpeed's template send as {@link BiteSpeedContract} assumes it. */
@RegisterRestClient(configKey = "bitespeed", baseUri = BiteSpeedContract.DEFAULT_BASE_URL)
public interface BiteSpeedApi {

    @POST
    @Path(BiteSpeedContract.PATH)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response sendTemplate(@HeaderParam(BiteSpeedContract.CHANNEL_HEADER) String channelId,
            @HeaderParam(BiteSpeedContract.USER_HEADER) String userId, TemplateMessage message);

    /** ASSUMED body (see {@link BiteSpeedContract}). */
    @RegisterForReflection
    record TemplateMessage(String phone, String templateId, String language, List<String> variables) {
        @Override
        public String toString() {
            return "TemplateMessage[" + templateId + "]";
        }
    }
}
