package dev.push.cluster;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three service processes and one database process on loopback, a webhook sink recording every
 * delivery, and the faults of a real cluster: kill -9, SIGTERM and restart, the database frozen,
 * an instance joining. Every scenario checks the promises (no member twice, counters exact) and
 * writes what it measured to target/reliability/results.md; nothing here asserts a duration.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultIT {
    static final int MEMBERS = 50_000;
    static final int WORKERS = 8;
    static final int BATCH = 100;

    static Path work;
    static DeliverySink sink;
    static ServiceProcess database;
    static final List<ServiceProcess> instances = new ArrayList<>();
    static String mongo;
    static long audience;
    static final StringBuilder results = new StringBuilder();

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createDirectories(Path.of("target", "reliability"));
        Path data = Files.createTempDirectory("push-cluster-db");
        sink = new DeliverySink();
        int dbPort = freePort();
        database = ServiceProcess.database(dbPort, data, work).start().awaitReady(Duration.ofSeconds(30));
        mongo = "mongodb://127.0.0.1:" + dbPort;
        awaitPort(dbPort);
        for (int i = 1; i <= 3; i++) {
            instances.add(newInstance("instance-" + i).start());
        }
        for (ServiceProcess p : instances) {
            p.awaitReady(Duration.ofSeconds(300));
        }
        given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "sink", "type", "webhook", "settings", Map.of("endpoint", sink.url(), "mode", "member", "concurrency", 8)))
                .post("/api/channels").then().statusCode(201);
        StringBuilder ndjson = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ndjson.append("{\"id\":\"c-").append(i).append("\"}\n");
            ids.add("c-" + i);
        }
        given().baseUri(api()).contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        audience = given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "cluster", "source", Map.of("kind", "ids", "ids", ids), "workers", 6))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api()).post("/api/audiences/" + audience + "/start").then().statusCode(200);
        awaitTrue(Duration.ofSeconds(120), () -> "finished".equals(task("audiences", audience).getString("state")));
        results.append("# Fault test results\n\n").append(MEMBERS).append(" members, ").append(WORKERS)
                .append(" workers over 3 instances, sub-batches of ").append(BATCH).append(", webhook channel to a local sink.\n\n");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (ServiceProcess p : instances) {
            if (p.alive()) {
                p.kill();
            }
        }
        if (database != null && database.alive()) {
            database.kill();
        }
        if (sink != null) {
            sink.close();
        }
        Files.writeString(work.resolve("results.md"), results.toString());
    }

    static ServiceProcess newInstance(String name) throws IOException {
        return ServiceProcess.instance(name, freePort(), mongo, work, Map.of());
    }

    /** The API of the first live instance. */
    static String api() {
        return instances.stream().filter(ServiceProcess::alive).findFirst().orElseThrow().base();
    }

    static JsonPath task(String kinds, long id) {
        return given().baseUri(api()).get("/api/" + kinds + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    static long campaign(int qps) {
        long id = given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "fault", "audienceId", audience, "channel", "sink", "workers", WORKERS, "qps", qps,
                        "batchSize", BATCH, "errorBudget", 1_000_000, "message", Map.of("title", "t", "body", "b")))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api()).post("/api/campaigns/" + id + "/start").then().statusCode(200);
        return id;
    }

    static JsonPath awaitFinished(long campaign) {
        awaitTrue(Duration.ofSeconds(240), () -> {
            String state = task("campaigns", campaign).getString("state");
            assertTrue(!"failed".equals(state), "campaign failed: " + task("campaigns", campaign).getString("stateReason"));
            return "finished".equals(state);
        });
        return task("campaigns", campaign);
    }

    /** The promises every scenario keeps, member by member (see {@link #assertEveryMemberAccountedFor}). */
    static Set<String> assertExactlyOnce(long campaign, JsonPath done) {
        return assertEveryMemberAccountedFor(sink, api(), campaign, done, MEMBERS).received();
    }

    record Delivered(Set<String> sent, Set<String> unknown, Set<String> received) {
    }

    /**
     * What docs/reliability.md promises, member by member: nobody received twice; every member
     * counted sent was received; every member received was counted sent or unknown (so no member
     * marked unknown was sent again, and nothing went out unrecorded); the counters match the
     * records and add up to the total.
     */
    static Delivered assertEveryMemberAccountedFor(DeliverySink sink, String api, long campaign, JsonPath done, int members) {
        assertEquals(List.of(), sink.duplicates(campaign), "members received more than once");
        Set<String> received = new HashSet<>();
        sink.of(campaign).forEach(r -> received.add(r.member()));
        Set<String> sent = members(api, campaign, "sent");
        Set<String> unknown = members(api, campaign, "unknown");
        assertEquals(members, done.getLong("progress.total"));
        assertEquals(done.getLong("progress.sent"), sent.size(), "the sent counter matches the sent records");
        assertEquals(done.getLong("progress.unknown"), unknown.size(), "the unknown counter matches the unknown records");
        assertEquals(members, done.getLong("progress.sent") + done.getLong("progress.failed")
                + done.getLong("progress.unknown") + done.getLong("progress.skipped"), "counters add up to the total");
        assertEquals(Set.of(), minus(sent, received), "members counted sent but never received");
        Set<String> sentOrUnknown = new HashSet<>(sent);
        sentOrUnknown.addAll(unknown);
        assertEquals(Set.of(), minus(received, sentOrUnknown), "members received but counted neither sent nor unknown");
        return new Delivered(sent, unknown, received);
    }

    @Test
    @Order(1)
    void killedInstanceIsReplacedAndNothingIsPushedTwice() throws Exception {
        long campaign = campaign(3_000);
        awaitTrue(Duration.ofSeconds(120), () -> sink.of(campaign).size() >= MEMBERS * 4 / 10);
        ServiceProcess victim = busiest();
        int victimWorkers = workersOf(victim);
        long killedAt = System.currentTimeMillis();
        victim.kill();

        JsonPath done = awaitFinished(campaign);

        assertExactlyOnce(campaign, done);
        long unknown = done.getLong("progress.unknown");
        assertTrue(unknown <= (long) BATCH * victimWorkers, "unknown " + unknown + " > one sub-batch per killed worker");
        assertTrue(done.getList("history.to").contains("reboot"), "the task showed reboot");
        double recovery = recoverySeconds(campaign, killedAt);
        results.append("## kill -9 at 40%\n\n- killed instance ran ").append(victimWorkers).append(" workers\n")
                .append("- unknown: ").append(unknown).append(" (bound ").append(BATCH * victimWorkers).append(")\n")
                .append("- duplicates: 0; sent + failed + unknown = ").append(MEMBERS).append("\n")
                .append(String.format("- time from kill until the delivery rate was back to 80%%: %.1f s%n", recovery))
                .append("- history: ").append(done.getList("history.to")).append("\n\n");
        instances.set(instances.indexOf(victim), newInstance(victim.name + "-restarted").start().awaitReady(Duration.ofSeconds(300)));
    }

    @Test
    @Order(2)
    void instancesStoppedGracefullyInTurnLeaveNothingUnknown() throws Exception {
        long campaign = campaign(1_500);
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS / 10);
        List<Double> stops = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            ServiceProcess p = instances.get(i);
            long t0 = System.nanoTime();
            p.terminate(Duration.ofSeconds(30));
            stops.add((System.nanoTime() - t0) / 1e9);
            instances.set(i, newInstance(p.name + "-r").start().awaitReady(Duration.ofSeconds(300)));
            Thread.sleep(2_000);
        }

        JsonPath done = awaitFinished(campaign);

        Set<String> received = assertExactlyOnce(campaign, done);
        assertEquals(0, done.getLong("progress.unknown"), "a graceful stop leaves no member unknown");
        assertEquals(0, done.getLong("progress.failed"), () -> "failures: " + failures(campaign));
        assertEquals(MEMBERS, received.size());
        assertTrue(!done.getList("history.to").contains("reboot"), "a graceful stop is no reboot: " + done.getList("history.to"));
        results.append("## SIGTERM each instance in turn, restarted\n\n- unknown: 0, duplicates: 0, received ")
                .append(received.size()).append("\n- graceful stop times (s): ").append(stops).append("\n\n");
    }

    @Test
    @Order(3)
    void databaseFrozenForFiveSecondsFailsNothing() throws Exception {
        long campaign = campaign(3_000);
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS * 3 / 10);
        database.signal("STOP");
        Thread.sleep(5_000);
        database.signal("CONT");

        JsonPath done = awaitFinished(campaign);

        Set<String> received = assertExactlyOnce(campaign, done);
        assertEquals(0, done.getLong("progress.unknown"), "a freeze leaves no member unknown");
        assertEquals(MEMBERS, received.size());
        assertEquals(List.of("ready", "started", "finished"), done.getList("history.to"), "a freeze is no reboot");
        results.append("## database process stopped (SIGSTOP) for 5 s\n\n- state: finished; unknown: ")
                .append(done.getLong("progress.unknown")).append("; duplicates: 0; received ").append(received.size())
                .append("\n- history: ").append(done.getList("history.to")).append("\n\n");
    }

    @Test
    @Order(4)
    void joiningInstanceTakesItsShare() throws Exception {
        long campaign = campaign(1_500);
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS / 5);
        ServiceProcess fourth = newInstance("instance-4").start().awaitReady(Duration.ofSeconds(300));
        long readyAt = System.nanoTime();
        instances.add(fourth);
        awaitTrue(Duration.ofSeconds(30), () -> workersOf(fourth) >= WORKERS / 4);
        double joined = (System.nanoTime() - readyAt) / 1e9;

        JsonPath done = awaitFinished(campaign);

        assertExactlyOnce(campaign, done);
        results.append("## a fourth instance joins mid-campaign\n\n")
                .append(String.format("- from ready to running its share (%d workers): %.1f s%n", WORKERS / 4, joined))
                .append("- unknown: ").append(done.getLong("progress.unknown")).append(", duplicates: 0\n\n");
    }

    /** The members of a campaign whose delivery record is in {@code state}, read page by page from the API. */
    static Set<String> members(String api, long campaign, String state) {
        Set<String> out = new HashSet<>();
        String after = "";
        do {
            JsonPath page = given().baseUri(api).queryParam("state", state).queryParam("limit", 10_000)
                    .queryParam("after", after).get("/api/campaigns/" + campaign + "/deliveries").then().statusCode(200)
                    .extract().jsonPath();
            out.addAll(page.getList("items.memberId", String.class));
            after = page.getString("next");
        } while (after != null);
        return out;
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }

    /** A few failed deliveries with their reasons, for a failure message. */
    static List<Object> failures(long campaign) {
        return given().baseUri(api()).queryParam("state", "failed").queryParam("limit", 5)
                .get("/api/campaigns/" + campaign + "/deliveries").then().extract().jsonPath().getList("items");
    }

    static ServiceProcess busiest() {
        ServiceProcess best = null;
        for (ServiceProcess p : instances) {
            if (p.alive() && (best == null || workersOf(p) > workersOf(best))) {
                best = p;
            }
        }
        return best;
    }

    /** Live workers an instance runs, as the cluster API shows them. */
    static int workersOf(ServiceProcess p) {
        JsonPath instancesNow = given().baseUri(p.base()).get("/api/instances").then().statusCode(200).extract().jsonPath();
        String id = given().baseUri(p.base()).get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'instance' }.data.instance");
        List<Object> workers = instancesNow.getList("find { it.id == '" + id + "' }.workers");
        return workers == null ? 0 : workers.size();
    }

    /**
     * Seconds from the kill until the delivery rate, in one-second windows, is back to 80% of the
     * rate of the 3 s before the kill after having dropped below it; 0 when it never dropped.
     */
    static double recoverySeconds(long campaign, long killedAt) {
        return recoverySeconds(sink.of(campaign), killedAt);
    }

    static double recoverySeconds(List<DeliverySink.Received> deliveries, long killedAt) {
        List<Long> times = deliveries.stream().map(DeliverySink.Received::atMillis).sorted().toList();
        double before = times.stream().filter(t -> t > killedAt - 3_000 && t <= killedAt).count() / 3.0;
        boolean dropped = false;
        for (long t = killedAt; t < killedAt + 120_000; t += 100) {
            long from = t;
            long n = times.stream().filter(x -> x > from && x <= from + 1_000).count();
            if (!dropped && n < 0.8 * before) {
                dropped = true;
            } else if (dropped && n >= 0.8 * before) {
                return (t + 1_000 - killedAt) / 1000.0;
            }
        }
        return dropped ? Double.NaN : 0;
    }

    static void awaitTrue(Duration within, BooleanSupplier condition) {
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not reached within " + within);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int port) {
        awaitTrue(Duration.ofSeconds(30), () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }
}
