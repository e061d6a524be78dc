package dev.push.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.BulkWriteOptions;
import dev.push.channel.webhook.WebhookSink;
import org.bson.Document;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * The benchmark harness (issue 6): starts the built service as a separate process, drives it over
 * its HTTP API the way users do, measures the raw driver on the same database in the same run,
 * prints a table and writes it into {@code docs/benchmarks.md} between its own markers. Not a
 * test: nothing here asserts a speed. Usage: see {@code bench/run --help}.
 */
public final class Bench {
    private static final int RAW_DOCS = 100_000;
    private static final int RAW_BATCH = 1_000;
    private static final int WORKERS = 4;

    private final Options o;
    private final List<Row> rows = new ArrayList<>();
    private final List<Profile.Window> windows = new ArrayList<>();
    private final Map<String, String> profiles = new LinkedHashMap<>();

    private Bench(Options o) {
        this.o = o;
    }

    /**
     * One figure of the table. A rate figure with a factor is judged against that backend's R when
     * the table is drawn (R is only final at the end of the run); other figures carry {@code met},
     * null when they have no target.
     */
    record Row(String backend, String figure, String value, double rate, double factor, String target, Boolean met,
               String note) {
    }

    private final Map<String, Double> ceilings = new LinkedHashMap<>();

    /** Command-line settings; every size is a parameter so a CI run can be small. */
    static final class Options {
        long size = 1_000_000;
        List<String> backends = List.of("h2", "memory");
        String mongo;
        String xmx = "256m";
        String memoryXmx = "4g";
        int history = 50;
        List<Integer> workers = List.of(1, 2, 4);
        boolean big;
        boolean jfr;
        Path out = Path.of("docs/benchmarks.md");
        Path work = Path.of("target/bench");
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        /** JVM options for the service (--jvm, repeatable): e.g. to compare JIT settings back to back. */
        List<String> jvm = new ArrayList<>();
        String command = "";

