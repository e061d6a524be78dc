package dev.push.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Runs before authentication: login rate limiting (429), the CSRF header on cookie-authenticated
 * changes (403), the {@link Sessions} cookie on a login's answer, and the Secure flag on the session
 * cookie when the request came over HTTPS.
 */
@ApplicationScoped
public class HttpGuard {
    public static final String SESSION_COOKIE = "quarkus-credential";
    /** Cookie-authenticated POST, PUT, PATCH and DELETE must carry this header (the console's scripts send it). */
    public static final String CSRF_HEADER = "X-Requested-With";
    private static final List<String> GUARDED = List.of("/api/", "/constraint/", "/project/", "/target/");

    @Inject
    LoginLimiter limiter;

    void register(@Observes Filters filters) {
        // Above the security filters' priorities, so this runs before authentication.
        filters.register(this::handle, 1000);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest req = rc.request();
        String path = rc.normalizedPath();
        String authorization = req.getHeader("Authorization");
        String key = attemptKey(rc, path, authorization);
        if (key != null) {
            if (limiter.blocked(key)) {
                rc.response().setStatusCode(429).putHeader("Retry-After", "60")
                        .putHeader("Content-Type", "application/problem+json")
                        .end("{\"title\":\"Too Many Requests\",\"status\":429,"
                                + "\"detail\":\"too many failed login attempts; try again in a minute\"}");
                return;
            }
            rc.addHeadersEndHandler(v -> {
                int status = rc.response().getStatusCode();
                if (status == 401 || (path.endsWith("/j_security_check") && status >= 400)) {
                    limiter.failed(key);
                }
            });
        }
        if (authorization == null && unsafe(req.method()) && guarded(path) && req.getCookie(SESSION_COOKIE) != null
                && req.getHeader(CSRF_HEADER) == null) {
            rc.response().setStatusCode(403).putHeader("Content-Type", "application/problem+json")
                    .end("{\"title\":\"Forbidden\",\"status\":403,\"detail\":\"a change made with the session cookie must carry the "
                            + CSRF_HEADER + " header\"}");
            return;
        }
        boolean secure = secure(rc);
        if (path.endsWith("/j_security_check") && req.method() == HttpMethod.POST) {
            rc.addHeadersEndHandler(v -> Sessions.addCookie(rc, secure));
        }
        if (secure) {
            rc.addHeadersEndHandler(v -> {
                List<String> cookies = rc.response().headers().getAll("Set-Cookie");
                if (cookies.stream().anyMatch(c -> c.startsWith(SESSION_COOKIE + "=") && !c.contains("Secure"))) {
                    rc.response().headers().remove("Set-Cookie");
                    for (String c : cookies) {
                        rc.response().headers().add("Set-Cookie", c.startsWith(SESSION_COOKIE + "=") && !c.contains("Secure")
                                ? c + "; Secure" : c);
                    }
                }
            });
        }
        rc.next();
    }

    /** Which attempt a request is, when it carries credentials: the user (Basic) or the kind, and the client address. */
    static String attemptKey(RoutingContext rc, String path, String authorization) {
        String ip = rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress();
        if (path.endsWith("/j_security_check") && rc.request().method() == HttpMethod.POST) {
            return "form|" + ip;
        }
        if (authorization == null) {
            return null;
        }
        if (authorization.regionMatches(true, 0, "basic ", 0, 6)) {
            String user = "?";
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                user = colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                // counted under "?"
            }
            return "basic|" + user + "|" + ip;
        }
        return "bearer|" + ip;
    }

    static boolean unsafe(HttpMethod m) {
        return m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS;
    }

    static boolean guarded(String path) {
        return GUARDED.stream().anyMatch(path::startsWith);
    }

    static boolean secure(RoutingContext rc) {
        return rc.request().isSSL() || "https".equalsIgnoreCase(rc.request().getHeader("X-Forwarded-Proto"));
    }
}
