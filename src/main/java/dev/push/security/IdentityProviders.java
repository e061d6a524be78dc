package dev.push.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.identity.request.TrustedAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/** Who is calling, looked up in MongoDB: passwords (HTTP Basic, the console's login form), form sessions, API tokens. */
public final class IdentityProviders {
    public static final String VIA = "push.via";

    private IdentityProviders() {
    }

    static SecurityIdentity identity(String name, List<String> roles, String via) {
        return identity(name, roles, via, null);
    }

    static SecurityIdentity identity(String name, List<String> roles, String via, String session) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name))
                .addRoles(Roles.expand(roles)).addAttribute(VIA, via);
        if (session != null) {
            b.addAttribute(Sessions.ATTRIBUTE, session);
        }
        return b.build();
    }

    /** HTTP Basic and the login form's j_security_check; a form login opens a session (see {@link Sessions}). */
    @ApplicationScoped
    public static class Password implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
        @Inject
        Users users;

        @Inject
        LoginLimiter limiter;

        @Inject
        Sessions sessions;

        @Override
        public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
            return UsernamePasswordAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
            RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
            boolean form = rc != null && rc.normalizedPath().endsWith("/j_security_check");
            return context.runBlocking(() -> {
                if (rc != null) {
                    // The form's user name is first known here: the limiter counts a failure against it, and a locked user gets 429.
                    rc.put(LoginLimiter.USER, request.getUsername());
                    if (limiter.blocked(request.getUsername(), null)) {
                        rc.put(LoginLimiter.BLOCKED, Boolean.TRUE);
                        throw new AuthenticationFailedException();
                    }
                }
                Users.UserView u = users.verify(request.getUsername(), request.getPassword().getPassword())
                        .orElseThrow(AuthenticationFailedException::new);
                if (form) {
                    // HttpGuard puts the id in a cookie on the login's answer.
                    rc.put(Sessions.NEW, sessions.open(u.name()));
                }
                return identity(u.name(), u.roles(), "password");
            });
        }
    }

    /**
     * The console's session cookie names a user; it counts only beside the {@value Sessions#COOKIE} cookie of
     * a session still open (not signed out); the user's current roles apply (a deleted user is out).
     */
    @ApplicationScoped
    public static class Session implements IdentityProvider<TrustedAuthenticationRequest> {
        @Inject
        Users users;

        @Inject
        Sessions sessions;

        @Override
        public Class<TrustedAuthenticationRequest> getRequestType() {
            return TrustedAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
            RoutingContext rc = HttpSecurityUtils.getRoutingContextAttribute(request);
            Cookie cookie = rc == null ? null : rc.request().getCookie(Sessions.COOKIE);
            String session = cookie == null ? null : cookie.getValue();
            return context.runBlocking(() -> {
                if (!sessions.valid(session, request.getPrincipal())) {
                    throw new AuthenticationFailedException();
                }
                return users.find(request.getPrincipal())
                        .map(u -> identity(u.name(), u.roles(), "session", session))
                        .orElseThrow(AuthenticationFailedException::new);
            });
        }
    }

    /** {@code Authorization: Bearer push_…}: the token's owner, with the token's roles. */
    @ApplicationScoped
    public static class Token implements IdentityProvider<TokenAuthenticationRequest> {
        @Inject
        ApiTokens tokens;

        @Override
        public Class<TokenAuthenticationRequest> getRequestType() {
            return TokenAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
            String value = request.getToken().getToken();
            // A token found less than a second ago is answered here, on the event loop: no read, no worker thread.
            Optional<ApiTokens.TokenView> recent = tokens.recentlyVerified(value);
            if (recent.isPresent()) {
                return Uni.createFrom().item(identity(recent.get()));
            }
            return context.runBlocking(() -> tokens.verify(value).map(Token::identity)
                    .orElseThrow(AuthenticationFailedException::new));
        }

        private static SecurityIdentity identity(ApiTokens.TokenView t) {
            return IdentityProviders.identity(t.owner(), t.roles(), "token");
        }
    }
}
