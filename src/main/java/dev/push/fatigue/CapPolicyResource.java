package dev.push.fatigue;

import dev.push.api.Actor;
import dev.push.api.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Frequency caps (docs/consent.md): admins set and remove them, viewers read them. Changes are audited. */
@Path("/api/frequency-caps")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Frequency caps")
@Blocking
@RolesAllowed("admin")
public class CapPolicyResource {
    @Inject
    CapPolicies policies;

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Every frequency cap: per category, over one channel or all channels (channel absent)")
    public List<Map<String, Object>> list() {
        List<Map<String, Object>> out = new ArrayList<>();
        policies.all().forEach(p -> out.add(view(p)));
        return out;
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the frequency cap of a category over one channel or all channels, replacing the one there:"
            + " at most max pushes per member in each rolling window")
    public Map<String, Object> put(CapPolicyRequest request) {
        if (request == null) {
            throw ApiException.badRequest("body", "a frequency cap is required");
        }
        return view(policies.put(request, Actor.name()));
    }

    @DELETE
    @Operation(summary = "Remove the frequency cap of a category over one channel (channel) or all channels (no channel)")
    public Response delete(@QueryParam("category") String category, @QueryParam("channel") String channel) {
        if (category == null || category.isBlank()) {
            throw ApiException.badRequest("category", "is required");
        }
        if (!policies.delete(category, channel)) {
            throw ApiException.notFound("frequency cap", CapPolicy.id(category, channel));
        }
        return Response.noContent().build();
    }

    static Map<String, Object> view(CapPolicy p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("category", p.category());
        if (p.channel() != null) {
            out.put("channel", p.channel());
        }
        List<Map<String, Object>> limits = new ArrayList<>();
        p.limits().forEach(l -> limits.add(Map.of("max", l.max(), "window", l.window().toString())));
        out.put("limits", limits);
        return out;
    }
}
