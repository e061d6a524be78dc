package dev.push.template;

import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;

/** Saved templates: operators save, change and delete them, viewers read them (docs/templates.md). */
@Path("/api/templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Templates")
@Blocking
@RolesAllowed("operator")
public class TemplateResource {
    @Inject
    Templates templates;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Save a message (title, body, link, data; Qute over the member) with variants per locale, for sends and campaigns to name")
    public Response create(@NotNull @Valid TemplateRequest request) {
        SavedTemplate saved = templates.create(request);
        return Response.created(URI.create("/api/templates/" + saved.name())).entity(saved).build();
    }

    @GET
    @RolesAllowed("viewer")
    @Operation(summary = "Every saved template, by name")
    public List<SavedTemplate> list() {
        return templates.all();
    }

    @GET
    @Path("{name}")
    @RolesAllowed("viewer")
    @Operation(summary = "One saved template")
    public SavedTemplate get(@PathParam("name") String name) {
        return templates.get(name);
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a template's content; campaigns and sends made before keep the copy they took")
    public SavedTemplate replace(@PathParam("name") String name, @NotNull @Valid TemplateRequest request) {
        return templates.replace(name, request);
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete a template; campaigns made from it keep the copy they took")
    public Response delete(@PathParam("name") String name) {
        templates.delete(name);
        return Response.noContent().build();
    }
}
