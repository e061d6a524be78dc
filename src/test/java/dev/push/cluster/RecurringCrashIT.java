package dev.push.cluster;

import static dev.push.cluster.ClusterFaultIT.freePort;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.model.Filters;

import dev.push.task.Task;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 17 on real processes: a recurring campaign's master killed (kill -9) between its decision and its run's start,
 * the database process killed in that window, and the master killed while the run it made waits for its rebuilt
 * audience's build, leave each scheduled instant exactly one run, made or carried on under the decision's ids by
 * another instance's tick, sent once to every member.
 *
 * <p>Design. One database process; instance {@code k}, the one killed, reaches the database through a
 * {@link CommandGate} and runs on a clock 90 s ahead ({@code push.clock.offset}); instance {@code s}, through a gate
 * of its own, on the real clock. The series (20 members, a fixed audience) recurs hourly at a minute {@code s} has not reached and {@code k}
 * has, by less than the minute of grace, so {@code k} decides it on its next tick, on time, and nobody else can yet.
 * <ol>
 * <li>The gate holds every request of {@code k} once it has inserted the decision and then its run (ready, not
 * started; the series' next occurrence moved on in between); {@code k} is killed there. Meanwhile {@code s}'s gate
 * holds {@code s} at its next look for pending decisions, so that it carries nothing on before {@code k} is dead. The
 * decision is {@code pending}; {@code s}'s gate lets go, and its next tick starts the run; it sends 20 of 20.</li>
 * <li>{@code s} is killed once that run finished (its tick would carry the next decision on at once), and {@code k}
 * comes back ({@code k2}) on a clock an hour on (the series' next instant comes as it starts). The gate holds its request after the
 * decision's insert was answered (the series' move to the following instant); the database process is killed (kill -9)
 * there and started again on the same file, and the gate drops the held request. The decision, written with the
 * coordination write concern, is there, {@code pending}, with no run: {@code k}'s next tick makes the run under its id
 * and starts it; it sends 20 of 20.</li>
 * <li>A second series rebuilds its audience from its query (the same 20 members) at each run. {@code k3} came up
 * alongside {@code k2}, through {@code s}'s gate, on a clock half an hour ahead of {@code k2}'s, held at its first look
 * at the recurring campaigns. The series recurs hourly at a minute {@code k3}'s clock passed less than 40 s ago (half
 * an hour ahead of {@code k2}'s); {@code k2}'s gate holds it at its next look for pending decisions, {@code k3}'s lets
 * go and holds {@code k3} once it has inserted the decision and then the rebuilt audience (ready, never built; no
 * run), and {@code k3} is killed there. {@code k2}'s gate lets go and holds {@code k2} again once it has made the run over
 * that audience and started the audience's build: the run waits for the build. The database process is killed there
 * and started again on the same file; {@code k2} builds the audience and starts the run; it sends 20 of 20.</li>
 * <li>A third series rebuilds its audience likewise. {@code k4} came up with {@code k3}, through a gate of its own, on a
 * clock a quarter of an hour ahead of {@code k2}'s, held as {@code k3} was. The series recurs at a minute {@code k4}'s
 * clock passed less than 45 s ago; {@code k2}'s gate holds it at its next look for pending decisions, {@code k4}'s
 * lets go and holds {@code k4} once it has inserted the decision, the rebuilt audience, the run over it and started
 * the audience's build: the run waits for the build, which no worker holds yet. {@code k4} is killed there;
 * {@code k2}'s gate lets go, and {@code k2} builds the audience and starts the run; it sends 20 of 20.</li>
 * </ol>
 * Then: each instant has one decision (by the killed instance; outcome run, none missed, nothing pending) and one
 * campaign named for it, the decision's run, started once, finished with 20 sent; the sink received each member once
 * per run; the series' next occurrence is the one after. Each rebuilding series' instant has one audience named for
 * it, the decision's, the run's, built once, selecting 20. Figures go to target/reliability/recurring-crash.md.
 */
class RecurringCrashIT {
    static final int MEMBERS = 20;
    static final Duration AHEAD = Duration.ofSeconds(90);
    static final Duration READY = Duration.ofMinutes(3);
    static final String SERIES = "recurring crash";
    static final String REBUILT = "recurring rebuilt";
    static final String TAKEN_OVER = "recurring taken over";
    static final String LOT = "recurring-crash";

    Path work;
    DeliverySink sink;
    TestDatabase database;
    CommandGate gate;
    CommandGate survivorGate;
    CommandGate k4Gate;
    final List<ServiceProcess> instances = new ArrayList<>();
    /** Where the seconds go, printed with the figures line (start-ups dominate). */
    final StringBuilder steps = new StringBuilder();
    long began;

    @AfterEach
    void stop() throws Exception {
        ServiceProcess.killAll(instances, gate, survivorGate, k4Gate, database, sink);
    }

    @Test
    void aMasterKilledAndTheDatabaseKilledBetweenADecisionAndItsRunLeaveEachInstantOneRunSentOnce() throws Exception {
        began = System.nanoTime();
        work = Files.createDirectories(Path.of("target", "reliability"));
        sink = new DeliverySink();
        database = TestDatabase.embedded("recurring", work);
        gate = new CommandGate(database.port());
        survivorGate = new CommandGate(database.port());
        k4Gate = new CommandGate(database.port());
        CommandGate.Command decisionInsert = new CommandGate.Command("insert", "occurrences");
        // k's first requests of note, once the series is due on its clock: the decision, then its run.
        gate.holdAfter(decisionInsert, new CommandGate.Command("insert", "tasks"));
        ServiceProcess k = instance("recur-k", gate.uri(), AHEAD);
        ServiceProcess s = instance("recur-s", survivorGate.uri(), Duration.ZERO);
        k.awaitReady(READY);
        s.awaitReady(READY);
        String killed = k.instanceId();
        step("instances ready");
        List<String> members = members(s.base());
        long series = series(s.base(), SERIES, built(s.base(), Map.of("kind", "ids", "ids", members)));
        long rebuilding = series(s.base(), REBUILT, built(s.base(), Map.of("kind", "query", "filter", Map.of("lot", LOT))));
        long takenOver = series(s.base(), TAKEN_OVER, built(s.base(), Map.of("kind", "query", "filter", Map.of("lot", LOT))));
        step("series made");

        // 1. kill -9 of the deciding master once its decision and its run are written, before it starts the run.
        Instant first = recur(s.base(), series, AHEAD, 52, Map.of());
        // s's next tick looks for pending decisions and waits there until k is dead, so the one k leaves is pending.
        survivorGate.holdAt(new CommandGate.Command("find", "occurrences"));
        step("recurs");
        assertTrue(gate.awaitHeld(Duration.ofSeconds(30)), "k did not decide " + first + " and make its run");
        Document decided = occurrence(series, first);
        long run1 = decided.getLong("run");
        awaitDatabase(() -> task(run1) != null);
        k.kill();
        step("k killed");
        String run1AtKill = task(run1).getString("state");
        assertEquals(Boolean.TRUE, occurrence(series, first).getBoolean("pending"), "k left its decision pending");
        survivorGate.release();
        JsonPath done1 = awaitFinished(s.base(), SERIES, run1, first);
        String survivor = s.instanceId();
        step("run 1 finished");

        // 2. kill -9 of the database once the next decision is written and answered, before its run is made. s is
        // killed first: its tick would carry the decision on at once. k comes back on a clock on which the series' next
        // instant comes as it starts, and decides it as its master starts, which may be before it answers as ready (its
        // readiness asks the database: held too).
        s.kill();
        Instant second = first.plus(Duration.ofHours(1));
        gate.holdAt(decisionInsert, new CommandGate.Command("update", "recurrences"));
        Duration k2Offset = Duration.between(Instant.now(), second).minusSeconds(10);
        ServiceProcess k2 = instance("recur-k2", gate.uri(), k2Offset);
        // k3, for step 3, starts now, alongside k2, on a clock half an hour ahead of k2's, and is held at its first look
        // at the recurring campaigns until then: the first series' next instant, which k2 decides here, has come on it.
        Duration k3Offset = k2Offset.plus(Duration.ofMinutes(30));
        survivorGate.holdAt(new CommandGate.Command("find", "recurrences"));
        ServiceProcess k3 = instance("recur-k3", survivorGate.uri(), k3Offset);
        // k4, for step 4, likewise, through a gate of its own, a quarter of an hour ahead of k2's clock: before the
        // rebuilding series' instant of step 3 (half an hour ahead), which it therefore does not decide either.
        Duration k4Offset = k2Offset.plus(Duration.ofMinutes(15));
        k4Gate.holdAt(new CommandGate.Command("find", "recurrences"));
        ServiceProcess k4 = instance("recur-k4", k4Gate.uri(), k4Offset);
        assertTrue(gate.awaitHeld(READY), "k2 did not decide " + second);
        step("k2 decided");
        Document pending = occurrence(series, second);
        assertEquals(Boolean.TRUE, pending.getBoolean("pending"), "the decision waits for its run");
        long run2 = pending.getLong("run");
        assertNull(task(run2), "held before its run was made");
        database.kill();
        database.restart();
        gate.release();
        step("database back");
        k2.awaitReady(READY);
        JsonPath done2 = awaitFinished(k2.base(), SERIES, run2, second);
        step("run 2 finished");

        // 3. kill -9 of the deciding master once its decision and its rebuilt audience are written, before it makes the
        // run; then kill -9 of the database while that run, made by the other master, waits for the audience's build.
        assertTrue(survivorGate.awaitHeld(READY), "k3 did not come up to its first look at the recurring campaigns");
        step("k3 up");
        // A minute k3's clock passed, half an hour ahead of k2's (which does not reach it during the test); k3's clock
        // is before the first series' next instant, which k3 therefore does not decide. 40 s at most: k3 decides it
        // once k2 is held and k3 let go, a few seconds, within the minute of grace.
        Instant third = recur(k2.base(), rebuilding, k3Offset, 40, Map.of("audience", "rebuild"));
        String restarted = k2.instanceId();
        // k2's next tick looks for pending decisions and waits there until k3 is dead, so the one k3 leaves is pending.
        gate.holdAt(new CommandGate.Command("find", "occurrences"));
        assertTrue(gate.awaitHeld(Duration.ofSeconds(30)), "k2 did not look for pending decisions");
        survivorGate.releaseAndHoldAfter(decisionInsert, new CommandGate.Command("insert", "tasks"));
        assertTrue(survivorGate.awaitHeld(Duration.ofSeconds(30)), "k3 did not decide " + third + " and make its audience");
        step("k3 decided");
        Document rebuiltDecision = occurrence(rebuilding, third);
        long run3 = rebuiltDecision.getLong("run");
        long audience3 = rebuiltDecision.getLong("audience");
        awaitDatabase(() -> task(audience3) != null);
        k3.kill();
        step("k3 killed");
        assertEquals(Boolean.TRUE, occurrence(rebuilding, third).getBoolean("pending"), "k3 left its decision pending");
        assertEquals("ready", task(audience3).getString("state"), "its audience made, never built");
        assertNull(task(run3), "held before its run was made");
        CommandGate.Command audienceStart = new CommandGate.Command("findAndModify", "tasks");
        gate.releaseAndHoldAfter(new CommandGate.Command("insert", "tasks"), audienceStart);
        assertTrue(gate.awaitHeld(Duration.ofSeconds(30)), "k2 did not make the run and start its audience's build");
        awaitDatabase(() -> task(run3) != null);
        assertEquals(List.of(audience3), named(Task.AUDIENCE, REBUILT, third), "one audience for " + third + ", the decision's");
        assertEquals(audience3, task(run3).getLong("audienceId"), "the run is made over the decision's audience");
        awaitDatabase(() -> "started".equals(task(audience3).getString("state")));
        assertEquals("ready", task(run3).getString("state"), "the run waits for its audience's build");
        step("k2 made the run");
        database.kill();
        database.restart();
        gate.release();
        step("database back");
        String audience3AtRestart = task(audience3).getString("state");
        JsonPath done3 = awaitFinished(k2.base(), REBUILT, run3, third);
        step("run 3 finished");

        // 4. kill -9 of the master that decided, made the run over the rebuilt audience and started the audience's build,
        // while the run waits for that build: the other live instance builds the audience and starts the run.
        assertTrue(k4Gate.awaitHeld(READY), "k4 did not come up to its first look at the recurring campaigns");
        step("k4 up");
        // A minute k4's clock passed, a quarter of an hour ahead of k2's (which does not reach it during the test).
        Instant fourth = recur(k2.base(), takenOver, k4Offset, 45, Map.of("audience", "rebuild"));
        // k2 waits at its next look for pending decisions until k4 is dead, so that it carries nothing on meanwhile.
        gate.holdAt(new CommandGate.Command("find", "occurrences"));
        assertTrue(gate.awaitHeld(Duration.ofSeconds(30)), "k2 did not look for pending decisions");
        // The master that wins a decision makes its run at once: the audience, the run over it, the build's start.
        k4Gate.releaseAndHoldAfter(decisionInsert, new CommandGate.Command("insert", "tasks"),
                new CommandGate.Command("insert", "tasks"), audienceStart);
        assertTrue(k4Gate.awaitHeld(Duration.ofSeconds(30)), "k4 did not decide " + fourth + ", make its run and start its audience's build");
        step("k4 decided");
        Document takenDecision = occurrence(takenOver, fourth);
        long run4 = takenDecision.getLong("run");
        long audience4 = takenDecision.getLong("audience");
        awaitDatabase(() -> task(run4) != null && "started".equals(task(audience4).getString("state")));
        k4.kill();
        step("k4 killed");
        assertEquals(Boolean.TRUE, occurrence(takenOver, fourth).getBoolean("pending"), "k4 left its decision pending");
        assertEquals(List.of(audience4), named(Task.AUDIENCE, TAKEN_OVER, fourth), "one audience for " + fourth + ", the decision's");
        assertEquals("started", task(audience4).getString("state"), "its build started, not finished");
        assertEquals(audience4, task(run4).getLong("audienceId"), "the run is made over the decision's audience");
        assertEquals("ready", task(run4).getString("state"), "the run waits for its audience's build");
        gate.release();
        JsonPath done4 = awaitFinished(k2.base(), TAKEN_OVER, run4, fourth);
        step("run 4 finished");

        assertOneRunSentOnce(SERIES, series, first, run1, done1, killed, members);
        assertOneRunSentOnce(SERIES, series, second, run2, done2, restarted, members);
        String decider3 = occurrence(rebuilding, third).getString("by");
        assertTrue(!List.of(killed, survivor, restarted).contains(decider3), "decided by k3, not " + decider3);
        assertOneRunSentOnce(REBUILT, rebuilding, third, run3, done3, decider3, members);
        assertOneAudienceBuiltOnce(k2.base(), REBUILT, third, audience3, done3);
        String decider4 = occurrence(takenOver, fourth).getString("by");
        assertTrue(!List.of(killed, survivor, restarted, decider3).contains(decider4), "decided by k4, not " + decider4);
        assertOneRunSentOnce(TAKEN_OVER, takenOver, fourth, run4, done4, decider4, members);
        assertOneAudienceBuiltOnce(k2.base(), TAKEN_OVER, fourth, audience4, done4);
        assertEquals(fourth.plus(Duration.ofHours(1)).toString(), given().baseUri(k2.base())
                        .get("/api/campaigns/" + takenOver + "/recurrence").then().statusCode(200).extract().jsonPath().getString("next[0]"),
                "the series taken over goes on to its next instant");
        assertEquals(third.plus(Duration.ofHours(1)).toString(), given().baseUri(k2.base())
                        .get("/api/campaigns/" + rebuilding + "/recurrence").then().statusCode(200).extract().jsonPath().getString("next[0]"),
                "the rebuilding series goes on to its next instant");
        assertEquals(second.plus(Duration.ofHours(1)).toString(), given().baseUri(k2.base())
                        .get("/api/campaigns/" + series + "/recurrence").then().statusCode(200).extract().jsonPath().getString("next[0]"),
                "the series goes on to its next instant");
        assertEquals(2, given().baseUri(k2.base()).get("/api/campaigns/" + series + "/recurrence/runs").then().statusCode(200)
                .extract().jsonPath().getList("").size(), "two occurrences decided");
        String line = String.format("- %d members, hourly; k killed with the decision of %s pending and its run %s; s (%s) started it:"
                        + " sent %d; the database killed with the decision of %s pending and no run; finished: sent %d;"
                        + " rebuilt audience: k3 killed with the decision of %s pending, its audience ready and no run; the database"
                        + " killed with the run made and the audience's build started (%s after the restart); finished: sent %d;"
                        + " taken over: k4 killed with the decision of %s pending, its run ready and its audience's build started;"
                        + " k2 built it and started the run: sent %d; 0 twice; %.1f s in all (%s)%n", MEMBERS, first, run1AtKill,
                survivor, done1.getLong("progress.sent"), second, done2.getLong("progress.sent"), third, audience3AtRestart,
                done3.getLong("progress.sent"), fourth, done4.getLong("progress.sent"),
                (System.nanoTime() - began) / 1e9, steps.toString().trim());
        Files.writeString(work.resolve("recurring-crash.md"), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private void step(String what) {
        steps.append(String.format(" %s %.1f s;", what, (System.nanoTime() - began) / 1e9));
    }

    /** Launched, not awaited: start-ups that can overlap do. */
    private ServiceProcess instance(String name, String mongo, Duration clockOffset) throws Exception {
        Map<String, String> properties = new java.util.LinkedHashMap<>(database.settings());
        properties.put("push.clock.offset", clockOffset.toString());
        ServiceProcess p = ServiceProcess.instance(name, freePort(), mongo, work, properties).start();
        instances.add(p);
        return p;
    }

    /** The sink's channel and {@value #MEMBERS} members, of the lot {@value #LOT}. */
    private List<String> members(String api) {
        sink.addAsChannel(api, 4);
        StringBuilder ndjson = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ndjson.append("{\"id\":\"rc-").append(i).append("\",\"attributes\":{\"lot\":\"" + LOT + "\"}}\n");
            ids.add("rc-" + i);
        }
        given().baseUri(api).contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        return ids;
    }

    /** An audience from {@code source}, built. */
    private static long built(String api, Map<String, Object> source) {
        long audience = given().baseUri(api).contentType(ContentType.JSON)
                .body(Map.of("name", "recurring", "source", source, "workers", 1))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api).post("/api/audiences/" + audience + "/start").then().statusCode(200);
        ClusterFaultIT.awaitTrue(Duration.ofSeconds(60), () -> "finished".equals(given().baseUri(api)
                .get("/api/audiences/" + audience).then().statusCode(200).extract().jsonPath().getString("state")));
        return audience;
    }

    /** A series' definition: a ready campaign named {@code name} over the built {@code audience}. */
    private static long series(String api, String name, long audience) {
        return given().baseUri(api).contentType(ContentType.JSON)
                .body(Map.of("name", name, "audienceId", audience, "channel", "sink", "workers", 2, "batchSize", 5,
                        "message", Map.of("title", "Every hour")))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /**
     * Makes the series recur hourly at a minute that comes, on the clock {@code ahead} of the real one, between 2 and
     * {@code earliest} s before now: due for the instance on that clock at its next tick and on time (within the minute
     * of grace). For k (90 s ahead, 52 s at most) s's clock reaches it only 35 s or more later. Waits a few seconds when
     * no minute falls in that span yet.
     */
    private Instant recur(String api, long series, Duration ahead, int earliest, Map<String, Object> more)
            throws InterruptedException {
        Instant now = Instant.now();
        Instant at = now.plus(ahead).minusSeconds(earliest).truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Instant latest = now.plus(ahead).minusSeconds(2);
        if (at.isAfter(latest)) {
            Thread.sleep(Duration.between(latest, at).toMillis() + 100);
            step("waited for the minute");
        }
        int minute = at.atZone(ZoneOffset.UTC).getMinute();
        Map<String, Object> recurrence = new java.util.HashMap<>(Map.of("cron", minute + " * * * *", "zone", "UTC", "missed", "run"));
        recurrence.putAll(more);
        JsonPath view = given().baseUri(api).contentType(ContentType.JSON).body(recurrence)
                .put("/api/campaigns/" + series + "/recurrence").then().statusCode(200).extract().jsonPath();
        assertEquals(at.toString(), view.getString("next[0]"), "the first instant is the one chosen");
        return at;
    }

    private Document occurrence(long series, Instant at) throws InterruptedException {
        String key = series + "@" + at;
        awaitDatabase(() -> database.database().getCollection("occurrences").find(Filters.eq("_id", key)).first() != null);
        return database.database().getCollection("occurrences").find(Filters.eq("_id", key)).first();
    }

    private Document task(long id) {
        return database.database().getCollection("tasks").find(Filters.eq("_id", id)).first();
    }

    /** Polled at 10 ms: the test kills within that of what it waits for. */
    private static void awaitDatabase(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not in the database within 30 s");
            }
            Thread.sleep(10);
        }
    }

    /**
     * The instant has one decision, by the killed instance, on time, carried through; one campaign is named for it, the
     * decision's run, started once and finished with every member sent; the sink received each member once for it.
     */
    private void assertOneRunSentOnce(String name, long series, Instant at, long run, JsonPath done, String by, List<String> members) {
        List<Document> decisions = database.database().getCollection("occurrences")
                .find(Filters.and(Filters.eq("campaign", series), Filters.eq("at", Date.from(at)))).into(new ArrayList<>());
        assertEquals(1, decisions.size(), "one decision for " + at);
        Document d = decisions.get(0);
        assertEquals(by, d.getString("by"), "decided by the instance killed in its window");
        assertEquals("run", d.getString("outcome"));
        assertEquals(0, d.getInteger("missed"));
        assertEquals(run, d.getLong("run"));
        assertNull(d.get("pending"), "its run was started: nothing left pending");
        assertNull(d.get("reason"));
        assertEquals(List.of(run), named(Task.CAMPAIGN, name, at), "one campaign for " + at + ", the decision's run");
        assertEquals("finished", done.getString("state"));
        assertEquals(MEMBERS, done.getLong("progress.total"));
        assertEquals(MEMBERS, done.getLong("progress.sent"), "every member sent");
        assertEquals(0, done.getLong("progress.failed") + done.getLong("progress.unknown") + done.getLong("progress.skipped"));
        assertEquals(1, starts(done), "started once: " + done.getList("history.to"));
        assertEquals(List.of(), sink.duplicates(run), "nobody received twice");
        Set<String> received = new HashSet<>();
        sink.of(run).forEach(r -> received.add(r.member()));
        assertEquals(new HashSet<>(members), received, "every member received");
    }

    /**
     * The rebuilding series' instant has one audience named for it, the decision's, the run's; built once (one
     * {@code ready → started}, its run 1), finished, selecting every member.
     */
    private void assertOneAudienceBuiltOnce(String api, String name, Instant at, long audience, JsonPath done) {
        assertEquals(List.of(audience), named(Task.AUDIENCE, name, at), "one audience for " + at + ", the decision's");
        assertEquals(audience, done.getLong("audienceId"), "the run is made over it");
        Document a = task(audience);
        assertEquals(1L, a.getLong("run"), "built once");
        JsonPath view = given().baseUri(api).get("/api/audiences/" + audience).then().statusCode(200).extract().jsonPath();
        assertEquals("finished", view.getString("state"));
        assertEquals(MEMBERS, view.getLong("progress.sent"), "the query selected every member");
        assertEquals(1, starts(view), "started once: " + view.getList("history.to"));
    }

    /** How many times a task's history moved it from {@code ready} to {@code started}. */
    private static int starts(JsonPath task) {
        List<String> from = task.getList("history.from", String.class);
        List<String> to = task.getList("history.to", String.class);
        int starts = 0;
        for (int i = 0; i < to.size(); i++) {
            if ("ready".equals(from.get(i)) && "started".equals(to.get(i))) {
                starts++;
            }
        }
        return starts;
    }

    /** Waits for the run to finish; fails at once if a campaign other than the run is named for its instant. */
    private JsonPath awaitFinished(String api, String name, long run, Instant at) {
        ClusterFaultIT.awaitTrue(Duration.ofSeconds(90), () -> {
            List<Long> others = named(Task.CAMPAIGN, name, at).stream().filter(id -> id != run).toList();
            assertEquals(List.of(), others, "campaigns for " + at + " beside the decision's run " + run);
            var r = given().baseUri(api).get("/api/campaigns/" + run);
            if (r.statusCode() != 200) { // not made yet (404), or the database just came back
                return false;
            }
            JsonPath c = r.then().extract().jsonPath();
            assertTrue(!"failed".equals(c.getString("state")), "run failed: " + c.getString("stateReason"));
            return "finished".equals(c.getString("state"));
        });
        return given().baseUri(api).get("/api/campaigns/" + run).then().statusCode(200).extract().jsonPath();
    }

    /** The tasks of {@code kind} named for the occurrence at {@code at} of the series {@code name}. */
    private List<Long> named(String kind, String name, Instant at) {
        List<Long> ids = new ArrayList<>();
        database.database().getCollection("tasks").find(Filters.and(Filters.eq("kind", kind),
                        Filters.regex("name", "^" + Pattern.quote(name + " · " + at) + "$")))
                .forEach(t -> ids.add(t.getLong("_id")));
        return ids;
    }
}
