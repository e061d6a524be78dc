package dev.push.campaign;

import dev.push.engine.TaskCommands;
import dev.push.task.Task;
import dev.push.task.TaskEndpoints;
import dev.push.task.TaskView;
import dev.push.task.TaskViews;
import dev.push.api.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.push.tracking.Funnels;
import jakarta.ws.rs.core.StreamingOutput;

import java.net.URI;
import java.util.Date;

@Path("/api/campaigns")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Campaigns")
@Blocking
@RolesAllowed("operator")
public class CampaignResource {

    @Inject
    Campaigns campaigns;

    @Inject
    TaskEndpoints endpoints;

    @Inject
    TaskViews views;

    @Inject
    TaskCommands commands;

    @Inject
    dev.push.task.Tasks tasks;

    @Inject
    Funnels funnels;

    @Inject
    WinnerDecisions winners;

    @Inject
    io.quarkus.security.identity.SecurityIdentity identity;

    @Inject
    dev.push.security.Audit audit;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a campaign: a message for every member of an audience through a channel")
    public Response create(@NotNull @Valid CampaignRequest request) {
        if (Boolean.TRUE.equals(request.critical()) && !identity.hasRole(dev.push.security.Roles.ADMIN)) {
            throw new ApiException(403, "Forbidden", "critical: only an admin may mark a campaign critical",
                    java.util.List.of(new ApiException.FieldError("critical", "only an admin may mark a campaign critical")));
        }
        Task t = campaigns.create(request, dev.push.api.Actor.name());
        if (t.critical) {
            // The request's own audit entry names no campaign yet; this one says who made which campaign critical.
            audit.record(dev.push.api.Actor.name(), "create critical campaign", "campaigns/" + t.id, null,
                    java.util.Map.of("name", t.name, "critical", true, "category", dev.push.consent.Categories.ofCampaign(t.category)));
        }
        return Response.created(URI.create("/api/campaigns/" + t.id)).entity(views.view(t)).build();
    }

    @GET
    @RolesAllowed("viewer")
    public TaskEndpoints.Page list(@QueryParam("state") String state, @QueryParam("offset") @DefaultValue("0") int offset,
                                   @QueryParam("limit") @DefaultValue("50") int limit) {
        return endpoints.list(Task.CAMPAIGN, state, offset, limit);
    }

    @GET
    @Path("{id}")
    @RolesAllowed("viewer")
    public TaskView get(@PathParam("id") long id) {
        TaskView v = endpoints.get(Task.CAMPAIGN, id);
        return v.withFunnel(funnels.of(id, v.progress().sent, null, 0, campaigns.variantsSent(tasks.get(Task.CAMPAIGN, id))));
    }

    @GET
    @Path("{id}/funnel")
    @RolesAllowed("viewer")
    @Operation(summary = "Sent, delivered, opened, clicked, converted: members (unique) and rates, in all and per hour since the start")
    public Funnels.Funnel funnel(@PathParam("id") long id) {
        TaskView v = endpoints.get(Task.CAMPAIGN, id);
        Date start = v.startedAt() != null ? v.startedAt() : v.createdAt();
        return funnels.of(id, v.progress().sent, start, System.currentTimeMillis(),
                campaigns.variantsSent(tasks.get(Task.CAMPAIGN, id)));
    }

    /** The variant an operator picks as an A/B test's winner. */
    public record WinnerPick(String variant) {
    }

    @POST
    @Path("{id}/winner")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pick the winner of an A/B campaign waiting for one (paused), by the variant's name; "
            + "the winner is sent to the holdout at once")
    public TaskView winner(@PathParam("id") long id, WinnerPick pick) {
        return views.view(winners.pick(id, pick == null ? null : pick.variant(), dev.push.api.Actor.name()));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change name, workers or qps; workers and qps take effect while running")
    public TaskView patch(@PathParam("id") long id, @NotNull @Valid TaskEndpoints.Patch patch) {
        return endpoints.patch(Task.CAMPAIGN, id, patch, dev.push.api.Actor.name());
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a campaign that has never run (its delivery records are the proof of what was sent)")
    public Response delete(@PathParam("id") long id) {
        Task t = tasks.get(Task.CAMPAIGN, id);
        if (t.run > 0) {
            throw ApiException.conflict("campaign " + id + " has run; its delivery records are kept");
        }
        if (!tasks.delete(t)) {
            throw ApiException.conflict("campaign " + id + " changed meanwhile; try again");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/deliveries")
    @Operation(summary = "Per-member outcomes and events, in audience order, paged by cursor; filtered by state and events")
    @RolesAllowed("viewer")
    public Campaigns.DeliveryPage deliveries(@PathParam("id") long id, @QueryParam("state") String state,
                                             @QueryParam("with") String with, @QueryParam("without") String without,
                                             @QueryParam("after") String after,
                                             @QueryParam("limit") @DefaultValue("100") int limit) {
        return campaigns.deliveries(id, new Campaigns.DeliveryFilter(state, with, without), after, limit);
    }

    @GET
    @Path("{id}/deliveries")
    @Produces(DeliveriesCsv.TYPE)
    @RolesAllowed("viewer")
    @Operation(summary = "Every delivery the filters accept, as CSV, streamed")
    public Response deliveriesCsv(@PathParam("id") long id, @QueryParam("state") String state,
                                  @QueryParam("with") String with, @QueryParam("without") String without) {
        Campaigns.DeliveryFilter filter = new Campaigns.DeliveryFilter(state, with, without);
        tasks.get(Task.CAMPAIGN, id);
        StreamingOutput body = out -> DeliveriesCsv.write(out, sink -> campaigns.everyDelivery(id, filter, sink));
        return Response.ok(body, DeliveriesCsv.TYPE)
                .header("Content-Disposition", "attachment; filename=\"campaign-" + id + "-deliveries.csv\"").build();
    }

    @GET
    @Path("{id}/deliveries/{memberId}")
    @RolesAllowed("viewer")
    public Campaigns.DeliveryView delivery(@PathParam("id") long id, @PathParam("memberId") String memberId) {
        return campaigns.delivery(id, memberId);
    }

    @POST
    @Path(TaskCommands.PATH)
    @Operation(summary = TaskCommands.SUMMARY)
    public TaskView command(@PathParam("id") long id, @PathParam("command") String command) {
        if ("resume".equals(command)) {
            campaigns.checkResumable(id);
        }
        return commands.run(Task.CAMPAIGN, id, command);
    }
}
