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
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** Who is calling, looked up in MongoDB: passwords (HTTP Basic, the console's login form), form sessions, API tokens. */
public final class IdentityProviders {
    public static final String VIA = "push.via";

    private IdentityProviders() {
    }

    static SecurityIdentity identity(String name, List<String> roles, String via) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name))
                .addRoles(Roles.expand(roles)).addAttribute(VIA, via).build();
    }

    /** HTTP Basic and the login form's j_security_check. */
    @ApplicationScoped
    public static class Password implements IdentityProvider<UsernamePasswordAuthenticationRequest> {
        @Inject
        Users users;

        @Override
        public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
            return UsernamePasswordAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
            return context.runBlocking(() -> users.verify(request.getUsername(), request.getPassword().getPassword())
                    .map(u -> identity(u.name(), u.roles(), "password"))
                    .orElseThrow(AuthenticationFailedException::new));
        }
    }

    /** The console's session cookie names a user; the user's current roles apply (a deleted user is out). */
    @ApplicationScoped
    public static class Session implements IdentityProvider<TrustedAuthenticationRequest> {
        @Inject
        Users users;

        @Override
        public Class<TrustedAuthenticationRequest> getRequestType() {
            return TrustedAuthenticationRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(TrustedAuthenticationRequest request, AuthenticationRequestContext context) {
            return context.runBlocking(() -> users.find(request.getPrincipal())
                    .map(u -> identity(u.name(), u.roles(), "session"))
                    .orElseThrow(AuthenticationFailedException::new));
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
            return context.runBlocking(() -> tokens.verify(request.getToken().getToken())
                    .map(t -> identity(t.owner(), t.roles(), "token"))
                    .orElseThrow(AuthenticationFailedException::new));
        }
    }
}
