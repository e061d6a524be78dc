package dev.push.security;

import dev.push.api.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The caller, users, API tokens and the audit trail. Secrets (passwords, token values after creation) are never answered. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Security")
@Blocking
@Authenticated
public class SecurityResource {
    @Inject
    SecurityIdentity identity;

    @Inject
    Users users;

    @Inject
    ApiTokens tokens;

    @Inject
    Audit audit;

    @Inject
    Sessions sessions;

    public record Me(String name, Set<String> roles, String via) {
    }

    public record NewUser(String name, String password, List<String> roles) {
    }

    public record NewToken(String name, String owner, List<String> roles) {
    }

    @GET
    @Path("me")
    @Operation(summary = "The authenticated caller: name, roles, and how it authenticated")
    public Me me() {
        return new Me(identity.getPrincipal().getName(), identity.getRoles(), identity.getAttribute(IdentityProviders.VIA));
    }

    @POST
    @Path("logout")
    @Operation(summary = "Sign out of the console: the session ends on every instance (a copy of its cookie no longer "
            + "works) and its cookies are cleared; nothing to do for Basic or Bearer callers")
    public Response logout(@Context RoutingContext rc) {
        sessions.close(identity.getAttribute(Sessions.ATTRIBUTE));
        // Same names, path and flags as when they were set; Max-Age 0 makes the browser drop them.
        boolean secure = HttpGuard.secure(rc);
        rc.response().addCookie(Cookie.cookie(HttpGuard.SESSION_COOKIE, "").setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(secure).setMaxAge(0));
        rc.response().addCookie(Sessions.cookie("", secure).setMaxAge(0));
        return Response.noContent().build();
    }

    @GET
    @Path("users")
    @RolesAllowed(Roles.ADMIN)
    public List<Users.UserView> users() {
        return users.list();
    }

    @POST
    @Path("users")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create a user with a password (8 to 128 characters) and roles (viewer, operator, admin)")
    public Response createUser(NewUser body) {
        if (body == null) {
            throw ApiException.badRequest("body", "must not be empty");
        }
        Users.UserView u = users.create(body.name(), body.password(), body.roles(), me().name());
        audit.record(me().name(), "create user", "users/" + u.name(), null, Map.of("name", u.name(), "roles", u.roles()));
        return Response.created(URI.create("/api/users/" + u.name())).entity(u).build();
    }

    @DELETE
    @Path("users/{name}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a user and its API tokens (not yourself)")
    public Response deleteUser(@PathParam("name") String name) {
        if (name.equals(me().name())) {
            throw ApiException.conflict("you cannot delete yourself");
        }
        Users.UserView u = users.find(name).orElseThrow(() -> ApiException.notFound("user", name));
        users.delete(name);
        long revoked = tokens.deleteOwnedBy(name);
        sessions.closeAllOf(name);
        audit.record(me().name(), "delete user", "users/" + name, Map.of("name", name, "roles", u.roles()),
                Map.of("tokensRevoked", revoked));
        return Response.noContent().build();
    }

    @POST
    @Path("tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API token (Authorization: Bearer) for yourself, or (admin) for another user; "
            + "its value is answered only now")
    public Response createToken(NewToken body) {
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 100) {
            throw ApiException.badRequest("name", "must be 1 to 100 characters");
        }
        String caller = me().name();
        String owner = body.owner() == null || body.owner().isBlank() ? caller : body.owner();
        boolean admin = identity.hasRole(Roles.ADMIN);
        if (!owner.equals(caller) && !admin) {
            throw new jakarta.ws.rs.ForbiddenException("only an admin creates tokens for other users");
        }
        Users.UserView user = users.find(owner).orElseThrow(() -> ApiException.notFound("user", owner));
        List<String> roles = body.roles() == null || body.roles().isEmpty() ? user.roles() : body.roles();
        if (!roles.stream().allMatch(Roles::valid)) {
            throw ApiException.badRequest("roles", "must be among " + Roles.ALL);
        }
        Set<String> allowed = admin ? Set.copyOf(Roles.ALL) : identity.getRoles();
        if (!allowed.containsAll(roles)) {
            throw new jakarta.ws.rs.ForbiddenException("a token cannot have roles its creator lacks");
        }
        ApiTokens.CreatedToken t = tokens.create(body.name(), owner, roles);
        audit.record(caller, "create token", "tokens/" + t.id(), null,
                Map.of("name", t.name(), "owner", owner, "roles", roles));
        return Response.created(URI.create("/api/tokens/" + t.id())).entity(t).build();
    }

    @GET
    @Path("tokens")
    @Operation(summary = "API tokens: yours, or (admin) everyone's; never their values")
    public List<ApiTokens.TokenView> tokens() {
        return tokens.list(identity.hasRole(Roles.ADMIN) ? null : me().name());
    }

    @DELETE
    @Path("tokens/{id}")
    @Operation(summary = "Revoke an API token: yours, or (admin) anyone's")
    public Response deleteToken(@PathParam("id") String id) {
        ApiTokens.TokenView t = tokens.find(id)
                .filter(x -> identity.hasRole(Roles.ADMIN) || x.owner().equals(me().name()))
                .orElseThrow(() -> ApiException.notFound("token", id));
        tokens.delete(id);
        audit.record(me().name(), "delete token", "tokens/" + id,
                Map.of("name", t.name(), "owner", t.owner(), "roles", t.roles()), null);
        return Response.noContent().build();
    }

    @GET
    @Path("audit")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The audit trail: filter by actor, target (e.g. campaigns/12), after (ISO instant); order oldest "
            + "(default) or newest first; before = an entry's id for only the entries older than it (the next page of a "
            + "newest-first list); limit 1..1000")
    public List<Audit.Entry> audit(@QueryParam("actor") String actor, @QueryParam("target") String target,
                                   @QueryParam("after") String after, @QueryParam("before") String before,
                                   @QueryParam("order") @DefaultValue("oldest") String order,
                                   @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("limit", "must be between 1 and 1000");
        }
        if (!order.equals("oldest") && !order.equals("newest")) {
            throw ApiException.badRequest("order", "must be oldest or newest");
        }
        Date since = null;
        if (after != null && !after.isBlank()) {
            try {
                since = Date.from(Instant.parse(after));
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("after", "must be an ISO-8601 instant, e.g. 2025-01-31T12:00:00Z");
            }
        }
        return audit.find(actor, target, since, before == null || before.isBlank() ? null : before,
                order.equals("newest"), limit);
    }
}
