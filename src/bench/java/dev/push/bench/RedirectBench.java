package dev.push.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tracked-link redirects per second on one instance (issue 13), not a test: starts the packaged service on the
 * embedded H2 database, runs a tracked log campaign, collects its members' links from the API, then drives
 * {@code GET /c/{token}} with keep-alive connections (a Vert.x client on one event loop, each connection sending its
 * next request when the last is answered) and reports redirects/s and latency percentiles over the measured window.
 * The cost of recording the clicks is read from the service's own timer of its batched writes, next to R (the raw
 * driver's insertMany on the same database). Usage: {@code bench/run redirects [--members N] [--connections C]
 * [--seconds S] [--warmup W] [--xmx 512m] [--jfr]} ({@code --jfr}: a JFR recording of the service,
 * {@code target/bench/redirects.jfr}).
 */
public final class RedirectBench {
    private static final Pattern METRIC = Pattern.compile("^(push_tracking_click_writes_seconds_(?:count|sum)|push_tracking_clicks_written_total)\\S*\\s+([0-9.eE+-]+)", Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        LoadOptions o = LoadOptions.parse(args, 2_000);
        int members = o.members();
        int connections = o.connections();
        int seconds = o.seconds();
        int warmup = o.warmup();
        Path work = Path.of("target/bench");
        try (Service svc = Service.start("redirects", Path.of(o.jar()).toAbsolutePath(), work.toAbsolutePath(), "h2", null,
                null, o.xmx(), o.jfr(), true, o.jvm())) {
            Rest api = new Rest(svc.base());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                ids.add("rb-" + i);
            }
            long audience = api.post("/api/audiences", Map.of("name", "redirects", "source", Map.of("kind", "ids", "ids", ids)))
                    .path("id").asLong();
            api.post("/api/audiences/" + audience + "/start", null);
            await(api, "/api/audiences/" + audience);
            long campaign = api.post("/api/campaigns", Map.of("name", "redirects", "audienceId", audience, "channel", "log",
                    "message", Map.of("title", "t", "link", "https://shop.example/p/{member.id}",
                            "utm", Map.of("source", "push")))).path("id").asLong();
            api.post("/api/campaigns/" + campaign + "/start", null);
            await(api, "/api/campaigns/" + campaign);
            List<String> paths = new ArrayList<>();
            for (String id : ids) {
                String link = api.get("/api/campaigns/" + campaign + "/deliveries/" + id).path("link").asText();
                paths.add(link.substring(link.indexOf("/c/")));
            }
            double[] r = Bench.rawRates(svc.databaseUri);
            System.out.printf("R (raw insertMany on the service's database): %,.0f docs/s%n", r[0]);

            Load load = drive(svc.pid(), svc.httpPort, connections, warmup, seconds, 302, (client, i) ->
                    client.request(HttpMethod.GET, paths.get((int) (i % paths.size())))
                            .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode()))));
            System.out.printf("redirects: %,.0f/s over %d s, %d keep-alive connections; latency p50 %.2f ms, p99 %.2f ms, "
                            + "max %.2f ms; non-302 answers: %d%n", load.rate, seconds, connections, load.p50, load.p99,
                    load.max, load.errors);
            System.out.printf("CPU a redirect over the window: service %.1f µs, load client %.1f µs (%d cores; load average "
                            + "%s at the end)%n", load.serviceCpuMicros, load.clientCpuMicros,
                    Runtime.getRuntime().availableProcessors(), java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());

            long answered = load.total;
            long[] written = {0};
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                written[0] = api.get("/api/campaigns/" + campaign + "/funnel").path("clicks").asLong();
                if (written[0] >= answered) {
                    break;
                }
                Thread.sleep(200);
            }
            Map<String, Double> m = metrics(api);
            double clicks = m.getOrDefault("push_tracking_clicks_written_total", 0.0);
            double writeSeconds = m.getOrDefault("push_tracking_click_writes_seconds_sum", 0.0);
            double flushes = m.getOrDefault("push_tracking_click_writes_seconds_count", 0.0);
            System.out.printf("clicks answered %,d, counted in the funnel %,d; unique clicks %,d of %,d members%n", answered,
                    written[0], api.get("/api/campaigns/" + campaign + "/funnel").path("stages").get(3).path("members").asLong(),
                    members);
            System.out.printf("click recording: %,.0f clicks in %,.0f batched writes taking %.2f s in all: %.1f µs a click, "
                            + "%,.0f clicks/s of write time (%.2f × R)%n", clicks, flushes, writeSeconds,
                    writeSeconds / Math.max(1, clicks) * 1e6, clicks / Math.max(1e-9, writeSeconds),
                    clicks / Math.max(1e-9, writeSeconds) / r[0]);
        }
    }

    record Load(double rate, long total, double p50, double p99, double max, long errors, double serviceCpuMicros,
                double clientCpuMicros) {
    }

    /** CPU seconds (user + system) a process has used so far, from /proc. */
    static double cpuSeconds(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
    }

    /**
     * Keeps {@code connections} requests in flight for {@code warmup} then {@code seconds} seconds, each lane sending its
     * next request ({@code call} with a running number) when the last is answered; answers the measured window's rate
     * of {@code expected} answers and their latencies.
     */
    static Load drive(long servicePid, int port, int connections, int warmup, int seconds, int expected,
                      BiFunction<HttpClient, Long, Future<Integer>> call) throws InterruptedException {
        return drive(servicePid, port, connections, warmup, seconds, expected, call, () -> { }, () -> { });
    }

    /** {@link #drive}, running {@code atStart} and {@code atEnd} (on this thread) as the measured window opens and closes. */
    static Load drive(long servicePid, int port, int connections, int warmup, int seconds, int expected,
                      BiFunction<HttpClient, Long, Future<Integer>> call, Runnable atStart, Runnable atEnd)
            throws InterruptedException {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1")
                .setDefaultPort(port), new PoolOptions().setHttp1MaxSize(connections));
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[] latencies = new long[8_000_000];
        AtomicLong recorded = new AtomicLong();
        CountDownLatch stopped = new CountDownLatch(connections);
        Runnable[] lane = new Runnable[1];
        lane[0] = () -> {
            if (!running.get()) {
                stopped.countDown();
                return;
            }
            long number = next.getAndIncrement();
            long t0 = System.nanoTime();
            call.apply(client, number)
                    .onComplete(ar -> {
                        long took = System.nanoTime() - t0;
                        if (measuring.get()) {
                            if (ar.failed() || ar.result() != expected) {
                                errors.incrementAndGet();
                            } else {
                                long at = recorded.getAndIncrement();
                                if (at < latencies.length) {
                                    latencies[(int) at] = took;
                                }
                            }
                        }
                        lane[0].run();
                    });
        };
        for (int i = 0; i < connections; i++) {
            vertx.runOnContext(v -> lane[0].run());
        }
        Thread.sleep(warmup * 1000L);
        // The window's scrapes (atStart, atEnd) fall outside its CPU readings.
        atStart.run();
        long answeredBefore = next.get();
        double serviceCpu0 = cpuSeconds(servicePid);
        double clientCpu0 = cpuSeconds(ProcessHandle.current().pid());
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double serviceCpu = cpuSeconds(servicePid) - serviceCpu0;
        double clientCpu = cpuSeconds(ProcessHandle.current().pid()) - clientCpu0;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        atEnd.run();
        running.set(false);
        stopped.await(30, TimeUnit.SECONDS);
        long total = next.get();
        client.close();
        vertx.close();
        int n = (int) Math.min(recorded.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        long measured = Math.max(1, recorded.get() + errors.get());
        return new Load(recorded.get() / elapsed, total, pct(sorted, 0.50), pct(sorted, 0.99),
                n == 0 ? 0 : sorted[n - 1] / 1e6, errors.get(), serviceCpu / measured * 1e6, clientCpu / measured * 1e6);
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    static void await(Rest api, String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!"finished".equals(api.get(path).path("state").asText())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(path + " did not finish within 5 minutes");
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, Double> metrics(Rest api) {
        Map<String, Double> out = new java.util.HashMap<>();
        Matcher m = METRIC.matcher(api.text("/q/metrics"));
        while (m.find()) {
            out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }
}