        static Options parse(String[] args) {
            Options o = new Options();
            o.command = "bench/run " + String.join(" ", args);
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--size" -> o.size = Long.parseLong(args[++i].replace("_", ""));
                    case "--backends" -> o.backends = List.of(args[++i].split(","));
                    case "--mongo" -> o.mongo = args[++i];
                    case "--xmx" -> o.xmx = args[++i];
                    case "--memory-xmx" -> o.memoryXmx = args[++i];
                    case "--history" -> o.history = Integer.parseInt(args[++i]);
                    case "--workers" -> o.workers = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                    case "--big" -> o.big = true;
                    case "--jfr" -> o.jfr = true;
                    case "--out" -> o.out = Path.of(args[++i]);
                    case "--work" -> o.work = Path.of(args[++i]);
                    case "--jar" -> o.jar = Path.of(args[++i]);
                    case "--jvm" -> o.jvm.add(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + a + " (see bench/run --help)");
                }
            }
            return o;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Files.createDirectories(o.work);
        Bench bench = new Bench(o);
        bench.run();
        if (bench.stopped) {
            System.exit(1);
        }
    }

    /** A flow that could not complete: the harness exits non-zero, so CI notices. */
    private boolean stopped;

    private String started;
    private String loadBefore;

    private void run() throws Exception {
        started = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        loadBefore = loadAverage();
        List<String> targets = o.mongo != null ? List.of("mongodb") : o.backends;
        for (String backend : targets) {
            try {
                if (o.big) {
                    bigFlow(backend);
                } else {
                    flow(backend);
                }
            } catch (RuntimeException e) {
                // A phase that cannot finish (the service died, a task failed) is a figure too: the rest of the flow is not run.
                row(backend, "run stopped", "did not complete", "", "", false, e.getMessage().lines().findFirst().orElse(""));
                say("   run stopped: %s", e.getMessage());
                stopped = true;
            }
            // After each backend, so a long run cut short keeps what it measured.
            writeReport(started, loadBefore, loadAverage(), table());
        }
        System.out.println();
        System.out.println(table());
        say("wrote %s", o.out);
    }

    // ---------------------------------------------------------------- the 1,000,000 flow

    private void flow(String backend) throws Exception {
        long n = o.size;
        String xmx = backend.equals("memory") ? o.memoryXmx : o.xmx;
        say("== %s: %,d members, -Xmx%s", backend, n, xmx);
        Service svc = startService(backend, xmx, true, o.jfr);
        boolean completed = false;
        try (WebhookSink sink = WebhookSink.counting()) {
            Rest api = new Rest(svc.base());
            rawCeiling(svc, backend, "first");

            // Members import; each member's webhook address is one of the sink's URLs.
            long t = phaseStart("import");
            JsonNode report = api.stream("POST", "/api/members/import", "application/x-ndjson", n, i -> memberLine(i, sink.url("/hook")));
            double s = phaseEnd("import", t);
            long created = report.path("imported").asLong() + report.path("updated").asLong();
            rate(backend, "members import (NDJSON, " + fmt(n) + " lines)", created, s, 0.8,
                    report.path("rejectedCount").asLong() == 0 ? "" : report.path("rejectedCount").asLong() + " rejected");

            // Audience from an upload with 10% duplicates.
            long dupAudience = uploadAudience(api, backend, "audience from upload (" + fmt(n) + " ids, 10% duplicates)", n,
                    i -> i % 10 == 9 ? memberId(i - 5) : memberId(i), 20);

            // Audience from a query selecting half of the members (age < 40 of 0..79).
            long q = api.post("/api/audiences", Map.of("name", "bench query", "workers", WORKERS,
                    "source", Map.of("kind", "query", "filter", Map.of("age", Map.of("$lt", 40))))).path("id").asLong();
            t = phaseStart("query");
            JsonNode built = runTask(api, "audiences", q);
            s = phaseEnd("query", t);
            rate(backend, "audience from query (selects " + fmt(built.path("progress").path("sent").asLong()) + " of "
                    + fmt(n) + ")", built.path("progress").path("processed").asLong(), s, 5, "rate = members selected / s");

            // Combine two audiences of n/2 overlapping by half.
            long a = uploadAudience(api, backend, null, n / 2, i -> memberId(i), 0);
            long b = uploadAudience(api, backend, null, n / 2, i -> memberId((int) (i + n / 4)), 0);
            for (String op : List.of("intersect", "exclude")) {
                long c = api.post("/api/audiences", Map.of("name", "bench " + op, "workers", WORKERS,
                        "source", Map.of("kind", "combine", "op", op, "audiences", List.of(a, b)))).path("id").asLong();
                t = phaseStart("combine " + op);
                built = runTask(api, "audiences", c);
                s = phaseEnd("combine " + op, t);
                rate(backend, "audience from combine: " + op + " of two " + fmt(n / 2) + " (→ "
                        + fmt(built.path("progress").path("sent").asLong()) + ")",
                        built.path("progress").path("processed").asLong(), s, 20, "rate = source members read / s");
                if (n <= SMALL_CAMPAIGN) {
                    buildTime(backend, built);
                }
            }

            // Campaigns over all n members, log channel.
            long all = uploadAudience(api, backend, "audience from upload (" + fmt(n) + " distinct ids, for the campaigns)",
                    n, Bench::memberId, 20);
            double fourWorkers = 0;
            for (int w : o.workers) {
                double rate = campaign(api, backend, all, n, w, "campaign, log channel, " + w + " worker" + (w == 1 ? "" : "s"));
                if (w == WORKERS) {
                    fourWorkers = rate;
                }
            }
            webhook(api, backend, sink, n, all);

            // History must not slow a new campaign down.
            if (o.history > 0) {
                history(api, n, dupAudience);
                double after = campaign(api, backend, all, n, WORKERS, "campaign, log channel, " + WORKERS + " workers, with "
                        + o.history + " finished campaigns in the database");
                if (fourWorkers > 0) {
                    row(backend, "  history effect (with / without history)", String.format("%.2f", after / fourWorkers), "",
                            "≈ 1", null, "");
                }
            }
            rawCeiling(svc, backend, "again at the end");
            completed = true;
        } finally {
            memory(backend, svc, xmx, completed);
            long stopMs = svc.stop();
            row(backend, "stop (SIGTERM → exit; H2 compacts its file)", stopMs / 1000.0 + " s", "", "", null, "");
        }
        if (!backend.equals("memory") && o.mongo == null) {
            Service again = startService(backend, xmx, false, false);
            row(backend, "start-up with this run's data (process start → ready UP)", again.startupMillis / 1000.0 + " s", "",
                    "≤ 3 s", again.startupMillis <= 3000, "");
            again.stop();
        }
        // Measured apart from the flow, without JFR, on an empty directory: what a new user sees.
        Service empty = startService(backend, xmx, true, false);
        row(backend, "start-up, empty database (process start → ready UP)", empty.startupMillis / 1000.0 + " s", "",
                "≤ 3 s", empty.startupMillis <= 3000, "");
        empty.stop();
        profile(svc);
    }

    // ---------------------------------------------------------------- the 10,000,000 memory case

    private void bigFlow(String backend) throws Exception {
        long n = o.size;
        String xmx = o.xmx;
        say("== %s: memory case, %,d members, -Xmx%s", backend, n, xmx);
        Service svc = startService(backend, xmx, true, o.jfr);
        boolean completed = false;
        try {
            Rest api = new Rest(svc.base());
            rawCeiling(svc, backend, "first");
            long all = uploadAudience(api, backend, "audience from upload (" + fmt(n) + " distinct ids)", n,
                    Bench::memberId, 20);
            campaign(api, backend, all, n, WORKERS, "campaign, log channel, " + WORKERS + " workers");
            completed = true;
        } finally {
            memory(backend, svc, xmx, completed);
            svc.stop();
        }
        profile(svc);
    }

    // ---------------------------------------------------------------- pieces

    private Service startService(String backend, String xmx, boolean fresh, boolean jfr) throws IOException, InterruptedException {
        String label = (o.big ? "big-" : "") + backend;
        Service svc = Service.start(label, o.jar.toAbsolutePath(), o.work.toAbsolutePath(), backend, o.mongo,
                "push_bench_" + System.currentTimeMillis(), xmx, jfr, fresh, o.jvm);
        say("   service pid %d on :%d, database %s, ready in %d ms", svc.pid(), svc.httpPort, svc.databaseUri,
                svc.startupMillis);
        return svc;
    }

    /** R measured on a database: {insertMany docs/s, bulk updateOne docs/s} (see {@link #rawCeiling}). */
    static double[] rawRates(String databaseUri) {
        try (MongoClient client = MongoClients.create(databaseUri)) {
            MongoCollection<Document> coll = client.getDatabase("push_bench_raw").getCollection("raw");
            coll.drop();
            long t0 = System.nanoTime();
            List<Document> batch = new ArrayList<>(RAW_BATCH);
            for (int i = 0; i < RAW_DOCS; i++) {
                batch.add(new Document("_id", i).append("v", "value-" + i).append("n", i));
                if (batch.size() == RAW_BATCH) {
                    coll.insertMany(batch);
                    batch = new ArrayList<>(RAW_BATCH);
                }
            }
            double insert = RAW_DOCS / secondsSince(t0);
            t0 = System.nanoTime();
            List<UpdateOneModel<Document>> updates = new ArrayList<>(RAW_BATCH);
            for (int i = 0; i < RAW_DOCS; i++) {
                updates.add(new UpdateOneModel<>(Filters.eq("_id", i), Updates.set("n", -i)));
                if (updates.size() == RAW_BATCH) {
                    coll.bulkWrite(updates, new BulkWriteOptions().ordered(false));
                    updates = new ArrayList<>(RAW_BATCH);
                }
            }
            double update = RAW_DOCS / secondsSince(t0);
            coll.drop();
            return new double[]{insert, update};
        }
    }

    /**
     * The ceiling R: the raw driver on the service's own database, insertMany of small documents in
     * batches of 1,000, then bulk updateOne by _id; recorded as rows.
     */
    private void rawCeiling(Service svc, String backend, String when) {
        double[] rates = rawRates(svc.databaseUri);
        double insert = rates[0];
        double update = rates[1];
        say("   raw driver (%s): insertMany %,.0f docs/s, bulk updateOne %,.0f docs/s", when, insert, update);
        ceilings.merge(backend, insert, Math::max);
        row(backend, "R: raw driver insertMany, " + fmt(RAW_DOCS) + " docs (" + when + ")", per(insert), "", "", null,
                "batches of " + fmt(RAW_BATCH));
        row(backend, "raw driver bulk updateOne by _id (" + when + ")", per(update), "", "", null, "");
    }

    /** Creates an upload audience, uploads its ids and builds it; records the figure when named. */
    private long uploadAudience(Rest api, String backend, String figure, long lines, IntFunction<String> id,
                                double factor) {
        long a = api.post("/api/audiences", Map.of("name", "bench upload", "workers", WORKERS,
                "source", Map.of("kind", "upload"))).path("id").asLong();
        String phase = figure == null ? "upload (source)" : "upload";
        long t = phaseStart(phase);
        api.stream("PUT", "/api/audiences/" + a + "/upload", "text/plain", lines, id);
        double uploaded = secondsSince(t);
        JsonNode done = runTask(api, "audiences", a);
        double s = phaseEnd(phase, t);
        if (figure != null) {
            rate(backend, figure, lines, s, factor, String.format("upload %.1f s + build %.1f s", uploaded, s - uploaded));
            if (lines <= SMALL_CAMPAIGN) {
                buildTime(backend, done);
            }
        }
        return a;
    }

    /** A small build's start → finished by the service's own timestamps, not the harness's polls (every 10–100 ms). */
    private void buildTime(String backend, JsonNode done) {
        row(backend, "  build start → finished by the service's clock (startedAt → finishedAt)",
                (millisOf(done.path("finishedAt")) - millisOf(done.path("startedAt"))) + " ms", "", "", null, "");
    }

    private double campaign(Rest api, String backend, long audience, long n, int workers, String figure) {
        long c = api.post("/api/campaigns", Map.of("name", "bench " + workers, "audienceId", audience, "channel", "log",
                "workers", workers, "message", Rest.message())).path("id").asLong();
        String phase = "campaign " + workers + "w" + (figure.contains("history") ? " history" : "");
        long t = phaseStart(phase);
        JsonNode done = runTask(api, "campaigns", c);
        double s = phaseEnd(phase, t);
        long sent = done.path("progress").path("sent").asLong();
        rate(backend, figure, sent, s, 5, sent == n ? "end to end: start → finished" : "sent " + fmt(sent) + " of " + fmt(n));
        if (n <= SMALL_CAMPAIGN) {
            // The harness polls every 10-100 ms; the service's own timestamps say it to the millisecond.
            long ms = millisOf(done.path("finishedAt")) - millisOf(done.path("startedAt"));
            row(backend, "  start → finished by the service's clock (startedAt → finishedAt)", ms + " ms", "",
                    n == SMALL_CAMPAIGN ? "≤ 300 ms" : "", n == SMALL_CAMPAIGN ? ms <= 300 : null, "");
        }
        return sent / s;
    }

    /** The size of issue 17's small campaign; at most this size a campaign's start → finished is shown in ms. */
    static final long SMALL_CAMPAIGN = 1_000;

    private static long millisOf(JsonNode date) {
        return date.isNumber() ? date.asLong() : java.time.OffsetDateTime.parse(date.asText()).toInstant().toEpochMilli();
    }

    static final long WEBHOOK_MEMBERS = 50_000;

    /**
     * The webhook channel against a local sink, next to a bare HTTP client (the JDK's, as many
     * requests in flight as the channel's concurrency) posting the same number of requests to the
     * same sink in the same run.
     */
    private void webhook(Rest api, String backend, WebhookSink sink, long n, long allMembers) throws Exception {
        int concurrency = 32;
        long m = Math.min(n, WEBHOOK_MEMBERS);
        long bareStart = System.nanoTime();
        bareClient(sink.url("/hook"), m, concurrency);
        double bare = m / secondsSince(bareStart);
        say("   bare JDK HttpClient to the sink: %,.0f requests/s", bare);

        // One request per member, to the member's own address (looked up in the members collection).
        api.post("/api/channels", Map.of("name", "bench-member-" + backend, "type", "webhook",
                "settings", Map.of("mode", "member", "concurrency", concurrency)));
        long audience = uploadAudience(api, backend, null, m, Bench::memberId, 0);
        long start = sink.count();
        double rate = webhookCampaign(api, audience, "bench-member-" + backend, "campaign webhook", 200);
        long received = sink.count() - start;
        rate(backend, "campaign, webhook per member to its looked-up address, " + WORKERS + " workers (" + fmt(m)
                        + " members)", m, m / rate, 1, String.format("one request per member; bare JDK client to the same sink: "
                        + "%,.0f/s; webhook/bare = %.2f (target ≥ 0.5)", bare, rate / bare));

        // The same lookups, the messages of a sub-batch that share an address in one request.
        api.post("/api/channels", Map.of("name", "bench-batch-" + backend, "type", "webhook",
                "settings", Map.of("mode", "batch", "concurrency", concurrency)));
        long before = sink.count();
        rate = webhookCampaign(api, allMembers, "bench-batch-" + backend, "campaign webhook batch", 1000);
        rate(backend, "campaign, webhook in batch mode to looked-up addresses, " + WORKERS + " workers, sub-batches of 1,000 ("
                        + fmt(n) + " members)", n, n / rate, 1, String.format("%,d requests to %d addresses (member mode: %,d)",
                        sink.count() - before, HOOK_ADDRESSES, received));
    }

    /** Posts n small JSON bodies to {@code url}, {@code concurrency} in flight, and waits for every answer. */
    private static void bareClient(String url, long n, int concurrency) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(concurrency);
        for (long i = 0; i < n; i++) {
            inFlight.acquire();
            String body = "{\"campaign\":0,\"member\":\"m" + i + "\",\"title\":\"Hello\",\"body\":\"A promotion\"}";
            client.sendAsync(HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> inFlight.release());
        }
        inFlight.acquire(concurrency);
    }

    private double webhookCampaign(Rest api, long audience, String channel, String phase, int batchSize) {
        long c = api.post("/api/campaigns", Map.of("name", phase, "audienceId", audience, "channel", channel,
                "workers", WORKERS, "batchSize", batchSize, "message", Rest.message())).path("id").asLong();
        long t = phaseStart(phase);
        JsonNode done = runTask(api, "campaigns", c);
        double s = phaseEnd(phase, t);
        long sent = done.path("progress").path("sent").asLong();
        if (sent != done.path("progress").path("processed").asLong()) {
            throw new IllegalStateException(phase + ": only " + sent + " of " + done.path("progress").path("processed").asLong()
                    + " sent");
        }
        return sent / s;
    }

    /** Leaves {@code o.history} finished campaigns (over a smaller audience) in the database. */
    private void history(Rest api, long n, long anyAudience) {
        long size = Math.max(1_000, Math.min(20_000, n / 50));
        long h = uploadAudience(api, "", null, size, Bench::memberId, 0);
        List<Long> ids = new ArrayList<>();
        long t = System.nanoTime();
        for (int i = 0; i < o.history; i++) {
            long c = api.post("/api/campaigns", Map.of("name", "history " + i, "audienceId", h, "channel", "log",
                    "workers", 1, "message", Rest.message())).path("id").asLong();
            api.post("/api/campaigns/" + c + "/start", null);
            ids.add(c);
        }
        for (long c : ids) {
            awaitFinished(api, "campaigns", c);
        }
        say("   %d history campaigns over %,d members finished in %.1f s", o.history, size, secondsSince(t));
    }

    private JsonNode runTask(Rest api, String kinds, long id) {
        api.post("/api/" + kinds + "/" + id + "/start", null);
        return awaitFinished(api, kinds, id);
    }

    private JsonNode awaitFinished(Rest api, String kinds, long id) {
        // Generous (the slowest phase here runs at thousands of members a second), but finite: a
        // task that stops moving ends the run with a "did not complete" row and a failing exit code.
        return api.awaitFinished(kinds, id, Duration.ofSeconds(600 + o.size / 1_000), Bench::pollMillis);
    }

    /**
     * How long to wait before asking again, {@code elapsed} ms after the start: a fiftieth of it, from 10 ms (a
     * phase of half a second is not rounded up by a poll's 100 ms) to 100 ms (long phases are not slowed by polls).
     */
    static long pollMillis(long elapsed) {
        return Math.max(10, Math.min(100, elapsed / 50));
    }

    private void memory(String backend, Service svc, String xmx, boolean completed) {
        boolean alive = svc.alive();
        long rss = svc.peakRssMib();
        long heap = svc.peakHeapMib();
        row(backend, "memory: whole flow with -Xmx" + xmx + " completes", completed && alive ? "yes" : "no", "",
                "completes", completed && alive, alive ? "" : "the service process died; see " + svc.log);
        row(backend, "  peak heap before a GC (GC log)", heap < 0 ? "?" : heap + " MiB", "", "", null, "");
        row(backend, "  peak RSS (VmHWM)", rss < 0 ? "?" : rss + " MiB", "", "", null, "");
    }

    private void profile(Service svc) throws IOException {
        if (svc.jfr == null || !Files.exists(svc.jfr)) {
            return;
        }
        for (Map.Entry<String, String> p : Profile.summarise(svc.jfr, windows).entrySet()) {
            profiles.put(svc.label + ": " + p.getKey(), p.getValue());
        }
        windows.clear();
    }

    // ---------------------------------------------------------------- figures and report

    private void rate(String backend, String figure, long items, double seconds, double factor, String note) {
        double rate = items / seconds;
        say("   %-70s %,12.0f /s  (%,d in %.1f s)", figure, rate, items, seconds);
        String value = per(rate) + " (" + fmt(items) + " in " + String.format("%.1f", seconds) + " s)";
        rows.add(new Row(backend, figure, value, rate, factor, factor > 0 ? "≥ " + trim(factor) + " × R" : "", null, note));
        progress();
    }

    private void row(String backend, String figure, String value, String ratio, String target, Boolean met, String note) {
        rows.add(new Row(backend, figure, value, 0, 0, target, met, note));
        progress();
    }

    /** Rewrites the report after every figure, so a long run cut short keeps what it measured. */
    private void progress() {
        try {
            writeReport(started, loadBefore, loadAverage() + " (run in progress)", table());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String table() {
        StringBuilder b = new StringBuilder();
        b.append("| backend | figure | value | ratio | target | met? | note |\n|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Double ceiling = ceilings.get(r.backend());
            String ratio = "";
            Boolean met = r.met();
            if (r.rate() > 0 && ceiling != null) {
                ratio = String.format("%.2f × R", r.rate() / ceiling);
                if (r.factor() > 0) {
                    met = r.rate() >= r.factor() * ceiling;
                }
            }
            b.append("| ").append(r.backend()).append(" | ").append(r.figure()).append(" | ").append(r.value()).append(" | ")
                    .append(ratio).append(" | ").append(r.target()).append(" | ")
                    .append(met == null ? "" : met ? "met" : "**not met**").append(" | ").append(r.note()).append(" |\n");
        }
        return b.toString();
    }

    private void writeReport(String started, String loadBefore, String loadAfter, String table) throws IOException {
        String section = o.big ? "big" : "main";
        StringBuilder b = new StringBuilder();
        b.append("<!-- bench:").append(section).append(":start -->\n");
        b.append(o.big ? "## Memory case: " : "## Run: ").append(fmt(o.size)).append(" members\n\n");
        b.append("- command: `").append(o.command.strip()).append("`\n");
        b.append("- date: ").append(started).append(" (UTC); commit ").append(sh("git", "rev-parse", "--short", "HEAD")).append('\n');
        b.append("- machine: ").append(sh("nproc")).append(" cores; ").append(memory()).append("; ")
                .append("the service on ").append(sh(Service.JAVA, "-version").lines().findFirst().orElse("?")).append('\n');
        b.append("- load average (1, 5, 15 min) before: ").append(loadBefore).append(", after: ").append(loadAfter)
                .append(" (other builds share this machine: compare ratios within one run)\n");
        b.append("- database: ").append(o.mongo != null ? "MongoDB at the given connection string"
                : "embedded mongo-java-server, backends " + String.join(", ", o.backends)).append('\n');
        b.append("- R = the raw driver's insertMany rate on the same database in this run, the larger of its two measurements\n\n");
        b.append(table).append('\n');
        for (Map.Entry<String, String> p : profiles.entrySet()) {
            b.append("### Profile: ").append(p.getKey()).append("\n\n").append(p.getValue());
        }
        b.append("<!-- bench:").append(section).append(":end -->\n");
        String doc = Files.exists(o.out) ? Files.readString(o.out) : "# Benchmarks\n\n";
        String start = "<!-- bench:" + section + ":start -->";
        String end = "<!-- bench:" + section + ":end -->\n";
        int i = doc.indexOf(start);
        int j = doc.indexOf(end);
        if (i >= 0 && j > i) {
            doc = doc.substring(0, i) + b + doc.substring(j + end.length());
        } else {
            doc = doc + (doc.endsWith("\n\n") ? "" : "\n") + b;
        }
        Files.createDirectories(o.out.toAbsolutePath().getParent());
        Files.writeString(o.out, doc, StandardCharsets.UTF_8);

    }

    private long phaseStart(String name) {
        return System.nanoTime();
    }

    private double phaseEnd(String name, long t0) {
        double s = secondsSince(t0);
        Instant end = Instant.now();
        windows.add(new Profile.Window(name, end.minusNanos((long) (s * 1e9)), end));
        return s;
    }

    static String memberId(int i) {
        return "m" + i;
    }

    /** Members' webhook addresses: this many URLs of the sink, as an integration would have one per app or region. */
    static final int HOOK_ADDRESSES = 16;

    static String memberLine(int i, String hook) {
        return "{\"id\":\"m" + i + "\",\"attributes\":{\"age\":" + (i % 80) + ",\"country\":\"" + (i % 2 == 0 ? "FR" : "DE")
                + "\"},\"addresses\":{\"webhook\":\"" + hook + "/g" + (i % HOOK_ADDRESSES) + "\"}}";
    }

    private static String memory() {
        String free = sh("free", "-m");
        return free.lines().filter(l -> l.startsWith("Mem:")).findFirst()
                .map(l -> l.trim().split("\\s+")).map(f -> f[1] + " MiB memory, " + f[6] + " MiB available").orElse("?");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String sh(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String fmt(long n) {
        return String.format("%,d", n);
    }

    private static String per(double rate) {
        return String.format("%,.0f/s", rate);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
