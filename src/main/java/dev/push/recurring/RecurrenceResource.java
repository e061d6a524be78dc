package dev.push.recurring;

import dev.push.api.Actor;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** A campaign's recurrence: operators make a campaign recur and steer the series, viewers read it (docs/recurring.md). */
@Path("/api/campaigns/{id}/recurrence")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns")
@Blocking
@RolesAllowed("operator")
public class RecurrenceResource {
    @Inject
    RecurringCampaigns recurring;

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make a ready campaign recur on a cron schedule in a time zone; each occurrence runs as a new campaign made from it")
    public RecurringCampaigns.View recur(@PathParam("id") long id, RecurringCampaigns.Request request) {
        return recurring.recur(id, request, Actor.name());
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "The schedule, whether paused, the skipped occurrence and the next five occurrences")
    public RecurringCampaigns.View get(@PathParam("id") long id) {
        return recurring.view(id);
    }

    @DELETE
    @Operation(summary = "Stop recurring; runs made so far stay")
    public Response stop(@PathParam("id") long id) {
        recurring.stop(id);
        return Response.noContent().build();
    }

    @POST
    @Path("pause")
    @Operation(summary = "Pause the series: no occurrence runs until it resumes")
    public RecurringCampaigns.View pause(@PathParam("id") long id) {
        return recurring.pause(id);
    }

    @POST
    @Path("resume")
    @Operation(summary = "Resume the series at its first occurrence after now")
    public RecurringCampaigns.View resume(@PathParam("id") long id) {
        return recurring.resume(id);
    }

    @POST
    @Path("skip-next")
    @Operation(summary = "Skip the next occurrence: recorded as skipped, not run")
    public RecurringCampaigns.View skipNext(@PathParam("id") long id) {
        return recurring.skipNext(id);
    }

    @GET
    @Path("runs")
    @RolesAllowed("viewer")
    @Operation(summary = "The occurrences decided so far, newest first: outcome, deciding instance, and the run's campaign id and state")
    public List<RecurringCampaigns.Occurrence> runs(@PathParam("id") long id, @QueryParam("limit") Integer limit) {
        return recurring.occurrences(id, limit == null ? 100 : Math.max(1, Math.min(1000, limit)));
    }
}
