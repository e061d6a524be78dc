package dev.push.cluster;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.push.cluster.ClusterFaultIT.awaitPort;
import static dev.push.cluster.ClusterFaultIT.awaitTrue;
import static dev.push.cluster.ClusterFaultIT.freePort;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two service instances whose wall clocks are 10 s apart (one shifted by +5 s, the other by
 * -5 s, {@code push.clock.offset}), one database process, a webhook sink: a campaign runs through
 * the skew, through the database frozen (SIGSTOP) for longer than the lease, and through kill -9
 * of one instance. Durations are written to target/reliability/two-instances.md, never asserted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstanceFaultIT {
    static final int MEMBERS = 40_000;
    static final int WORKERS = 8;
    static final int BATCH = 100;
    static final int QPS = 2_000;
    static final long HEARTBEAT_TIMEOUT_MS = 3_000;
    static final long TICK_MS = 1_000;

    static Path work;
    static DeliverySink sink;
    static ServiceProcess database;
    static final List<ServiceProcess> instances = new ArrayList<>();
    static MongoClient mongo;
    static long audience;
    static final StringBuilder results = new StringBuilder();

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createDirectories(Path.of("target", "reliability"));
        sink = new DeliverySink();
        int dbPort = freePort();
        database = ServiceProcess.database(dbPort, Files.createTempDirectory("push-pair-db"), work).start()
                .awaitReady(Duration.ofSeconds(30));
        awaitPort(dbPort);
        String uri = "mongodb://127.0.0.1:" + dbPort;
        mongo = MongoClients.create(uri);
        instances.add(ServiceProcess.instance("pair-ahead", freePort(), uri, work, Map.of("push.clock.offset", "PT5S")).start());
        instances.add(ServiceProcess.instance("pair-behind", freePort(), uri, work, Map.of("push.clock.offset", "PT-5S")).start());
        for (ServiceProcess p : instances) {
            p.awaitReady(Duration.ofSeconds(300));
        }
        given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "sink", "type", "webhook", "settings", Map.of("endpoint", sink.url(), "mode", "member", "concurrency", 8)))
                .post("/api/channels").then().statusCode(201);
        StringBuilder ndjson = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ndjson.append("{\"id\":\"p-").append(i).append("\"}\n");
            ids.add("p-" + i);
        }
        given().baseUri(api()).contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        audience = given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "pair", "source", Map.of("kind", "ids", "ids", ids), "workers", 4))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api()).post("/api/audiences/" + audience + "/start").then().statusCode(200);
        awaitTrue(Duration.ofSeconds(600), () -> "finished".equals(task("audiences", audience).getString("state")));
        results.append("# Two instances, clocks 10 s apart\n\n").append(MEMBERS).append(" members, ").append(WORKERS)
                .append(" workers, qps ").append(QPS).append(", sub-batches of ").append(BATCH)
                .append(", webhook channel to a local sink; instance clocks shifted by +5 s and -5 s.\n\n");
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
        if (mongo != null) {
            mongo.close();
        }
        if (sink != null) {
            sink.close();
        }
        Files.writeString(work.resolve("two-instances.md"), results.toString());
    }

    @Test
    @Order(1)
    void clocksTenSecondsApartNeitherRebootNorTakeOver() {
        long campaign = campaign();
        awaitTrue(Duration.ofSeconds(30), () -> workersByInstance(campaign).size() == 2);

        JsonPath done = awaitFinished(campaign);

        ClusterFaultIT.Delivered d = assertEveryMemberAccountedFor(campaign, done);
        assertEquals(0, done.getLong("progress.unknown"));
        assertEquals(MEMBERS, d.sent().size());
        assertEquals(List.of("ready", "started", "finished"), done.getList("history.to"), "no reboot");
        assertEquals(List.of(), takenOver(campaign), "no lease was taken over");
        results.append("## clock skew\n\n- finished: unknown 0, duplicates 0, received ").append(d.received().size())
                .append("; history ").append(done.getList("history.to")).append("; units taken over: 0\n\n");
    }

    @Test
    @Order(2)
    void databaseFrozenLongerThanTheLeaseLosesNothingAndRestartsNothing() throws Exception {
        long campaign = campaign();
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS / 5);
        Map<String, Long> pids = new HashMap<>();
        instances.forEach(p -> pids.put(p.name, p.pid()));
        List<Integer> liveness = new ArrayList<>();
        database.signal("STOP");
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
            for (ServiceProcess p : instances) {
                liveness.add(status(p.base() + "/q/health/live"));
            }
            Thread.sleep(500);
        }
        database.signal("CONT");

        JsonPath done = awaitFinished(campaign);

        assertEveryMemberAccountedFor(campaign, done);
        assertEquals(0, done.getLong("progress.unknown"));
        assertEquals(List.of("ready", "started", "finished"), done.getList("history.to"), "no reboot");
        assertEquals(List.of(), takenOver(campaign), "no lease was taken over");
        assertTrue(liveness.stream().allMatch(s -> s == 200), "liveness stayed up during the freeze: " + liveness);
        for (ServiceProcess p : instances) {
            assertTrue(p.alive(), p.name + " is running");
            assertEquals(pids.get(p.name), p.pid(), p.name + " was not restarted");
        }
        results.append("## database process stopped (SIGSTOP) for 15 s (lease 10 s)\n\n- finished: unknown 0, duplicates 0; history ")
                .append(done.getList("history.to")).append("; units taken over: 0; liveness answers during the freeze: ")
                .append(liveness.size()).append(", all 200\n\n");
    }

    @Test
    @Order(3)
    void killedInstancesUnitsMoveAgainOnceItIsFoundDead() throws Exception {
        long campaign = campaign();
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS * 4 / 10);
        ServiceProcess victim = instances.get(0);
        String victimId = instanceId(victim);
        Map<Integer, Long> held = unitsHeldBy(campaign, victimId);
        int victimWorkers = workersByInstance(campaign).getOrDefault(victimId, 0);
        long killedAt = System.currentTimeMillis();
        victim.kill();
        long moving = awaitUnitsMovingAgain(campaign, held) - killedAt;

        JsonPath done = awaitFinished(campaign);

        ClusterFaultIT.Delivered d = assertEveryMemberAccountedFor(campaign, done);
        long unknown = done.getLong("progress.unknown");
        assertTrue(unknown <= (long) BATCH * victimWorkers, "unknown " + unknown + " > one sub-batch per killed worker");
        assertTrue(done.getList("history.to").contains("reboot"), "the task showed reboot");
        double recovery = ClusterFaultIT.recoverySeconds(sink.of(campaign), killedAt);
        results.append("## kill -9 of one of the two instances at 40%\n\n- killed instance ran ").append(victimWorkers)
                .append(" workers holding units ").append(held.keySet()).append("\n- unknown: ").append(unknown)
                .append(" (bound ").append(BATCH * victimWorkers).append("); duplicates 0; received ")
                .append(d.received().size()).append("\n")
                .append(String.format("- every unit the killed workers held moving again (new owner, counters advanced): %.1f s after the kill%n", moving / 1000.0))
                .append(String.format("- delivery rate back to 80%% of its pre-kill level: %.1f s after the kill (target: heartbeat timeout + 1 tick = %.1f s)%n",
                        recovery, (HEARTBEAT_TIMEOUT_MS + TICK_MS) / 1000.0))
                .append("- history: ").append(done.getList("history.to")).append("\n\n");
    }

    static ClusterFaultIT.Delivered assertEveryMemberAccountedFor(long campaign, JsonPath done) {
        return ClusterFaultIT.assertEveryMemberAccountedFor(sink, api(), campaign, done, MEMBERS);
    }

    static long campaign() {
        long id = given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "pair", "audienceId", audience, "channel", "sink", "workers", WORKERS, "qps", QPS,
                        "batchSize", BATCH, "errorBudget", 1_000_000, "message", Map.of("title", "t", "body", "b")))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api()).post("/api/campaigns/" + id + "/start").then().statusCode(200);
        return id;
    }

    static JsonPath awaitFinished(long campaign) {
        awaitTrue(Duration.ofSeconds(240), () -> {
            String state = task("campaigns", campaign).getString("state");
            assertFalse("failed".equals(state), "campaign failed");
            return "finished".equals(state);
        });
        return task("campaigns", campaign);
    }

    static String api() {
        return instances.stream().filter(ServiceProcess::alive).findFirst().orElseThrow().base();
    }

    static JsonPath task(String kinds, long id) {
        return given().baseUri(api()).get("/api/" + kinds + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    static MongoCollection<Document> collection(String name) {
        return mongo.getDatabase("push").getCollection(name);
    }

    /** Units of the campaign's run leased from another worker (a take-over), as "unit: previous owner". */
    static List<String> takenOver(long campaign) {
        List<String> out = new ArrayList<>();
        for (Document u : collection("task_shards").find(Filters.eq("_id.t", campaign))) {
            if (u.get("previousOwner") != null) {
                out.add(u.get("_id", Document.class).getInteger("s") + ": " + u.get("previousOwner"));
            }
        }
        return out;
    }

    /** The campaign's worker slots held now, counted by instance. */
    static Map<String, Integer> workersByInstance(long campaign) {
        Map<String, Integer> out = new HashMap<>();
        for (Document s : collection("workers").find(Filters.eq("task", campaign))) {
            out.merge(s.getString("instance"), 1, Integer::sum);
        }
        return out;
    }

    /** Units the instance's workers hold now, with how many members each had processed. */
    static Map<Integer, Long> unitsHeldBy(long campaign, String instanceId) {
        Map<Integer, Long> out = new HashMap<>();
        for (Document u : collection("task_shards").find(Filters.eq("_id.t", campaign))) {
            Object owner = u.get("owner");
            if (owner != null && owner.toString().startsWith(instanceId + "/") && !u.getBoolean("done", false)) {
                out.put(u.get("_id", Document.class).getInteger("s"), processed(u));
            }
        }
        return out;
    }

    /** Waits until every unit in {@code held} has another owner and has processed more (or is done); answers when. */
    static long awaitUnitsMovingAgain(long campaign, Map<Integer, Long> held) {
        Set<Integer> waiting = new HashSet<>(held.keySet());
        awaitTrue(Duration.ofSeconds(60), () -> {
            for (Document u : collection("task_shards").find(Filters.eq("_id.t", campaign))) {
                int s = u.get("_id", Document.class).getInteger("s");
                if (waiting.contains(s) && (u.getBoolean("done", false) || processed(u) > held.get(s))) {
                    waiting.remove(s);
                }
            }
            return waiting.isEmpty();
        });
        return System.currentTimeMillis();
    }

    static long processed(Document unit) {
        Document counts = unit.get("counts", Document.class);
        Object n = counts == null ? null : counts.get("processed");
        return n == null ? 0 : ((Number) n).longValue();
    }

    static String instanceId(ServiceProcess p) {
        return given().baseUri(p.base()).get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'instance' }.data.instance");
    }

    static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
