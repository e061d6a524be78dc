package dev.push.bench;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Triggered sends on one instance (issue 17), not a test: starts the packaged service on the embedded H2 database and
 * drives {@code POST /api/sends} (one member each, the log channel, a new {@code Idempotency-Key} each) with keep-alive
 * connections — one connection for latency, then {@code --connections} (32) for throughput — first alone, then while a
 * log campaign of {@code --members} (1,000,000) runs on the same instance, a campaign of its own for each phase. The latency is the client's: request to
 * answer, and the answer comes after the channel has the message and the outcome is committed, so it bounds the
 * request-to-handoff time from above; next to it each phase prints the service's own timer of the handoff
 * ({@code push_sends_handoff_seconds}, from the request reaching the REST layer to the channel's answer) for the same
 * window, as the bounds of the histogram bucket its p50 and p99 fall in. Usage: {@code bench/run sends [--members N] [--connections C] [--seconds S]
 * [--warmup W] [--xmx 512m] [--rounds R [--floor]] [--jar PATH] [--jvm OPTION]... [--jfr]}; with {@code --rounds R}, sends alone only: R rounds at
 * {@code --connections} one after the other on the same JVM, then one at 1 connection; {@code --floor} then drives
 * {@code GET /api/me} the same way, the cost of a request without a send. {@code --jar}: another build of
 * the service (an older one kept aside, to compare back to back); {@code --jvm}: a JVM option for the service (e.g.
 * {@code -XX:TieredStopAtLevel=1}), repeatable; {@code --jfr}: a JFR recording of the service,
 * {@code target/bench/sends.jfr}. Each phase prints the CPU time a send cost the service and the bench's own client
 * (both processes share the machine's cores).
 */
public final class SendBench {
    public static void main(String[] args) throws Exception {
        LoadOptions o = LoadOptions.parse(args, 1_000_000);
        int members = o.members();
        int connections = o.connections();
        int seconds = o.seconds();
        int warmup = o.warmup();
        Path work = Path.of("target/bench");
        try (Service svc = Service.start("sends", Path.of(o.jar()).toAbsolutePath(),
                work.toAbsolutePath(), "h2", null, null, o.xmx(), o.jfr(), true, o.jvm())) {
            long ready = System.nanoTime();
            Rest api = new Rest(svc.base());
            String run = Long.toString(System.nanoTime(), 36);
            System.out.printf("machine: %d cores, load average %s at the start; service %s%s%n",
                    Runtime.getRuntime().availableProcessors(), loadAverage(), o.jar(), o.jvm().isEmpty() ? "" : " with " + o.jvm());
            if (o.rounds() > 0) {
                // Sends alone on a JVM warmed for longer: rounds back to back (the first after --warmup, the others after
                // 2 s), then one connection; no campaign. The JIT of a loaded machine takes minutes, not seconds.
                for (int r = 1; r <= o.rounds(); r++) {
                    // How long after start the JIT lets a round reach a rate: the warm-up a restarted instance goes through.
                    long since = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - ready);
                    report("alone, " + connections + " connections, round " + r + " (from " + since
                                    + " s after the service was ready, its warm-up included; load average " + loadAverage() + ")",
                            sends(svc, api, run + "r" + r, connections, r == 1 ? warmup : 2, seconds));
                }
                report("alone, 1 connection, after the rounds", sends(svc, api, run + "one", 1, 2, seconds));
                if (o.floor()) {
                    // The same client, token and connections on a route that reads nothing (GET /api/me, on a worker
                    // thread like a send): what HTTP, authentication and the worker hop cost a request without a send.
                    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", api.authorization());
                    RedirectBench.Load floor = RedirectBench.drive(svc.pid(), svc.httpPort, connections, 2, seconds, 200,
                            (client, i) -> client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/me")
                                    .setHeaders(headers)).compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
                    System.out.printf("floor: GET /api/me, %d connections: %,.0f/s, latency p50 %.2f ms, p99 %.2f ms; non-200 "
                            + "answers: %d; service CPU %.0f µs a request, the bench's client %.0f µs%n", connections, floor.rate(),
                            floor.p50(), floor.p99(), floor.errors(), floor.serviceCpuMicros(), floor.clientCpuMicros());
                }
                System.out.printf("load average %s at the end%n", loadAverage());
                return;
            }
            report("alone, 1 connection", sends(svc, api, run + "a1", 1, warmup, seconds));
            report("alone, " + connections + " connections", sends(svc, api, run + "a32", connections, warmup, seconds));

            long audience = api.post("/api/audiences", Map.of("name", "sends bench", "workers", 4,
                    "source", Map.of("kind", "upload"))).path("id").asLong();
            api.stream("PUT", "/api/audiences/" + audience + "/upload", "text/plain", members, i -> "m" + i);
            api.post("/api/audiences/" + audience + "/start", null);
            RedirectBench.await(api, "/api/audiences/" + audience);
            // A campaign of its own for each phase: one campaign of 1,000,000 ends before the second phase does.
            for (int c : new int[] {1, connections}) {
                long campaign = api.post("/api/campaigns", Map.of("name", "sends bench " + c, "audienceId", audience,
                        "channel", "log", "workers", 4, "message", Map.of("title", "t", "body", "b"))).path("id").asLong();
                api.post("/api/campaigns/" + campaign + "/start", null);
                waitForSent(api, campaign);
                long before = sent(api, campaign);
                long t0 = System.nanoTime();
                Phase load = sends(svc, api, run + "c" + c, c, warmup, seconds);
                double elapsed = (System.nanoTime() - t0) / 1e9;
                long after = sent(api, campaign);
                String state = api.get("/api/campaigns/" + campaign).path("state").asText();
                report("during the " + String.format("%,d", members) + "-member log campaign, " + c + " connection" + (c > 1 ? "s" : ""), load);
                System.out.printf("  the campaign meanwhile: %,d → %,d of %,d sent (%,.0f/s over the %.0f s of warmup and window), %s at the end%s%n",
                        before, after, members, (after - before) / elapsed, elapsed, state,
                        after < members ? "" : " — it ended inside the window: that part of the figure is not during a campaign");
                RedirectBench.await(api, "/api/campaigns/" + campaign);
            }
            System.out.printf("load average %s at the end%n", loadAverage());
        }
    }

    /** A phase's load as the client saw it, and the handoff latency the service timed for the same window. */
    record Phase(RedirectBench.Load load, String handoff) {
    }

    private static Phase sends(Service svc, Rest api, String run, int connections, int warmup, int seconds)
            throws InterruptedException {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", api.authorization())
                .add("Content-Type", "application/json");
        List<NavigableMap<Double, Double>> scrapes = new ArrayList<>();
        RedirectBench.Load load = RedirectBench.drive(svc.pid(), svc.httpPort, connections, warmup, seconds, 202, (client, i) -> {
            RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/sends")
                    .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers).add("Idempotency-Key", run + "-" + i));
            Buffer body = Buffer.buffer("{\"members\":[\"u" + (i % 100_000) + "\"],\"channel\":\"log\","
                    + "\"message\":{\"title\":\"Your code\",\"body\":\"Hello {member.id}\"}}");
            return client.request(o).compose(req -> req.send(body).compose(resp -> resp.body().map(b -> resp.statusCode())));
        }, () -> scrapes.add(handoffBuckets(api)), () -> scrapes.add(handoffBuckets(api)));
        return new Phase(load, "handoff (the service's timer) p50 " + quantile(scrapes.get(0), scrapes.get(1), 0.50)
                + ", p99 " + quantile(scrapes.get(0), scrapes.get(1), 0.99));
    }

    private static final Pattern BUCKET = Pattern.compile("^push_sends_handoff_seconds_bucket\\{le=\"([^\"]+)\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);

    /** The service's handoff histogram ({@code HandoffLatency}): sends timed so far, cumulative, by upper bound in seconds. */
    private static NavigableMap<Double, Double> handoffBuckets(Rest api) {
        NavigableMap<Double, Double> buckets = new TreeMap<>();
        Matcher m = BUCKET.matcher(api.text("/q/metrics"));
        while (m.find()) {
            buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
                    Double.parseDouble(m.group(2)));
        }
        return buckets;
    }

    /** Where quantile {@code q} of the sends timed between two scrapes falls: its bucket's bounds, in ms. */
    static String quantile(NavigableMap<Double, Double> before, NavigableMap<Double, Double> after, double q) {
        if (after.isEmpty()) {
            return "none timed";
        }
        double total = after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
        double lower = 0;
        for (Map.Entry<Double, Double> b : after.entrySet()) {
            if (total > 0 && b.getValue() - before.getOrDefault(b.getKey(), 0.0) >= q * total) {
                return String.format("%.2f–%.2f ms", lower * 1e3, b.getKey() * 1e3);
            }
            lower = b.getKey();
        }
        return "none timed";
    }

    private static void report(String what, Phase phase) {
        RedirectBench.Load l = phase.load();
        System.out.printf("sends %s: %,.0f/s, latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; %s; non-202 answers: %d; "
                + "service CPU %.0f µs a send, the bench's client %.0f µs%n", what, l.rate(), l.p50(), l.p99(), l.max(),
                phase.handoff(), l.errors(), l.serviceCpuMicros(), l.clientCpuMicros());
    }

    private static long sent(Rest api, long campaign) {
        return api.get("/api/campaigns/" + campaign).path("progress").path("sent").asLong();
    }

    private static void waitForSent(Rest api, long campaign) throws InterruptedException {
        while (sent(api, campaign) == 0) {
            Thread.sleep(100);
        }
    }

    private static String loadAverage() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
