package dev.push.channel.fcm;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * FCM HTTP v1 and Google's OAuth2 token endpoint on 127.0.0.1, for tests: the token endpoint
 * checks the JWT bearer grant's signature against the service account's public key, the send
 * endpoint checks the bearer token and answers as the script says.
 */
final class FakeFcm implements AutoCloseable {
    static final String PROJECT = "demo-project";
    static final String EMAIL = "push@demo-project.iam.gserviceaccount.com";

    record Sent(String token, JsonObject message, String bearer, long atNanos, HttpVersion version) {
    }

    record Answer(int status, Map<String, String> headers, String body) {
        static Answer ok() {
            return new Answer(200, Map.of(), new JsonObject().put("name", "projects/" + PROJECT + "/messages/1").encode());
        }

        static Answer error(int status, String grpcStatus, String fcmCode, String message) {
            JsonObject error = new JsonObject().put("code", status).put("message", message).put("status", grpcStatus);
            if (fcmCode != null) {
                error.put("details", new io.vertx.core.json.JsonArray().add(new JsonObject()
                        .put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError").put("errorCode", fcmCode)));
            }
            return new Answer(status, Map.of(), new JsonObject().put("error", error).encode());
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final KeyPair keys;
    final AtomicInteger tokensIssued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> revoked = new ConcurrentLinkedQueue<>();
    private volatile Function<Sent, Answer> script = s -> Answer.ok();
    private volatile java.util.function.Predicate<Sent> hold = s -> false;
    private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();

    FakeFcm() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
            if (req.path().equals("/token")) {
                token(req, buf.toString(StandardCharsets.UTF_8));
            } else if (req.path().equals("/v1/projects/" + PROJECT + "/messages:send")) {
                send(req, buf.toString(StandardCharsets.UTF_8));
            } else {
                req.response().setStatusCode(404).end();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void token(HttpServerRequest req, String form) {
        Map<String, String> params = new java.util.HashMap<>();
        for (String pair : form.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        String[] jwt = params.getOrDefault("assertion", "").split("\\.");
        boolean valid = "urn:ietf:params:oauth:grant-type:jwt-bearer".equals(params.get("grant_type")) && jwt.length == 3;
        if (valid) {
            try {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initVerify(keys.getPublic());
                rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
                JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8));
                valid = rsa.verify(Base64.getUrlDecoder().decode(jwt[2])) && EMAIL.equals(claims.getString("iss"))
                        && url("/token").equals(claims.getString("aud"))
                        && "https://www.googleapis.com/auth/firebase.messaging".equals(claims.getString("scope"));
            } catch (Exception e) {
                valid = false;
            }
        }
        if (!valid) {
            req.response().setStatusCode(400).end(new JsonObject().put("error", "invalid_grant").encode());
            return;
        }
        String token = "access-" + tokensIssued.incrementAndGet();
        req.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("access_token", token).put("expires_in", 3599).put("token_type", "Bearer").encode());
    }

    private void send(HttpServerRequest req, String body) {
        String auth = req.getHeader("Authorization");
        String bearer = auth == null ? null : auth.replaceFirst("^Bearer ", "");
        if (bearer == null || !bearer.startsWith("access-") || revoked.contains(bearer)) {
            respond(req, Answer.error(401, "UNAUTHENTICATED", null, "Request had invalid authentication credentials."));
            return;
        }
        JsonObject message = new JsonObject(body).getJsonObject("message");
        Sent s = new Sent(message.getString("token"), message, bearer, System.nanoTime(), req.version());
        sent.add(s);
        if (hold.test(s)) {
            held.add(() -> respond(req, script.apply(s)));
            return;
        }
        respond(req, script.apply(s));
    }

    /** Leaves the sends {@code which} picks unanswered (as a provider that hangs) until {@link #release}. */
    void hold(java.util.function.Predicate<Sent> which) {
        hold = which;
    }

    /** Answers the held sends now and holds no more. */
    void release() {
        hold = s -> false;
        Runnable r;
        while ((r = held.poll()) != null) {
            r.run();
        }
    }

    private static void respond(HttpServerRequest req, Answer a) {
        var resp = req.response().setStatusCode(a.status()).putHeader("Content-Type", "application/json");
        a.headers().forEach(resp::putHeader);
        resp.end(a.body());
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    /** The service-account key file of the fake project. */
    String serviceAccount() {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        return new JsonObject().put("type", "service_account").put("project_id", PROJECT).put("private_key_id", "k1")
                .put("private_key", pem).put("client_email", EMAIL).put("token_uri", url("/token")).encode();
    }

    void answer(Function<Sent, Answer> script) {
        this.script = script;
    }

    void revoke(String accessToken) {
        revoked.add(accessToken);
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    void reset() {
        release();
        sent.clear();
        script = s -> Answer.ok();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
