package dev.push.cluster;

import com.mongodb.client.MongoCollection;
import dev.push.engine.WorkerThreads;
import com.mongodb.client.model.Filters;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One database and three service processes on loopback — two of them with wall clocks 10 s apart (+5 s and -5 s,
 * {@code push.clock.offset}) — a webhook sink recording every delivery, and the faults of a real cluster, one
 * scenario after the other on the same cluster: clock skew, the database frozen (SIGSTOP) for longer than a lease,
 * kill -9 of an instance mid-campaign and mid-query-build, SIGTERM of every instance in turn, an instance joining,
 * and console sessions across instances. Every campaign scenario checks the promises member by member (nobody twice,
 * every member accounted for, counters exact). Durations are written to target/reliability/results.md, never
 * asserted. The database is the packaged service's {@code --database-only} process, or the MongoDB that
 * {@code PUSH_TEST_MONGODB} names ({@link TestDatabase}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultIT {
    /**
     * What the scenarios prove is per member and does not grow with their number; the paces below keep each campaign
     * running as long as 40,000 members did before (20,000 halves the import, the sends and the member-by-member reads).
     */
    static final int MEMBERS = 20_000;
    static final int MATCHING = MEMBERS / 2;
    static final int WORKERS = 8;
    static final int BATCH = 100;
    static final long HEARTBEAT_TIMEOUT_MS = 3_000;
    static final long TICK_MS = 1_000;
    static final Duration READY = Duration.ofMinutes(5);
    /** Query scans read batches of 500 ids, several between two checkpoints (the query build scenario). */
    static final Map<String, String> SETTINGS = Map.of("push.audience.scan-batch", "500");

    static Path work;
    static DeliverySink sink;
    static TestDatabase database;
    static final List<ServiceProcess> instances = new ArrayList<>();
    static long audience;
    static Set<String> matching;
    static final StringBuilder results = new StringBuilder();

    @BeforeAll
    static void startCluster() throws Exception {
        work = Files.createDirectories(Path.of("target", "reliability"));
        sink = new DeliverySink();
        database = TestDatabase.start("cluster", work);
        instances.add(newInstance("ahead", "PT5S"));
        instances.add(newInstance("behind", "PT-5S"));
        instances.add(newInstance("level", "PT0S"));
        for (ServiceProcess p : instances) {
            p.awaitReady(READY);
        }
        sink.addAsChannel(api(), 8);
        StringBuilder ndjson = new StringBuilder();
        List<String> ids = new ArrayList<>();
        matching = new HashSet<>();
        for (int i = 0; i < MEMBERS; i++) {
            ndjson.append("{\"id\":\"c-").append(i).append("\",\"attributes\":{\"even\":").append(i % 2 == 0).append("}}\n");
            ids.add("c-" + i);
            if (i % 2 == 0) {
                matching.add("c-" + i);
            }
        }
        given().baseUri(api()).contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        audience = given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "cluster", "source", Map.of("kind", "ids", "ids", ids), "workers", 4))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api()).post("/api/audiences/" + audience + "/start").then().statusCode(200);
        awaitTrue(Duration.ofSeconds(300), () -> "finished".equals(task("audiences", audience).getString("state")));
        results.append("# Fault test results\n\n").append(MEMBERS).append(" members, ").append(WORKERS)
                .append(" workers over 3 instances (clocks +5 s, -5 s and unshifted), sub-batches of ").append(BATCH)
                .append(", webhook channel to a local sink.\n\n");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        ServiceProcess.killAll(instances, database, sink);
        Files.writeString(work.resolve("results.md"), results.toString());
    }

    static ServiceProcess newInstance(String name, String clockOffset) throws IOException {
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put("push.clock.offset", clockOffset);
        return ServiceProcess.instance(name, freePort(), database, work, settings).start();
    }

    /** The API of the first instance serving (alive and ready, not one restarting). */
    static String api() {
        return instances.stream().filter(ServiceProcess::serving).findFirst().orElseThrow().base();
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

    /**
     * Lifts a running task's pacing (qps takes effect while running): once a scenario's fault is over, the pace that
     * kept the task running through it only makes the test wait.
     */
    static void unpace(String kinds, long id) {
        given().baseUri(api()).contentType(ContentType.JSON).body(Map.of("qps", 0)).patch("/api/" + kinds + "/" + id)
                .then().statusCode(200);
    }

    /**
     * The states a task went through, in order: its history without the entries that keep the state (an edit, such
     * as {@link #unpace}).
     */
    static List<String> states(JsonPath task) {
        return task.getList("history.findAll { it.from != it.to }.to");
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
    static Delivered assertExactlyOnce(long campaign, JsonPath done) {
        return assertEveryMemberAccountedFor(sink, api(), campaign, done, MEMBERS);
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
    void clocksTenSecondsApartNeitherRebootNorTakeOver() {
        long campaign = campaign(2_000);
        awaitTrue(Duration.ofSeconds(30), () -> workersByInstance(campaign).size() >= 2);

        JsonPath done = awaitFinished(campaign);

        Delivered d = assertExactlyOnce(campaign, done);
        assertEquals(0, done.getLong("progress.unknown"));
        assertEquals(MEMBERS, d.sent().size());
        assertEquals(List.of("ready", "started", "finished"), done.getList("history.to"), "no reboot");
        assertEquals(List.of(), takenOver(campaign), "no lease was taken over");
        results.append("## clock skew (+5 s, -5 s)\n\n- finished: unknown 0, duplicates 0, received ").append(d.received().size())
                .append("; history ").append(done.getList("history.to")).append("; units taken over: 0\n\n");
    }

    @Test
    @Order(2)
    void databaseFrozenLongerThanTheLeaseLosesNothingAndRestartsNothing() throws Exception {
        // Paced the whole way, as long as 40,000 members at 2,000/s were: the ticks after the thaw are what it watches.
        long campaign = campaign(1_000);
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS / 5);
        Map<String, Long> pids = new HashMap<>();
        instances.forEach(p -> pids.put(p.name, p.pid()));
        List<Integer> liveness = new ArrayList<>();
        database.freeze();
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < until) {
            for (ServiceProcess p : instances) {
                liveness.add(status(p.base() + "/q/health/live"));
            }
            Thread.sleep(500);
        }
        database.thaw();

        JsonPath done = awaitFinished(campaign);

        Delivered d = assertExactlyOnce(campaign, done);
        assertEquals(0, done.getLong("progress.unknown"), "a freeze leaves no member unknown");
        assertEquals(MEMBERS, d.received().size());
        assertEquals(List.of("ready", "started", "finished"), states(done), "a freeze is no reboot");
        assertEquals(List.of(), takenOver(campaign), "no lease was taken over");
        assertTrue(liveness.stream().allMatch(s -> s == 200), "liveness stayed up during the freeze: " + liveness);
        for (ServiceProcess p : instances) {
            assertTrue(p.alive(), p.name + " is running");
            assertEquals(pids.get(p.name), p.pid(), p.name + " was not restarted");
        }
        results.append("## database process stopped (SIGSTOP) for 15 s (lease 10 s)\n\n- finished: unknown 0, duplicates 0; states ")
                .append(states(done)).append("; units taken over: 0; liveness answers during the freeze: ")
                .append(liveness.size()).append(", all 200\n\n");
    }

    @Test
    @Order(3)
    void killedInstancesUnitsMoveAgainOnceItIsFoundDeadAndNothingIsPushedTwice() throws Exception {
        long campaign = campaign(1_500);
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS * 4 / 10);
        ServiceProcess victim = busiest(campaign);
        String victimId = victim.instanceId();
        Map<Integer, Long> held = unitsHeldBy(campaign, victimId);
        int victimWorkers = workersByInstance(campaign).getOrDefault(victimId, 0);
        long killedAt = System.currentTimeMillis();
        victim.kill();
        long moving = awaitUnitsMovingAgain(campaign, held) - killedAt;
        unpace("campaigns", campaign);

        JsonPath done = awaitFinished(campaign);
        victim.start();

        Delivered d = assertExactlyOnce(campaign, done);
        long unknown = done.getLong("progress.unknown");
        assertTrue(unknown <= (long) BATCH * victimWorkers, "unknown " + unknown + " > one sub-batch per killed worker");
        assertTrue(done.getList("history.to").contains("reboot"), "the task showed reboot");
        double recovery = recoverySeconds(sink.of(campaign), killedAt);
        results.append("## kill -9 of the busiest instance at 40%\n\n- killed instance (").append(victim.name).append(") ran ")
                .append(victimWorkers).append(" workers holding units ").append(held.keySet()).append("\n- unknown: ")
                .append(unknown).append(" (bound ").append(BATCH * victimWorkers).append("); duplicates 0; received ")
                .append(d.received().size()).append("\n")
                .append(String.format("- every unit the killed workers held moving again (new owner, counters advanced): %.1f s after the kill%n", moving / 1000.0))
                .append(String.format("- delivery rate back to 80%% of its pre-kill level: %.1f s after the kill (target: heartbeat timeout + 1 tick = %.1f s)%n",
                        recovery, (HEARTBEAT_TIMEOUT_MS + TICK_MS) / 1000.0))
                .append("- states: ").append(states(done)).append("\n\n");
        victim.awaitReady(READY);
    }

    @Test
    @Order(4)
    void queryBuildKilledMidScanIsTakenOverFromItsCheckpointWithTheSameMembers() throws Exception {
        long query = given().baseUri(api()).contentType(ContentType.JSON)
                .body(Map.of("name", "takeover", "source", Map.of("kind", "query", "filter", Map.of("even", true)),
                        "workers", 4, "qps", 500, "shards", 8))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api()).post("/api/audiences/" + query + "/start").then().statusCode(200);
        // A checkpoint with a fifth of the matching members staged, the scan's one unit held by an instance.
        AtomicReference<JsonPath> seen = new AtomicReference<>();
        awaitTrue(Duration.ofSeconds(120), () -> {
            seen.set(given().baseUri(api()).get("/api/tasks/" + query + "/units").then().statusCode(200).extract().jsonPath());
            return seen.get().getLong("[0].counts.processed") >= MATCHING / 5 && seen.get().getString("[0].owner") != null;
        });
        String owner = seen.get().getString("[0].owner");
        ServiceProcess victim = instances.stream().filter(p -> p.serving() && owner.startsWith(p.instanceId() + "/")).findFirst().orElseThrow();
        long stagedAtKill = seen.get().getLong("[0].counts.processed");
        victim.kill();
        assertFalse("done".equals(given().baseUri(api()).get("/api/tasks/" + query + "/units").then().extract().jsonPath()
                .getString("[0].state")), "the kill came after the scan had finished: nothing to take over");
        // Taken over (another owner, or done): the pace that kept the scan running until the kill only makes us wait.
        awaitTrue(Duration.ofSeconds(120), () -> {
            JsonPath unit = given().baseUri(api()).get("/api/tasks/" + query + "/units").then().statusCode(200).extract().jsonPath();
            String now = unit.getString("[0].owner");
            return "done".equals(unit.getString("[0].state")) || (now != null && !now.equals(owner));
        });
        unpace("audiences", query);

        awaitTrue(Duration.ofSeconds(300), () -> {
            JsonPath now = task("audiences", query);
            assertFalse("failed".equals(now.getString("state")), "build failed: " + now.getString("stateReason"));
            return "finished".equals(now.getString("state"));
        });
        victim.start();

        List<String> members = audienceMembers(query);
        assertEquals(MATCHING, members.size(), "no member twice");
        assertEquals(matching, new HashSet<>(members), "exactly the members the query matches");
        assertEquals(MATCHING, task("audiences", query).getLong("progress.sent"));
        Document unit = database.database().getCollection("task_shards")
                .find(Filters.eq("_id", new Document("t", query).append("r", 1L).append("s", 0))).first();
        long resumedFrom = unit.get("scan", Document.class).getLong("resumedFrom");
        assertEquals(owner, unit.getString("previousOwner"), "the unit was taken over from the killed worker");
        assertTrue(resumedFrom >= stagedAtKill && resumedFrom < MATCHING,
                "the take-over went on from a checkpoint at " + resumedFrom + " (" + stagedAtKill + " staged at the kill)");
        // The victim, restarting, read nothing of it in this process.
        long readBySurvivors = instances.stream().filter(p -> p != victim && p.serving()).mapToLong(p -> scanned(p, query)).sum();
        assertEquals(MATCHING - resumedFrom, readBySurvivors, "the survivors read only the members after the checkpoint");
        results.append("## kill -9 of the instance building a query audience\n\n").append(String.format(
                "- %d matching of %d, 4 workers, qps 500 until the take-over, 8 shards, scan batches of 500: killed with %d staged; the take-over"
                        + " resumed from a checkpoint at %d and read %d members; %d members built, each once%n%n",
                MATCHING, MEMBERS, stagedAtKill, resumedFrom, readBySurvivors, members.size()));
        victim.awaitReady(READY);
    }

    @Test
    @Order(5)
    void instancesStoppedGracefullyInTurnLeaveNothingUnknown() throws Exception {
        // Paced to outlast three stops and a restart on a loaded machine (~78 s at 250/s); unpaced after the last stop.
        long campaign = campaign(250);
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS / 40);
        List<Double> stops = new ArrayList<>();
        List<String> runningAtStop = new ArrayList<>();
        // Each stopped while the campaign runs on at least one other instance that is serving; each restarted at once,
        // and awaited only when it is needed as that other instance (so restarts overlap the next stops).
        for (ServiceProcess p : instances) {
            if (instances.stream().noneMatch(o -> o != p && o.serving())) {
                instances.stream().filter(o -> o != p && o.alive()).findFirst().orElseThrow().awaitReady(READY);
            }
            assertEquals("started", task("campaigns", campaign).getString("state"), "the campaign runs at the stop of " + p.name);
            runningAtStop.add(p.name + " (" + workersByInstance(campaign).getOrDefault(p.instanceId(), 0) + " workers)");
            long t0 = System.nanoTime();
            p.terminate(Duration.ofSeconds(30));
            stops.add((System.nanoTime() - t0) / 1e9);
            p.start();
        }
        unpace("campaigns", campaign);

        JsonPath done = awaitFinished(campaign);
        for (ServiceProcess p : instances) {
            p.awaitReady(READY);
        }

        Delivered d = assertExactlyOnce(campaign, done);
        assertEquals(0, done.getLong("progress.unknown"), "a graceful stop leaves no member unknown");
        assertEquals(0, done.getLong("progress.failed"), () -> "failures: " + failures(campaign));
        assertEquals(MEMBERS, d.received().size());
        assertTrue(!done.getList("history.to").contains("reboot"), "a graceful stop is no reboot: " + done.getList("history.to"));
        results.append("## SIGTERM each instance in turn, restarted\n\n- unknown: 0, duplicates: 0, received ")
                .append(d.received().size()).append("\n- stopped while the campaign ran: ").append(runningAtStop)
                .append("\n- graceful stop times (s): ").append(stops).append("\n\n");
    }

    @Test
    @Order(6)
    void joiningInstanceTakesItsShare() throws Exception {
        // Slow enough to be running when the new instance is ready: a start-up on this loaded machine took 28 s, and at
        // 2,000/s the 40,000 members were all sent a second before it (units sized to the audience made it faster).
        // The fourth is launched as the campaign starts, so its start-up is the campaign's first seconds, not extra ones;
        // 250/s leaves it 78 s.
        long campaign = campaign(250);
        ServiceProcess fourth = newInstance("joining", "PT0S");
        awaitTrue(Duration.ofSeconds(60), () -> sink.of(campaign).size() >= MEMBERS / 40);
        fourth.awaitReady(READY);
        long readyAt = System.nanoTime();
        instances.add(fourth);
        int receivedAtReady = sink.of(campaign).size();
        assertEquals("started", task("campaigns", campaign).getString("state"), "the fourth is ready mid-campaign");
        assertTrue(receivedAtReady < MEMBERS, "the fourth is ready mid-campaign: " + receivedAtReady + " received");
        String fourthId = fourth.instanceId();
        awaitTrue(Duration.ofSeconds(30), () -> workersByInstance(campaign).getOrDefault(fourthId, 0) >= WORKERS / 4);
        double joined = (System.nanoTime() - readyAt) / 1e9;
        // Joined: the rest may go unpaced, so the scenario does not wait out 250/s.
        unpace("campaigns", campaign);

        JsonPath done = awaitFinished(campaign);

        assertExactlyOnce(campaign, done);
        results.append("## a fourth instance joins mid-campaign\n\n")
                .append(String.format("- ready with %d received; from ready to running its share (%d workers): %.1f s%n",
                        receivedAtReady, WORKERS / 4, joined))
                .append("- unknown: ").append(done.getLong("progress.unknown")).append(", duplicates: 0\n\n");
    }

    /**
     * Issue 16 §4: no instance is given a session key, yet a sign-in on one is honoured by every other, and still
     * after a graceful restart and a kill -9; the key is stored once and never logged; an instance given a key of
     * its own seals with that one.
     */
    @Test
    @Order(7)
    void aSessionMadeOnOneInstanceWorksOnEveryOtherAndAfterRestartsWithNoKeyConfigured() throws Exception {
        ServiceProcess a = instances.get(0);
        ServiceProcess b = instances.get(1);
        Map<String, String> cookies = login(a);
        for (ServiceProcess p : instances) {
            assertEquals(200, me(p, cookies), "honoured on " + p.name);
        }
        given().baseUri(b.base()).auth().none().cookies(cookies).get("/api/me").then().body("via", org.hamcrest.Matchers.equalTo("session"));

        b.terminate(Duration.ofSeconds(60));
        a.kill();
        b.start();
        a.start();
        // Started with the restarts, so the three start-ups overlap; it joins the instances once the logs are read.
        ServiceProcess own = ServiceProcess.instance("own-session-key", freePort(), database, work,
                Map.of("quarkus.http.auth.session.encryption-key", "an-explicit-session-key-0123456789abcdef")).start();
        b.awaitReady(READY);
        a.awaitReady(READY);
        assertEquals(200, me(b, cookies), "after a graceful restart");
        assertEquals(200, me(a, cookies), "after a kill -9 and a restart");
        assertEquals(200, me(a, login(b)));

        List<Document> stored = database.database().getCollection("secrets").find(Filters.eq("_id", "session-encryption-key")).into(new ArrayList<>());
        assertEquals(1, stored.size(), "one session key, stored once");
        String key = stored.get(0).getString("key");
        for (ServiceProcess p : instances) {
            String log = Files.readString(p.log());
            assertTrue(log.contains("Listening on"), p.name + " log read");
            assertFalse(log.contains(key), p.name + " logged the session key");
            assertFalse(log.toLowerCase().contains("temporary key"), p.name + " made a temporary key");
        }

        instances.add(own);
        own.awaitReady(READY);
        assertEquals(401, me(own, cookies), "an instance with a key of its own does not honour the shared key's sessions");
        Map<String, String> ownCookies = login(own);
        assertEquals(200, me(own, ownCookies));
        assertEquals(401, me(a, ownCookies));
    }

    static Map<String, String> login(ServiceProcess on) {
        Response r = given().baseUri(on.base()).auth().none().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", "admin").formParam("j_password", dev.push.security.TestCredentials.ADMIN_PASSWORD)
                .post("/j_security_check");
        assertTrue(r.statusCode() < 400, "login on " + on.name + ": " + r.statusCode());
        return Map.of("quarkus-credential", r.getCookie("quarkus-credential"), "push-session", r.getCookie("push-session"));
    }

    static int me(ServiceProcess on, Map<String, String> cookies) {
        return given().baseUri(on.base()).auth().none().cookies(cookies).get("/api/me").statusCode();
    }

    static MongoCollection<Document> collection(String name) {
        return database.database().getCollection(name);
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
        return database.workersByInstance(campaign);
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

    /** The members this instance's query scans read for the audience, from its Prometheus metrics (0 if none). */
    static long scanned(ServiceProcess p, long audience) {
        String metrics = given().baseUri(p.base()).get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^push_audience_scanned_total\\{[^}]*audience=\"" + audience + "\"[^}]*} (\\S+)$")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    static List<String> audienceMembers(long audience) {
        List<String> out = new ArrayList<>();
        String after = "";
        while (after != null) {
            JsonPath page = given().baseUri(api()).queryParam("after", after).queryParam("limit", 5_000)
                    .get("/api/audiences/" + audience + "/members").then().statusCode(200).extract().jsonPath();
            out.addAll(page.getList("members"));
            after = page.getString("next");
        }
        return out;
    }

    static int status(String url) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Every member's outcome in a campaign, as "state" or "state: reason", read page by page from the API. */
    static Map<String, String> outcomes(String api, long campaign) {
        Map<String, String> out = new HashMap<>();
        String after = "";
        do {
            JsonPath page = given().baseUri(api).queryParam("limit", 10_000).queryParam("after", after)
                    .get("/api/campaigns/" + campaign + "/deliveries").then().statusCode(200).extract().jsonPath();
            for (Map<String, Object> d : page.<Map<String, Object>>getList("items")) {
                out.put((String) d.get("memberId"), d.get("state") + (d.get("reason") == null ? "" : ": " + d.get("reason")));
            }
            after = page.getString("next");
        } while (after != null);
        return out;
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

    /**
     * Workers yield the CPU to triggered sends ({@code WorkerThreads}): on each instance, started as unprivileged as its
     * image runs, the threads at the yielding workers' nice are theirs and no other, not even a pool's thread that a
     * yielding step's call made it grow (a thread inherits its creator's nice, and only privilege lowers it again), after
     * a campaign that ran with sends beside it, and on after them.
     */
    @Test
    @Order(8)
    void onlyYieldingWorkersThreadsRunAtTheirLowerPriority() throws Exception {
        long campaign = campaign(2_000);
        List<ServiceProcess> serving = instances.stream().filter(ServiceProcess::serving).toList();
        int sends = 0;
        while (sends < 200 || !"finished".equals(task("campaigns", campaign).getString("state"))) {
            ServiceProcess p = serving.get(sends % serving.size());
            given().baseUri(p.base()).contentType(ContentType.JSON).header("Idempotency-Key", "yield-" + sends)
                    .body(Map.of("members", List.of("c-" + sends), "channel", "log", "message", Map.of("title", "t", "body", "b")))
                    .post("/api/sends").then().statusCode(202);
            sends++;
        }
        assertExactlyOnce(campaign, awaitFinished(campaign));

        int yieldingThreads = 0;
        for (ServiceProcess p : serving) {
            List<String> atYieldingNice = p.threadsAtNice(10);
            assertEquals(List.of(), atYieldingNice.stream().filter(name -> !name.equals(WorkerThreads.YIELDING)).toList(),
                    "threads of " + p.name + " at the yielding workers' nice 10 that are not theirs");
            yieldingThreads += atYieldingNice.size();
        }
        assertTrue(yieldingThreads > 0, "workers yielded to the " + sends + " sends: no thread at nice 10");
    }

    /** The live instance running most of the campaign's workers, as the worker slots show them. */
    static ServiceProcess busiest(long campaign) {
        Map<String, Integer> byInstance = workersByInstance(campaign);
        return instances.stream().filter(ServiceProcess::serving)
                .max(java.util.Comparator.comparingInt(p -> byInstance.getOrDefault(p.instanceId(), 0))).orElseThrow();
    }

    /**
     * Seconds from the kill until the delivery rate, in one-second windows, is back to 80% of the
     * rate of the 3 s before the kill after having dropped below it; 0 when it never dropped.
     */
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
                Thread.sleep(100);
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
