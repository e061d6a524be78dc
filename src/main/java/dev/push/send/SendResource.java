package dev.push.send;

import dev.push.api.Actor;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/** Sends an app triggers: app back ends' tokens ({@code sends}) and operators send, viewers read (docs/sends.md). */
@Path(SendResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sends")
@Blocking
public class SendResource {
    static final String PATH = "/api/sends";

    @Inject
    TriggeredSend triggered;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({"operator", "sends"})
    @Operation(summary = "Push one message to 1 to 1,000 members now, once per Idempotency-Key; answers the send's outcomes")
    public Response send(@HeaderParam(TriggeredSend.KEY_HEADER) String idempotencyKey, @Valid SendRequest request,
                         RoutingContext rc) {
        SendView view = triggered.send(Actor.name(), idempotencyKey, request, HandoffLatency.arrivalOf(rc));
        return Response.accepted(view).location(URI.create(PATH + "/" + view.id())).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({"viewer", "sends"})
    @Operation(summary = "A send and each member's outcome")
    public SendView get(@PathParam("id") long id) {
        return triggered.get(id);
    }
}
