package dev.heimdall.provider;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The control-plane call {@code GET {api root}/models} of an OpenAI-compatible upstream, as a typed REST client. */
@Path("/models")
public interface UpstreamModelsApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<ModelList> list(@HeaderParam("Authorization") String authorization);

    /** OpenAI's list body; only the ids matter here. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ModelList(List<Model> data) {
    }

    /** One entry of the list. */
    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Model(String id) {
    }
}
