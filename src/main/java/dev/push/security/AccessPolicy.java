package dev.push.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The path rules left beside the resources' own role declarations (named {@value #NAME}, applied to every path by
 * {@code quarkus.http.auth.permission.push.*}): the API's route groups need an authenticated caller; the management
 * routes under {@code /q} are guarded here, having no declarations of their own. Health stays open;
 * metrics, OpenAPI and the Swagger UI need a viewer unless opened by {@code push.security.metrics-protected=false}
 * or {@code push.security.api-docs-protected=false}; any other {@code /q} route needs a viewer. The API's
 * resources declare their roles themselves ({@code @RolesAllowed}; an endpoint without is denied), so their
 * rules hold however the path is spelled. The path compared here is {@link RoutePath#canonical}, for the same reason.
 * An anonymous caller denied gets 401, an authenticated one 403.
 */
@ApplicationScoped
public class AccessPolicy implements HttpSecurityPolicy {
    public static final String NAME = "push";
    /** The API's route groups: the REST API and the op routes. */
    private static final List<String> API = List.of("/api", "/constraint", "/project", "/target");

    private boolean metricsProtected;
    private boolean apiDocsProtected;

    @Inject
    AccessPolicy(SecurityConfig security) {
        this(security.metricsProtected(), security.apiDocsProtected());
    }

    AccessPolicy(boolean metricsProtected, boolean apiDocsProtected) {
        this.metricsProtected = metricsProtected;
        this.apiDocsProtected = apiDocsProtected;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext requestContext) {
        String required = required(RoutePath.canonical(request.request().path()));
        if (required == null) {
            return Uni.createFrom().item(CheckResult.PERMIT);
        }
        return identity.map(id -> !id.isAnonymous() && (required.isEmpty() || id.hasRole(required)) ? CheckResult.PERMIT : CheckResult.DENY);
    }

    /** The role a canonical path needs, "" for any authenticated caller, null for anyone. */
    String required(String path) {
        if (API.stream().anyMatch(prefix -> RoutePath.under(path, prefix))) {
            // The resources' own declarations decide the role; an anonymous caller is turned away before routing,
            // so it learns nothing of the routes (no 404, 405 or 415 that would tell one exists).
            return "";
        }
        if (!RoutePath.under(path, "/q")) {
            return null;
        }
        if (RoutePath.under(path, "/q/health")) {
            return null;
        }
        if (RoutePath.under(path, "/q/metrics")) {
            return metricsProtected ? Roles.VIEWER : null;
        }
        if (RoutePath.under(path, "/q/openapi") || RoutePath.under(path, "/q/swagger-ui")) {
            return apiDocsProtected ? Roles.VIEWER : null;
        }
        return Roles.VIEWER;
    }
}
