import com.google.api.core.ApiFuture;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.internal.ApacheHttp2Transport;
import com.google.firebase.messaging.BatchResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.Message;
import com.google.firebase.messaging.Notification;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.ssl.SSLContexts;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Firebase Admin SDK for Java sending through {@code FirebaseMessaging.sendEachAsync} (batches of 500, a few in
 * flight), as an app's back end would, with the SDK's defaults (its HTTP/2 transport's pool and stream limits, its
 * thread pool) — only pointed at the bench's FCM mock: fcm.googleapis.com resolves to 127.0.0.1, https goes to the
 * mock's port and its certificate is trusted. Prints one line: messages, seconds, messages/s, CPU-µs a message (this
 * process, measured window only). Args: port trustStore password messages batchesInFlight warmupMessages.
 */
public final class FirebaseSdkBench {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        File trustStore = new File(args[1]);
        char[] password = args[2].toCharArray();
        int messages = Integer.parseInt(args[3]);
        int inFlight = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);

        DnsResolver loopback = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return "fcm.googleapis.com".equals(host) ? new InetAddress[] {InetAddress.getLoopbackAddress()}
                        : SystemDefaultDnsResolver.INSTANCE.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
        // The SDK's own client settings (ApacheHttp2Transport.defaultHttpAsyncClientBuilder), with the mock's
        // certificate trusted, its address for the name and its port for https.
        var connections = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(200)
                .setMaxConnPerRoute(100)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setTimeToLive(-1, TimeUnit.MILLISECONDS).build())
                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.NEGOTIATE).build())
                .setTlsStrategy(ClientTlsStrategyBuilder.create()
                        .setSslContext(SSLContexts.custom().loadTrustMaterial(trustStore, password).build()).build())
                .setDnsResolver(loopback)
                .build();
        var client = ApacheHttp2Transport.defaultHttpAsyncClientBuilder().setConnectionManager(connections)
                .setRoutePlanner(new SystemDefaultRoutePlanner(host -> port, ProxySelector.getDefault()))
                .build();
        FirebaseOptions options = FirebaseOptions.builder()
                .setCredentials(GoogleCredentials.create(new AccessToken("bench", new Date(System.currentTimeMillis() + 3_600_000))))
                .setProjectId("bench-project")
                .setHttpTransport(new ApacheHttp2Transport(client))
                .build();
        FirebaseMessaging fcm = FirebaseMessaging.getInstance(FirebaseApp.initializeApp(options));

        send(fcm, "w", warmup, inFlight);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long failed = send(fcm, "m", messages, inFlight);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.printf("sdk messages=%d failed=%d seconds=%.3f rate=%.1f cpuMicrosPerMessage=%.1f%n",
                messages, failed, seconds, messages / seconds, cpu / 1e3 / messages);
        System.exit(0);
    }

    private static boolean told;

    private static int failures(BatchResponse answer) {
        if (answer.getFailureCount() > 0 && !told) {
            told = true;
            answer.getResponses().stream().filter(r -> !r.isSuccessful()).findFirst()
                    .ifPresent(r -> {
                        for (Throwable t = r.getException(); t != null; t = t.getCause()) {
                            System.out.println("first failure: " + t);
                        }
                    });
        }
        return answer.getFailureCount();
    }

    private static long send(FirebaseMessaging fcm, String prefix, int messages, int inFlight) throws Exception {
        List<ApiFuture<BatchResponse>> pending = new ArrayList<>();
        long failed = 0;
        for (int from = 0; from < messages; from += 500) {
            List<Message> batch = new ArrayList<>(500);
            for (int i = from; i < Math.min(messages, from + 500); i++) {
                batch.add(Message.builder().setToken(prefix + i)
                        .setNotification(Notification.builder().setTitle("Bench").setBody("A benchmark message").build())
                        .putData("link", "https://example.org/bench").build());
            }
            pending.add(fcm.sendEachAsync(batch));
            if (pending.size() >= inFlight) {
                failed += failures(pending.remove(0).get());
            }
        }
        for (ApiFuture<BatchResponse> p : pending) {
            failed += failures(p.get());
        }
        return failed;
    }
}
