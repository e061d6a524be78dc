package dev.push.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Set;

/**
 * A POST, PUT, PATCH or DELETE that carries the console's session cookies must also carry the
 * {@value HttpGuard#CSRF_HEADER} header (the console's scripts send it; a cross-site form cannot, nor a
 * cross-site script without a CORS preflight the service never grants), else 403 — whatever its path.
 * Only a request that authenticated by another scheme (a valid Basic password or Bearer token) is exempt:
 * this runs after authentication and asks the identity how it was made, so an empty or broken
 * {@code Authorization} header beside the cookie exempts nothing.
 */
@ApplicationScoped
public class CsrfCheck {
    /** How an identity was made ({@link IdentityProviders#VIA}) when it was not by the session cookie. */
    private static final Set<String> OTHER_SCHEMES = Set.of("password", "token");

    void register(@Observes Filters filters) {
        // Below the authorization filter's priority: runs after authentication, with the request's identity.
        filters.register(this::handle, SecurityHandlerPriorities.AUTHORIZATION - 1);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        if (HttpGuard.unsafe(req.method()) && carriesSessionCookie(req) && req.getHeader(HttpGuard.CSRF_HEADER) == null
                && !otherScheme(rc)) {
            rc.response().setStatusCode(403).putHeader("Content-Type", "application/problem+json")
                    .end("{\"title\":\"Forbidden\",\"status\":403,\"detail\":\"a change made with the session cookie must carry the "
                            + HttpGuard.CSRF_HEADER + " header\"}");
            return;
        }
        rc.next();
    }

    static boolean carriesSessionCookie(HttpServerRequest req) {
        return req.getCookie(HttpGuard.SESSION_COOKIE) != null || req.getCookie(Sessions.COOKIE) != null;
    }

    private static boolean otherScheme(RoutingContext rc) {
        if (!(rc.user() instanceof QuarkusHttpUser user)) {
            return false;
        }
        SecurityIdentity identity = user.getSecurityIdentity();
        return identity != null && !identity.isAnonymous() && OTHER_SCHEMES.contains(identity.<String>getAttribute(IdentityProviders.VIA));
    }
}
