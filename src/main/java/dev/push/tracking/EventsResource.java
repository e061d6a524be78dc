package dev.push.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events")
@Blocking
@RolesAllowed("events")
public class EventsResource {
    @Inject
    EventIntake intake;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report members' receipts, opens and conversions, in batches; answered per item")
    public EventIntake.Answer report(JsonNode events) {
        return intake.take(events);
    }
}
