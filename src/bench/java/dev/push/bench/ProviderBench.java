package dev.push.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider channels at provider speed (issue 15), not a test: FCM, APNs and Web Push campaigns of {@code --members}
 * on one service instance (the packaged jar, embedded H2), against {@link ProviderMocks} — TLS, HTTP/2, every push
 * answered after {@code --latency-ms} (100) — and, in the same run against the same FCM mock, the Firebase Admin SDK
 * for Java ({@code sendEachAsync}) in its own JVM with its defaults. For each: messages/s over the middle of the run
 * (10 % to 90 % sent), start to finished, and the sender process's CPU-µs a message over that window (the service's
 * includes its database and engine work; the SDK's is sending only). The mocks count each device's pushes: a run
 * checks every member got exactly one. Usage: {@code bench/run providers [--members 100000] [--latency-ms 100]
 * [--workers 4] [--batch 1000] [--concurrency 1000] [--apns-connections N] [--channels fcm,apns,webpush,sdk]
 * [--xmx 1g] [--jfr]}.
 */
public final class ProviderBench {
    private record Result(String what, long members, double rate, double startToFinishedSeconds, double cpuMicros,
                          long accepted, long devices, long repeated, String note) {
    }

    public static void main(String[] args) throws Exception {
        int members = 100_000;
        long latency = 100;
        int workers = 4;
        int batch = 1000;
        int concurrency = 1000;
        int apnsConnections = 0;
        List<String> channels = List.of("fcm", "apns", "webpush", "sdk");
        String xmx = "1g";
        boolean jfr = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--members" -> members = Integer.parseInt(args[++i]);
                case "--latency-ms" -> latency = Long.parseLong(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--apns-connections" -> apnsConnections = Integer.parseInt(args[++i]);
                case "--channels" -> channels = List.of(args[++i].split(","));
                case "--xmx" -> xmx = args[++i];
                case "--jfr" -> jfr = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path work = Path.of("target/bench").toAbsolutePath();
        System.out.printf("machine: %d cores, load average %s at the start%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf("members %,d, latency %d ms, campaign workers %d, batch %d, channel concurrency %d%n",
                members, latency, workers, batch, concurrency);
        List<Result> results = new ArrayList<>();
        try (ProviderMocks mocks = new ProviderMocks(work.resolve("providers"), latency, 2)) {
            if (channels.contains("sdk")) {
                results.add(sdk(mocks, members));
            }
            List<String> service = channels.stream().filter(c -> !c.equals("sdk")).toList();
            if (!service.isEmpty()) {
                try (Service svc = Service.start("providers", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath(),
                        work, "h2", null, null, xmx, jfr, true, List.of(
                                "-Djavax.net.ssl.trustStore=" + mocks.trustStore,
                                "-Djavax.net.ssl.trustStorePassword=" + ProviderMocks.PASSWORD,
                                "-Djavax.net.ssl.trustStoreType=PKCS12",
                                "-Dpush.credentials.key=" + Base64.getEncoder().encodeToString(
                                        java.security.SecureRandom.getInstanceStrong().generateSeed(32))))) {
                    Rest api = new Rest(svc.base());
                    long audience = importMembers(api, mocks, members);
                    for (String kind : service) {
                        configure(api, mocks, kind, concurrency, apnsConnections);
                        ProviderMocks.Provider provider = switch (kind) {
                            case "fcm" -> mocks.fcm;
                            case "apns" -> mocks.apns;
                            default -> mocks.webPush;
                        };
                        results.add(campaign(svc, api, audience, kind, members, workers, batch, provider));
                    }
                }
            }
        }
        if (channels.contains("webpush")) {
            encryptionCost();
        }
        System.out.printf("load average %s at the end%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println();
        System.out.println("| sender | members | messages/s (10–90 %) | start → finished | CPU-µs a message | pushes accepted | devices | repeated |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            System.out.printf("| %s | %,d | %,.0f | %.1f s | %,.0f | %,d | %,d | %d |%s%n", r.what, r.members, r.rate,
                    r.startToFinishedSeconds, r.cpuMicros, r.accepted, r.devices, r.repeated,
                    r.note.isEmpty() ? "" : " " + r.note);
        }
    }

    private static long importMembers(Rest api, ProviderMocks mocks, int members) throws Exception {
        byte[] point = browserKey();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String p256dh = b64.encodeToString(point);
        String auth = b64.encodeToString(new byte[16]);
        String pushOrigin = "https://127.0.0.1:" + mocks.webPush.port + "/push/";
        long t0 = System.nanoTime();
        JsonNode report = api.stream("POST", "/api/members/import", "application/x-ndjson", members, i -> new JsonObject()
                .put("id", "m" + i)
                .put("addresses", new JsonObject().put("fcm", "fcm-" + i).put("apns", String.format("%064x", i))
                        .put("webpush", new JsonObject().put("endpoint", pushOrigin + i)
                                .put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth))))
                .encode());
        System.out.printf("imported %s members in %.1f s (rejected %s)%n", report.path("imported").asText(),
                (System.nanoTime() - t0) / 1e9, report.path("rejectedCount").asText());
        long audience = api.post("/api/audiences", Map.of("name", "providers bench", "workers", 4,
                "source", Map.of("kind", "upload"))).path("id").asLong();
        api.stream("PUT", "/api/audiences/" + audience + "/upload", "text/plain", members, i -> "m" + i);
        api.post("/api/audiences/" + audience + "/start", null);
        RedirectBench.await(api, "/api/audiences/" + audience);
        return audience;
    }

    /**
     * Web Push's per-message cost apart from the network, on one thread of this JVM with the service's library: the
     * aes128gcm body (a new P-256 key pair and ECDH per message, HKDF, AES-GCM), and the library's VAPID header call
     * for distinct push services (the channel asks for one an hour per push service).
     */
    private static void encryptionCost() throws Exception {
        byte[] point = browserKey();
        byte[] auth = new byte[16];
        new java.security.SecureRandom().nextBytes(auth);
        com.interaso.webpush.WebPush webPush = new com.interaso.webpush.WebPush("mailto:bench@example.org",
                com.interaso.webpush.VapidKeys.generate());
        byte[] payload = new JsonObject().put("title", "Bench").put("body", "A benchmark message")
                .put("link", "https://example.org/bench").put("idempotencyKey", "3:m123456").encode()
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 2_000; i++) {
            webPush.getBody(payload, point, auth);
        }
        int n = 5_000;
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            webPush.getBody(payload, point, auth);
        }
        double body = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
        int tokens = 1_000;
        cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < tokens; i++) {
            webPush.getHeadersWithToken("https://push" + i + ".example.org/s", 3600, null, null);
        }
        double vapid = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / tokens;
        System.out.printf("web push encryption, one thread: %.0f CPU-µs a message body (%d-byte payload, %d bodies); "
                + "%.0f CPU-µs a getHeadersWithToken call over %d push services (the library may reuse its tokens)%n",
                body, payload.length, n, vapid, tokens);
    }

    /** A browser's subscription key as the Push API gives it: an uncompressed P-256 point, 65 bytes. */
    private static byte[] browserKey() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        ECPublicKey browser = (ECPublicKey) ec.generateKeyPair().getPublic();
        byte[] point = new byte[65];
        point[0] = 4;
        copy32(browser.getW().getAffineX().toByteArray(), point, 1);
        copy32(browser.getW().getAffineY().toByteArray(), point, 33);
        return point;
    }

    private static void copy32(byte[] unsigned, byte[] into, int at) {
        int from = Math.max(0, unsigned.length - 32);
        int len = unsigned.length - from;
        System.arraycopy(unsigned, from, into, at + 32 - len, len);
    }

    private static void configure(Rest api, ProviderMocks mocks, String kind, int concurrency, int apnsConnections)
            throws Exception {
        Map<String, Object> settings = new HashMap<>();
        Map<String, Object> credentials = new HashMap<>();
        switch (kind) {
            case "fcm" -> {
                KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
                rsa.initialize(2048);
                KeyPair keys = rsa.generateKeyPair();
                credentials.put("serviceAccount", new JsonObject().put("type", "service_account")
                        .put("project_id", "bench-project").put("private_key_id", "k1")
                        .put("private_key", pem("PRIVATE KEY", keys.getPrivate().getEncoded()))
                        .put("client_email", "bench@bench-project.iam.gserviceaccount.com")
                        .put("token_uri", "https://127.0.0.1:" + mocks.fcm.port + "/token").encode());
                settings.put("endpoint", "https://127.0.0.1:" + mocks.fcm.port);
                settings.put("concurrency", concurrency);
            }
            case "apns" -> {
                KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                ec.initialize(new ECGenParameterSpec("secp256r1"));
                credentials.put("signingKey", pem("PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded()));
                settings.putAll(Map.of("topic", "org.example.bench", "host", "127.0.0.1", "port", mocks.apns.port,
                        "teamId", "TEAM123456", "keyId", "KEY1234567", "trustedCertificate", mocks.certificatePem,
                        "concurrency", Math.min(concurrency, 2000)));
                if (apnsConnections > 0) {
                    settings.put("connections", apnsConnections);
                }
            }
            default -> {
                settings.put("subject", "mailto:bench@example.org");
                settings.put("concurrency", concurrency);
            }
        }
        Map<String, Object> channel = new HashMap<>(Map.of("name", "bench-" + kind, "type", kind, "settings", settings));
        if (!credentials.isEmpty()) {
            channel.put("credentials", credentials);
        }
        api.post("/api/channels", channel);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static Result campaign(Service svc, Rest api, long audience, String kind, int members, int workers, int batch,
                                   ProviderMocks.Provider provider) throws Exception {
        provider.reset();
        long campaign = api.post("/api/campaigns", Map.of("name", "providers bench " + kind, "audienceId", audience,
                "channel", "bench-" + kind, "workers", workers, "batchSize", batch, "message", Rest.message())).path("id").asLong();
        long start = System.nanoTime();
        api.post("/api/campaigns/" + campaign + "/start", null);
        long low = members / 10;
        long high = members - low;
        double tLow = Double.NaN;
        double tHigh = Double.NaN;
        double cpuLow = Double.NaN;
        double cpuHigh = Double.NaN;
        long sentLow = 0;
        long sentHigh = 0;
        JsonNode c;
        while (true) {
            c = api.get("/api/campaigns/" + campaign);
            long sent = c.path("progress").path("sent").asLong();
            double now = (System.nanoTime() - start) / 1e9;
            if (Double.isNaN(tLow) && sent >= low) {
                tLow = now;
                cpuLow = RedirectBench.cpuSeconds(svc.pid());
                sentLow = sent;
            }
            if (Double.isNaN(tHigh) && sent >= high) {
                tHigh = now;
                cpuHigh = RedirectBench.cpuSeconds(svc.pid());
                sentHigh = sent;
            }
            String state = c.path("state").asText();
            if (state.equals("finished") || state.equals("stopped") || state.equals("failed")) {
                break;
            }
            if (now > 1800) {
                throw new IllegalStateException(kind + " campaign not finished after 30 minutes: " + c);
            }
            Thread.sleep(100);
        }
        double total = (System.nanoTime() - start) / 1e9;
        JsonNode p = c.path("progress");
        double rate = (sentHigh - sentLow) / (tHigh - tLow);
        double cpu = (cpuHigh - cpuLow) * 1e6 / (sentHigh - sentLow);
        String note = String.format("(service: sent %d, failed %d, state %s)", p.path("sent").asLong(),
                p.path("failed").asLong(), c.path("state").asText());
        System.out.printf("%s campaign: %,.0f messages/s between %,d and %,d sent, %.1f s start → finished, %.0f CPU-µs a message; "
                + "%s; mock accepted %,d pushes for %,d devices, %d repeated%n", kind, rate, sentLow, sentHigh, total, cpu, note,
                provider.accepted.get(), provider.devices.size(), provider.repeated.get());
        return new Result("Push, " + kind + " channel (campaign)", members, rate, total, cpu, provider.accepted.get(),
                provider.devices.size(), provider.repeated.get(), "");
    }

    /** The Firebase Admin SDK in its own JVM, against the same FCM mock; its class path is resolved by bench/run. */
    private static Result sdk(ProviderMocks mocks, int members) throws Exception {
        String classpath = System.getProperty("firebase.classpath");
        if (classpath == null) {
            throw new IllegalStateException("run through bench/run providers, which resolves the Firebase Admin SDK's class path");
        }
        mocks.fcm.reset();
        int warmup = Math.min(5_000, members / 10);
        Process p = new ProcessBuilder("java", "-Xmx1g", "-cp", classpath, "FirebaseSdkBench",
                Integer.toString(mocks.fcm.port), mocks.trustStore.toString(), ProviderMocks.PASSWORD,
                Integer.toString(members), "4", Integer.toString(warmup)).redirectErrorStream(true).start();
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                System.out.println("  sdk> " + line);
                if (line.startsWith("sdk ")) {
                    result = line;
                }
            }
        }
        p.waitFor();
        if (result == null) {
            throw new IllegalStateException("the SDK run printed no result (exit " + p.exitValue() + ")");
        }
        Map<String, String> f = new HashMap<>();
        for (String kv : result.substring(4).split(" ")) {
            String[] pair = kv.split("=");
            f.put(pair[0], pair[1]);
        }
        long accepted = mocks.fcm.accepted.get();
        return new Result("Firebase Admin SDK 9.10.0, sendEachAsync (4 × 500 in flight)", members,
                Double.parseDouble(f.get("rate")), Double.parseDouble(f.get("seconds")),
                Double.parseDouble(f.get("cpuMicrosPerMessage")), accepted, mocks.fcm.devices.size(), mocks.fcm.repeated.get(),
                "(" + f.get("failed") + " failed; " + warmup + " warm-up messages among the accepted)");
    }
}
