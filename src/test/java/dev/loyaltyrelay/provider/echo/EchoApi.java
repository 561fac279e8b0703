package dev.loyaltyrelay.provider.echo;

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

/** Echo's API, invented for the test: {@code POST /v1/echoes} with header {@code x-echo-token}. */
@RegisterRestClient(configKey = "echo", baseUri = "http://127.0.0.1:9/echo-has-no-default-host")
public interface EchoApi {

    @POST
    @Path("/v1/echoes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response echo(@HeaderParam("x-echo-token") String token, Echo echo);

    @RegisterForReflection
    record Echo(String to, String template, List<String> values) {
        @Override
        public String toString() {
            return "Echo[" + template + "]";
        }
    }
}
