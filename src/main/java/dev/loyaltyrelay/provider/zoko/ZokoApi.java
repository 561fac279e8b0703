package dev.loyaltyrelay.provider.zoko;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Zoko's public API (docs.zoko.io): base URL {@code quarkus.rest-client.zoko.url}, {@code https://chat.zoko.io}. */
@RegisterRestClient(configKey = "zoko", baseUri = "https://chat.zoko.io")
@Path("/v2")
public interface ZokoApi {

    @POST
    @Path("/message")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response sendMessage(@HeaderParam("apikey") String apiKey, TemplateMessage message);

    /** The account's templates (id, language, type, active, argument count); checks a key and a mapping (admin API). */
    @GET
    @Path("/account/templates")
    @Produces(MediaType.APPLICATION_JSON)
    Response templates(@HeaderParam("apikey") String apiKey);

    /** {@code POST /v2/message} for a template: {@code type} is {@code template}, {@code richTemplate} or {@code buttonTemplate}. */
    @RegisterForReflection
    record TemplateMessage(String channel, String recipient, String type, String templateId, String templateLanguage,
            List<String> templateArgs) {
        @Override
        public String toString() {
            return "TemplateMessage[" + templateId + "]";
        }
    }
}
