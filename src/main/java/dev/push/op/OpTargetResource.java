package dev.push.op;

import dev.push.api.ReadsOnly;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The op console's target routes (see docs/op-api.md and {@link OpConstraintResource}). */
@Path("/target")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "op: targets")
@Blocking
@RolesAllowed("operator")
public class OpTargetResource {
    @Inject
    OpCalls calls;

    @Inject
    OpTargets targets;

    @POST
    @Path("get")
    @ReadsOnly
    @RolesAllowed("viewer")
    public OpAnswer get(String body) {
        return calls.answer(body, targets::get);
    }

    @POST
    @Path("list")
    @ReadsOnly
    @RolesAllowed("viewer")
    public OpAnswer list(String body) {
        return calls.answer(body, targets::list);
    }

    @POST
    @Path("list_by_cid")
    @ReadsOnly
    @RolesAllowed("viewer")
    public OpAnswer listByCid(String body) {
        return calls.answer(body, targets::listByCid);
    }

    @POST
    @Path("delete")
    public OpAnswer delete(String body) {
        return calls.answer(body, targets::delete);
    }
}
