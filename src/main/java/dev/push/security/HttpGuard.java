package dev.push.security;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.ServerCookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Runs before authentication: login rate limiting (429), the {@link Sessions} cookie on a login's answer,
 * and the Secure flag on the session cookie when the request came over HTTPS. The CSRF header is checked
 * after authentication, by {@link CsrfCheck}.
 */
@ApplicationScoped
public class HttpGuard {
    public static final String SESSION_COOKIE = "quarkus-credential";
    /** Cookie-authenticated POST, PUT, PATCH and DELETE must carry this header (the console's scripts send it; see {@link CsrfCheck}). */
    public static final String CSRF_HEADER = "X-Requested-With";

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
        Attempt attempt = attempt(rc, path, authorization);
        if (attempt != null) {
            if (limiter.blocked(attempt.user(), attempt.address())) {
                tooMany(rc.response().setStatusCode(429)).end("{\"title\":\"Too Many Requests\",\"status\":429,"
                        + "\"detail\":\"too many failed login attempts; try again in a minute\"}");
                return;
            }
            rc.addHeadersEndHandler(v -> {
                if (rc.get(LoginLimiter.BLOCKED) != null) {
                    tooMany(rc.response().setStatusCode(429));
                    return;
                }
                int status = rc.response().getStatusCode();
                if (status == 401 || (attempt.form() && status >= 400)) {
                    limiter.failed(attempt.user() != null ? attempt.user() : rc.get(LoginLimiter.USER), attempt.address());
                }
            });
        }
        boolean secure = secure(rc);
        if (path.endsWith("/j_security_check") && req.method() == HttpMethod.POST) {
            rc.addHeadersEndHandler(v -> Sessions.addCookie(rc, secure));
        }
        if (secure) {
            rc.addHeadersEndHandler(v -> markSecure(rc));
        }
        rc.next();
    }

    /** A request that carries credentials: the user it names (null for tokens, and for the form until checked), the client address. */
    record Attempt(String user, String address, boolean form) {
    }

    private static io.vertx.core.http.HttpServerResponse tooMany(io.vertx.core.http.HttpServerResponse response) {
        return response.putHeader("Retry-After", "60").putHeader("Content-Type", "application/problem+json");
    }

    /**
     * The address is Quarkus' view of the client: {@code X-Forwarded-For} counts only from the proxies
     * {@code quarkus.http.proxy.*} trusts.
     */
    static Attempt attempt(RoutingContext rc, String path, String authorization) {
        String ip = rc.request().remoteAddress() == null ? "?" : rc.request().remoteAddress().hostAddress();
        if (path.endsWith("/j_security_check") && rc.request().method() == HttpMethod.POST) {
            return new Attempt(null, ip, true);
        }
        if (authorization == null || authorization.isBlank()) {
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
            return new Attempt(user, ip, false);
        }
        return new Attempt(null, ip, false);
    }

    /**
     * Quarkus' form mechanism adds its cookie through Vert.x's cookie jar, which becomes a Set-Cookie header only
     * after the headers-end handlers ran; so the cookies this answer sets are marked Secure in the jar itself.
     */
    static void markSecure(RoutingContext rc) {
        for (String name : List.of(SESSION_COOKIE, Sessions.COOKIE)) {
            for (Cookie c : rc.request().cookies(name)) {
                if (c instanceof ServerCookie sent && sent.isChanged()) {
                    c.setSecure(true);
                }
            }
            List<String> headers = rc.response().headers().getAll("Set-Cookie");
            if (headers.stream().anyMatch(h -> h.startsWith(name + "=") && !h.contains("Secure"))) {
                rc.response().headers().remove("Set-Cookie");
                for (String h : headers) {
                    rc.response().headers().add("Set-Cookie", h.startsWith(name + "=") && !h.contains("Secure") ? h + "; Secure" : h);
                }
            }
        }
    }

    static boolean unsafe(HttpMethod m) {
        return m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS;
    }

    static boolean secure(RoutingContext rc) {
        return rc.request().isSSL() || "https".equalsIgnoreCase(rc.request().getHeader("X-Forwarded-Proto"));
    }
}
