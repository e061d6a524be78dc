package dev.push.op;

import dev.push.api.ReadsOnly;
import dev.push.task.TaskState;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The op console's project routes (see docs/op-api.md). One class per route group, so an
 * authentication filter can be bound to each group. The body is read as text: a malformed body
 * must answer {@code ret} 3, not an HTTP error.
 */
@Path("/project")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "op: projects")
@Blocking
@RolesAllowed("operator")
public class OpProjectResource {
    @Inject
    OpCalls calls;

    @Inject
    OpProjects projects;

    @POST
    @Path("add")
    public OpAnswer add(String body) {
        return calls.answer(body, projects::add);
    }

    @POST
    @Path("get")
    @ReadsOnly
    @RolesAllowed("viewer")
    public OpAnswer get(String body) {
        return calls.answer(body, projects::get);
    }

    @POST
    @Path("list")
    @ReadsOnly
    @RolesAllowed("viewer")
    public OpAnswer list(String body) {
        return calls.answer(body, projects::list);
    }

    @POST
    @Path("update")
    public OpAnswer update(String body) {
        return calls.answer(body, projects::update);
    }

    @POST
    @Path("start")
    public OpAnswer start(String body) {
        return calls.answer(body, r -> projects.command(r, TaskState.Command.START));
    }

    @POST
    @Path("pause")
    public OpAnswer pause(String body) {
        return calls.answer(body, r -> projects.command(r, TaskState.Command.PAUSE));
    }

    @POST
    @Path("proceed")
    public OpAnswer proceed(String body) {
        return calls.answer(body, r -> projects.command(r, TaskState.Command.RESUME));
    }

    @POST
    @Path("stop")
    public OpAnswer stop(String body) {
        return calls.answer(body, r -> projects.command(r, TaskState.Command.STOP));
    }
}
