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
 * The op console's constraint routes (see docs/op-api.md). One class per route group, so an
 * authentication filter can be bound to each group. The body is read as text: a malformed body
 * must answer {@code ret} 3, not an HTTP error.
 */
@Path("/constraint")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "op: constraints")
@Blocking
@RolesAllowed("operator")
public class OpConstraintResource {
    @Inject
    OpCalls calls;

    @Inject
    OpConstraints constraints;

    @POST
    @Path("add")
    public OpAnswer add(String body) {
        return calls.answer(body, constraints::add);
    }

    @POST
    @Path("load_from_file")
    public OpAnswer loadFromFile(String body) {
        return calls.answer(body, constraints::loadFromFile);
    }

    @POST
    @Path("get")
    @ReadsOnly
    @RolesAllowed("viewer")
    public OpAnswer get(String body) {
        return calls.answer(body, constraints::get);
    }

    @POST
    @Path("list")
    @ReadsOnly
    @RolesAllowed("viewer")
    public OpAnswer list(String body) {
        return calls.answer(body, constraints::list);
    }

    @POST
    @Path("update")
    public OpAnswer update(String body) {
        return calls.answer(body, constraints::update);
    }

    @POST
    @Path("start")
    public OpAnswer start(String body) {
        return calls.answer(body, r -> constraints.command(r, TaskState.Command.START));
    }

    @POST
    @Path("pause")
    public OpAnswer pause(String body) {
        return calls.answer(body, r -> constraints.command(r, TaskState.Command.PAUSE));
    }

    @POST
    @Path("proceed")
    public OpAnswer proceed(String body) {
        return calls.answer(body, r -> constraints.command(r, TaskState.Command.RESUME));
    }

    @POST
    @Path("stop")
    public OpAnswer stop(String body) {
        return calls.answer(body, r -> constraints.command(r, TaskState.Command.STOP));
    }
}
