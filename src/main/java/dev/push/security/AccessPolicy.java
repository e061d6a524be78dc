package dev.push.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.regex.Pattern;

/**
 * Who may call which route (named {@value #NAME}, applied to /api/*, the op routes and /q/metrics by
 * {@code quarkus.http.auth.permission.push.*}): reads need viewer, changes operator, users, audit
 * and channel changes admin; an anonymous caller denied gets 401, an authenticated one 403.
 */
@ApplicationScoped
public class AccessPolicy implements HttpSecurityPolicy {
    public static final String NAME = "push";
    /** POSTs that change nothing: counts, previews, and the op routes that read. */
    private static final Pattern READ_POSTS = Pattern.compile(
            "/api/audiences/(\\d+/)?count|/api/campaigns/\\d+/preview|/(constraint|project|target)/(get|list|list_by_cid)");

    @ConfigProperty(name = "push.security.metrics-protected", defaultValue = "false")
    boolean metricsProtected;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext requestContext) {
        String required = required(request.normalizedPath(), request.request().method().name());
        if (required == null) {
            return Uni.createFrom().item(CheckResult.PERMIT);
        }
        return identity.map(id -> {
            if (id.isAnonymous()) {
                return CheckResult.DENY;
            }
            return required.isEmpty() || id.hasRole(required) ? CheckResult.PERMIT : CheckResult.DENY;
        });
    }

    /** The role a route needs, "" for any authenticated caller, null for anyone. */
    String required(String path, String method) {
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (path.startsWith("/q/metrics")) {
            return metricsProtected ? Roles.VIEWER : null;
        }
        if (path.equals("/api/me") || path.equals("/api/logout") || path.startsWith("/api/tokens")) {
            return "";
        }
        if (path.startsWith("/api/users") || path.startsWith("/api/audit")) {
            return Roles.ADMIN;
        }
        if (path.startsWith("/api/channels") && !read) {
            return Roles.ADMIN;
        }
        if (read || READ_POSTS.matcher(path).matches()) {
            return Roles.VIEWER;
        }
        return Roles.OPERATOR;
    }
}
