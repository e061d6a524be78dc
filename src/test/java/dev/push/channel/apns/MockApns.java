package dev.push.channel.apns;

import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;

import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Pushy's mock APNs server on 127.0.0.1 with a certificate made for the test (by the JDK's
 * keytool), answering each device token as the test says: accepted unless told otherwise.
 */
final class MockApns implements AutoCloseable {
    record Received(String token, String topic, String apnsId, String authorization, String payload,
                    Map<String, String> headers) {
    }

    final MockApnsServer server;
    final int port;
    final String certificatePem;
    final String signingKeyPem;
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    final Map<String, RejectionReason> rejections = new ConcurrentHashMap<>();
    final Map<String, Integer> failuresBeforeSuccess = new ConcurrentHashMap<>();

    MockApns(Path dir) throws Exception {
        Path store = dir.resolve("apns-server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "apns", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + new String(keytool.getInputStream().readAllBytes()));
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate("apns");
        PrivateKey key = (PrivateKey) ks.getKey("apns", "changeit".toCharArray());
        certificatePem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair signing = ec.generateKeyPair();
        signingKeyPem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(signing.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";

        server = new MockApnsServerBuilder()
                .setServerCredentials(new X509Certificate[]{cert}, key, null)
                .setHandlerFactory(session -> handler())
                .build();
        port = server.start(0).get(10, TimeUnit.SECONDS);
        Files.deleteIfExists(store);
    }

    private PushNotificationHandler handler() {
        return (headers, payload) -> {
            String path = headers.path().toString();
            String token = path.substring(path.lastIndexOf('/') + 1);
            CharSequence auth = headers.get("authorization");
            CharSequence id = headers.get("apns-id");
            received.add(new Received(token, String.valueOf(headers.get("apns-topic")), id == null ? null : id.toString(),
                    auth == null ? null : auth.toString(), payload.toString(StandardCharsets.UTF_8), headerMap(headers)));
            if (auth == null || !auth.toString().startsWith("bearer ")) {
                throw new RejectedNotificationException(RejectionReason.MISSING_PROVIDER_TOKEN);
            }
            Integer left = failuresBeforeSuccess.computeIfPresent(token, (t, n) -> n - 1);
            if (left != null && left >= 0) {
                throw new RejectedNotificationException(RejectionReason.SERVICE_UNAVAILABLE);
            }
            RejectionReason reason = rejections.get(token);
            if (reason == RejectionReason.UNREGISTERED) {
                throw new UnregisteredDeviceTokenException(Instant.now());
            }
            if (reason != null) {
                throw new RejectedNotificationException(reason);
            }
        };
    }

    private static Map<String, String> headerMap(io.netty.handler.codec.http2.Http2Headers headers) {
        Map<String, String> out = new java.util.HashMap<>();
        headers.forEach(h -> out.put(h.getKey().toString(), h.getValue().toString()));
        return out;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    void reset() {
        received.clear();
        rejections.clear();
        failuresBeforeSuccess.clear();
    }

    @Override
    public void close() throws Exception {
        server.shutdown().get(10, TimeUnit.SECONDS);
    }
}
