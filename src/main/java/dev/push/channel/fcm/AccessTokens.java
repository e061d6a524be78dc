package dev.push.channel.fcm;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.ext.web.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

/**
 * OAuth2 access tokens for FCM by the JWT bearer grant (RFC 7523): a JWT signed with the service
 * account's key is exchanged at the token URI. A token is kept until a minute before it expires,
 * and concurrent senders share one exchange.
 */
final class AccessTokens {
    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    private static final long EARLY_MS = 60_000;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final ServiceAccount account;
    private final String tokenUri;
    private final WebClient client;
    private String token;
    private long expiresAt;
    private Uni<String> exchange;

    AccessTokens(ServiceAccount account, String tokenUri, WebClient client) {
        this.account = account;
        this.tokenUri = tokenUri;
        this.client = client;
    }

    /** A valid token, exchanging a new one when needed. */
    synchronized Uni<String> get() {
        if (token != null && System.currentTimeMillis() < expiresAt - EARLY_MS) {
            return Uni.createFrom().item(token);
        }
        if (exchange == null) {
            exchange = exchange().onItemOrFailure().invoke((t, e) -> {
                synchronized (this) {
                    exchange = null;
                }
            }).memoize().indefinitely();
        }
        return exchange;
    }

    /** Drops the cached token after the provider refused it. */
    synchronized void refused(String refusedToken) {
        if (refusedToken.equals(token)) {
            token = null;
        }
    }

    private Uni<String> exchange() {
        String assertion = jwt(System.currentTimeMillis() / 1000);
        return client.postAbs(tokenUri).timeout(30_000)
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
                        .add("assertion", assertion))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": "
                                + dev.push.channel.http.Excerpt.of(response.bodyAsString()));
                    }
                    JsonObject body = response.bodyAsJsonObject();
                    String t = body.getString("access_token");
                    long ttl = body.getLong("expires_in", 3600L);
                    synchronized (this) {
                        token = t;
                        expiresAt = System.currentTimeMillis() + ttl * 1000;
                    }
                    return t;
                });
    }

    String jwt(long nowSeconds) {
        JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT");
        if (account.privateKeyId() != null) {
            header.put("kid", account.privateKeyId());
        }
        JsonObject claims = new JsonObject().put("iss", account.clientEmail()).put("scope", SCOPE)
                .put("aud", tokenUri).put("iat", nowSeconds).put("exp", nowSeconds + 3600);
        String signingInput = B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(account.privateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the token request", e);
        }
    }
}
