package dev.push.channel.webpush;

import com.google.crypto.tink.apps.webpush.WebPushHybridDecrypt;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A push service on loopback that does what a real one must before it delivers (RFC 8030, 8291, 8292): it verifies
 * the VAPID token's ES256 signature against the key in the {@code Authorization} header, its audience and expiry, and
 * decrypts the {@code aes128gcm} body with the browser's private key and auth secret — by Tink's implementation, not
 * the sender's. A request that fails any check is answered 400/401/403 and recorded as refused.
 */
final class LoopbackPushService implements AutoCloseable {
    /** A push the service accepted: the browser it was for, the VAPID key and subject, the headers and the clear text. */
    record Received(String browser, String vapidKey, String subject, Map<String, String> headers, JsonObject message) {
    }

    private final HttpServer server;
    private final Map<String, Browser> browsers = new ConcurrentHashMap<>();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new ArrayList<>();
    private final List<String> refused = new ArrayList<>();

    LoopbackPushService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/push/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Subscribes a browser: its subscription JSON, with an endpoint of this service. */
    JsonObject subscribe(Browser browser) {
        browsers.put(browser.id(), browser);
        return browser.subscription(origin() + "/push/" + browser.id());
    }

    /** From now on this browser's subscription answers {@code status} (410: the user unsubscribed). */
    void answer(String browser, int status) {
        answers.put(browser, status);
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<String> refused() {
        return List.copyOf(refused);
    }

    synchronized void reset() {
        received.clear();
        refused.clear();
        answers.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String id = exchange.getRequestURI().getPath().substring("/push/".length());
        byte[] body = exchange.getRequestBody().readAllBytes();
        int status;
        try {
            Browser browser = browsers.get(id);
            if (browser == null) {
                throw new Refusal(404, "no subscription " + id);
            }
            Map<String, String> headers = Map.of(
                    "TTL", header(exchange, "TTL"), "Urgency", header(exchange, "Urgency"),
                    "Content-Encoding", header(exchange, "Content-Encoding"), "Topic", header(exchange, "Topic"));
            if (!"aes128gcm".equals(headers.get("Content-Encoding"))) {
                throw new Refusal(415, "Content-Encoding must be aes128gcm");
            }
            String[] vapid = vapid(header(exchange, "Authorization"));
            String subject = verifiedSubject(vapid[0], vapid[1]);
            byte[] clear = new WebPushHybridDecrypt.Builder().withAuthSecret(browser.auth())
                    .withRecipientPublicKey(browser.publicKey()).withRecipientPrivateKey(browser.privateKey())
                    .build().decrypt(body, null);
            JsonObject message = new JsonObject(new String(clear, StandardCharsets.UTF_8));
            status = answers.getOrDefault(id, 201);
            if (status == 201) {
                synchronized (this) {
                    received.add(new Received(id, vapid[1], subject, headers, message));
                }
            }
        } catch (Refusal r) {
            status = r.status;
            synchronized (this) {
                refused.add(id + ": " + r.getMessage());
            }
        } catch (Exception e) {
            status = 400;
            synchronized (this) {
                refused.add(id + ": " + e);
            }
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    /** {@code vapid t=<jwt>, k=<key>} → [jwt, key]. */
    private static String[] vapid(String authorization) throws Refusal {
        if (!authorization.startsWith("vapid ")) {
            throw new Refusal(401, "Authorization is not vapid");
        }
        String token = null;
        String key = null;
        for (String part : authorization.substring(6).split(",")) {
            String p = part.trim();
            if (p.startsWith("t=")) {
                token = p.substring(2);
            } else if (p.startsWith("k=")) {
                key = p.substring(2);
            }
        }
        if (token == null || key == null) {
            throw new Refusal(401, "vapid needs t and k");
        }
        return new String[] {token, key};
    }

    /** Checks the token as RFC 8292 asks; answers its subject. */
    private String verifiedSubject(String jwt, String key) throws Exception {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new Refusal(401, "token is not a JWS");
        }
        Base64.Decoder b64 = Base64.getUrlDecoder();
        JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
        JsonObject claims = new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
        if (!"ES256".equals(header.getString("alg"))) {
            throw new Refusal(401, "alg must be ES256");
        }
        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(publicKey(b64.decode(key)));
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        if (!verifier.verify(b64.decode(parts[2]))) {
            throw new Refusal(403, "the token's signature does not verify with k");
        }
        if (!origin().equals(claims.getString("aud"))) {
            throw new Refusal(403, "aud " + claims.getString("aud") + " is not " + origin());
        }
        long exp = claims.getLong("exp", 0L);
        long now = Instant.now().getEpochSecond();
        if (exp <= now || exp > now + 24 * 3600) {
            throw new Refusal(403, "exp must be within 24 hours");
        }
        return claims.getString("sub");
    }

    private static PublicKey publicKey(byte[] uncompressed) throws Exception {
        if (uncompressed.length != 65 || uncompressed[0] != 4) {
            throw new Refusal(401, "k is not an uncompressed P-256 point");
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(uncompressed, 1, 33)),
                new BigInteger(1, Arrays.copyOfRange(uncompressed, 33, 65)));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point,
                parameters.getParameterSpec(ECParameterSpec.class)));
    }

    private static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
