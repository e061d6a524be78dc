package dev.push.audience;

import dev.push.api.ReadsOnly;
import dev.push.engine.TaskCommands;
import dev.push.task.Task;
import dev.push.task.TaskEndpoints;
import dev.push.task.TaskView;
import dev.push.task.TaskViews;
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
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

@Path("/api/audiences")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Audiences")
@Blocking
@RolesAllowed("operator")
public class AudienceResource {

    @Inject
    Audiences audiences;

    @Inject
    TaskEndpoints endpoints;

    @Inject
    TaskViews views;

    @Inject
    TaskCommands commands;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an audience from ids, an upload, a member query or a combination of audiences")
    public Response create(@NotNull @Valid AudienceRequest request) {
        Task t = audiences.create(request, dev.push.api.Actor.name());
        return Response.created(URI.create("/api/audiences/" + t.id)).entity(views.view(t)).build();
    }

    @PUT
    @Path("{id}/upload")
    @Consumes({MediaType.TEXT_PLAIN, "text/csv", MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Upload the member ids of an upload audience: one id a line, or CSV with an id column")
    public Audiences.UploadResult upload(@PathParam("id") long id, @jakarta.ws.rs.HeaderParam(HttpHeaders.CONTENT_TYPE) String type,
                                         InputStream body) throws IOException {
        return audiences.upload(id, body, type != null && type.startsWith("text/csv"));
    }

    @POST
    @Path("count")
    @ReadsOnly
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Count what a source (query, ids or combine) would select, without creating an audience")
    @RolesAllowed("viewer")
    public Audiences.Count countSource(@NotNull @Valid AudienceRequest.Source source) {
        return audiences.countSource(source);
    }

    @POST
    @Path("{id}/count")
    @Operation(summary = "Count what the audience's source selects now, without building it")
    @RolesAllowed("viewer")
    public Audiences.Count count(@PathParam("id") long id) {
        return audiences.count(id);
    }

    @GET
    @RolesAllowed("viewer")
    public TaskEndpoints.Page list(@QueryParam("state") String state, @QueryParam("offset") @DefaultValue("0") int offset,
                                   @QueryParam("limit") @DefaultValue("50") int limit) {
        return endpoints.list(Task.AUDIENCE, state, offset, limit);
    }

    @GET
    @Path("{id}")
    @RolesAllowed("viewer")
    public TaskView get(@PathParam("id") long id) {
        return endpoints.get(Task.AUDIENCE, id);
    }

    @GET
    @Path("{id}/members")
    @Operation(summary = "The members of a built audience, paged by cursor")
    @RolesAllowed("viewer")
    public Audiences.MemberPage members(@PathParam("id") long id, @QueryParam("after") String after,
                                        @QueryParam("limit") @DefaultValue("100") int limit) {
        return audiences.members(id, after, limit);
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change name, workers or qps; workers and qps take effect while running")
    public TaskView patch(@PathParam("id") long id, @NotNull @Valid TaskEndpoints.Patch patch) {
        return endpoints.patch(Task.AUDIENCE, id, patch, dev.push.api.Actor.name());
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") long id) {
        audiences.delete(id);
        return Response.noContent().build();
    }

    @POST
    @Path(TaskCommands.PATH)
    @Operation(summary = TaskCommands.SUMMARY)
    public TaskView command(@PathParam("id") long id, @PathParam("command") String command) {
        return commands.run(Task.AUDIENCE, id, command);
    }
}
