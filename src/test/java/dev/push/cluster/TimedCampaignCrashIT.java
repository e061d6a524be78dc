package dev.push.cluster;

import static dev.push.cluster.ClusterFaultIT.assertEveryMemberAccountedFor;
import static dev.push.cluster.ClusterFaultIT.awaitTrue;
import static dev.push.cluster.ClusterFaultIT.freePort;
import static dev.push.cluster.ClusterFaultIT.minus;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 14 on real processes: a campaign with quiet hours over two service instances and the embedded database's own
 * process, with kill -9 of an instance in each wave and of the database while members are held.
 *
 * <p>Design. Quiet hours run, in UTC, from an hour before the start to two hours after it (minutes). Half the
 * members are in UTC, inside them, and are held; the other half are in {@code Etc/GMT-6}, six hours ahead and
 * outside them, and are sent at once. Hours do not pass in the test: every process's wall clock can be shifted
 * ({@code push.clock.offset}), and the instances are restarted with a later clock to make the held wave come due.
 * The scenario, on one campaign:
 * <ol>
 * <li>two instances on unshifted clocks send the first wave, paced so it lasts seconds; one is killed (kill -9)
 * while both run its workers, and the pace is lifted; the other takes its units over and the campaign waits for the
 * end of the quiet hours with exactly the UTC members held;</li>
 * <li>the database process is killed (kill -9) while the campaign waits and is started again on the same H2 file;
 * ticks pass: nobody is released, the held count and the release instant are as before, and the deliveries read
 * {@code held} for exactly the UTC members;</li>
 * <li>the surviving instance is killed and two instances are started with clocks shifted so that the end of the quiet
 * hours comes, on their clocks, as long after their start as the first two took to start plus {@link #MARGIN}: they
 * are up before it, so an early release would show; the held wave is released, and one of them is killed while both
 * send it; the survivor finishes, unpaced.</li>
 * </ol>
 * The sink answers each push 100 ms after receiving it, so pushes are in flight at each kill. Checked member by
 * member: nobody received twice; the counters equal the records; every member received is recorded sent or
 * unknown; no held member was received before the shifted instances started, nor at a shifted instant before the
 * end of the quiet hours; sent + unknown = members; the campaign finishes with nobody held. Figures go to
 * target/reliability/timed-crash.md.
 */
class TimedCampaignCrashIT {
    static final int MEMBERS = 1_000;
    static final int WORKERS = 4;
    static final int BATCH = 25;
    static final int QPS = 80;
    /** How long before the end of the quiet hours (their clock) the shifted instances should be up, at least. */
    static final Duration MARGIN = Duration.ofSeconds(10);
    static final Duration READY = Duration.ofMinutes(3);

    Path work;
    DeliverySink sink;
    TestDatabase database;
    final List<ServiceProcess> instances = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        ServiceProcess.killAll(instances, database, sink);
    }

    @Test
    void killsInEachWaveAndOfTheDatabaseWhileMembersAreHeldPushNobodyTwiceAndNobodyEarly() throws Exception {
        work = Files.createDirectories(Path.of("target", "reliability"));
        sink = new DeliverySink();
        sink.answerAfter(Duration.ofMillis(100));
        database = TestDatabase.embedded("timed", work);
        long launched = System.nanoTime();
        ServiceProcess a = instance("timed-a", Duration.ZERO);
        ServiceProcess b = instance("timed-b", Duration.ZERO);
        a.awaitReady(READY);
        b.awaitReady(READY);
        Duration startup = Duration.ofNanos(System.nanoTime() - launched);
        Set<String> outside = new HashSet<>();
        Set<String> inside = new HashSet<>();
        long audience = membersAndAudience(a.base(), outside, inside);
        LocalTime now = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        long campaign = given().baseUri(a.base()).contentType(ContentType.JSON)
                .body(Map.of("name", "timed crash", "audienceId", audience, "channel", "sink", "workers", WORKERS, "qps", QPS,
                        "batchSize", BATCH, "errorBudget", 1_000_000, "message", Map.of("title", "Good morning"),
                        "timing", Map.of("timezone", "UTC", "quietHours", Map.of("start", now.minusHours(1).toString(),
                                "end", now.plusHours(2).toString()))))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(a.base()).post("/api/campaigns/" + campaign + "/start").then().statusCode(200);

        // 1. kill -9 of an instance sending the first wave.
        awaitTrue(Duration.ofSeconds(60), () -> bothWork(campaign, a, b) && sink.of(campaign).size() >= MEMBERS / 10);
        int firstKillWorkers = database.workersByInstance(campaign).getOrDefault(b.instanceId(), 0);
        int receivedAtFirstKill = sink.of(campaign).size();
        b.kill();
        unpace(a.base(), campaign);
        JsonPath waiting = awaitWaiting(a.base(), campaign);
        assertEquals(MEMBERS / 2, waiting.getLong("progress.held"), "exactly the members inside the quiet hours are held");
        assertEquals(MEMBERS / 2, waiting.getLong("progress.sent") + waiting.getLong("progress.unknown"),
                "every member outside them was sent or is unknown");
        assertEquals(0, waiting.getLong("progress.failed") + waiting.getLong("progress.skipped"));
        assertEquals(List.of(), sink.duplicates(campaign), "nobody received twice");
        assertEquals(Set.of(), received(campaign, inside), "no held member was pushed");
        long unknownAfterFirstWave = waiting.getLong("progress.unknown");
        Instant next = Instant.parse(waiting.getString("timing.next"));

        // 2. kill -9 of the database process while the members are held.
        database.kill();
        database.restart();
        awaitTrue(Duration.ofSeconds(60), () -> answers(a.base(), campaign));
        Thread.sleep(3_000); // three of the survivor's 1 s ticks on its unshifted clock
        JsonPath stillWaiting = task(a.base(), campaign);
        assertEquals("paused", stillWaiting.getString("state"));
        assertEquals(MEMBERS / 2, stillWaiting.getLong("progress.held"), "the held members survived the crash, held");
        assertEquals(next, Instant.parse(stillWaiting.getString("timing.next")), "the release instant survived the crash");
        assertEquals(waiting.getLong("progress.sent"), stillWaiting.getLong("progress.sent"));
        assertEquals(Set.of(), received(campaign, inside), "nobody released early");
        assertEquals(inside, ClusterFaultIT.members(a.base(), campaign, "held"), "the deliveries read held for exactly them");

        // 3. later clocks: the end of the quiet hours comes a start-up and a margin from now; kill -9 in that wave.
        a.kill();
        Duration offset = Duration.between(Instant.now(), next).minus(startup).minus(MARGIN).truncatedTo(ChronoUnit.SECONDS);
        long shiftedAt = System.currentTimeMillis();
        ServiceProcess c = instance("timed-c", offset);
        ServiceProcess d = instance("timed-d", offset);
        c.awaitReady(READY);
        d.awaitReady(READY);
        long readyBeforeNextMs = next.toEpochMilli() - (System.currentTimeMillis() + offset.toMillis());
        awaitTrue(Duration.ofSeconds(120), () -> bothWork(campaign, c, d) && received(campaign, inside).size() >= MEMBERS / 10);
        int secondKillWorkers = database.workersByInstance(campaign).getOrDefault(d.instanceId(), 0);
        int heldReceivedAtSecondKill = received(campaign, inside).size();
        d.kill();
        unpace(c.base(), campaign);
        JsonPath done = awaitFinished(c.base(), campaign);

        ClusterFaultIT.Delivered delivered = assertEveryMemberAccountedFor(sink, c.base(), campaign, done, MEMBERS);
        assertEquals(0, done.getLong("progress.held"), "nobody left held");
        assertEquals(MEMBERS, done.getLong("progress.processed"));
        assertEquals(MEMBERS, done.getLong("progress.sent") + done.getLong("progress.unknown"), "every member sent or unknown");
        long unknown = done.getLong("progress.unknown");
        long bound = (long) BATCH * (firstKillWorkers + secondKillWorkers);
        assertTrue(unknown <= bound, "unknown " + unknown + " > one sub-batch per killed worker (" + bound + ")");
        for (DeliverySink.Received r : sink.of(campaign)) {
            if (inside.contains(r.member())) {
                assertTrue(r.atMillis() >= shiftedAt, r.member() + " received before the clocks were moved on");
                assertTrue(r.atMillis() + offset.toMillis() >= next.toEpochMilli(),
                        r.member() + " received at " + Instant.ofEpochMilli(r.atMillis() + offset.toMillis())
                                + " on the instances' clock, before the end of the quiet hours " + next);
            }
        }
        assertTrue(delivered.received().containsAll(minus(outside, delivered.unknown())), "every member outside sent");
        assertTrue(delivered.received().containsAll(minus(inside, delivered.unknown())), "every held member sent");
        String line = String.format("- %d members, half held by quiet hours; kill -9 of an instance (%d workers) with %d received,"
                        + " %d unknown after the first wave; kill -9 of the database while %d held; shifted instances ready %.1f s"
                        + " before the release instant (their clock); kill -9 of an instance (%d workers) with %d of the held"
                        + " wave received; finished: sent %d, unknown %d (bound %d), 0 twice, none early; history %s%n",
                MEMBERS, firstKillWorkers, receivedAtFirstKill, unknownAfterFirstWave, MEMBERS / 2, readyBeforeNextMs / 1000.0,
                secondKillWorkers, heldReceivedAtSecondKill, done.getLong("progress.sent"), unknown, bound,
                done.getList("history.to"));
        Files.writeString(work.resolve("timed-crash.md"), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private ServiceProcess instance(String name, Duration clockOffset) throws Exception {
        ServiceProcess p = ServiceProcess.instance(name, freePort(), database, work,
                Map.of("push.clock.offset", clockOffset.toString())).start();
        instances.add(p);
        return p;
    }

    /** The sink's channel, the members (even ones in UTC, odd ones six hours ahead), their audience built. */
    private long membersAndAudience(String api, Set<String> outside, Set<String> inside) {
        sink.addAsChannel(api, 8);
        StringBuilder ndjson = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            String id = "tc-" + i;
            String zone = i % 2 == 0 ? "UTC" : "Etc/GMT-6";
            ndjson.append("{\"id\":\"").append(id).append("\",\"timezone\":\"").append(zone).append("\"}\n");
            ids.add(id);
            (i % 2 == 0 ? inside : outside).add(id);
        }
        given().baseUri(api).contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        long audience = given().baseUri(api).contentType(ContentType.JSON)
                .body(Map.of("name", "timed", "source", Map.of("kind", "ids", "ids", ids), "workers", 2))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api).post("/api/audiences/" + audience + "/start").then().statusCode(200);
        awaitTrue(Duration.ofSeconds(120), () -> "finished".equals(given().baseUri(api).get("/api/audiences/" + audience)
                .then().statusCode(200).extract().jsonPath().getString("state")));
        return audience;
    }

    /** Both instances run workers of the campaign (slots a killed instance failed to free may linger beside them). */
    private boolean bothWork(long campaign, ServiceProcess one, ServiceProcess other) {
        Map<String, Integer> workers = database.workersByInstance(campaign);
        return workers.containsKey(one.instanceId()) && workers.containsKey(other.instanceId());
    }

    private Set<String> received(long campaign, Set<String> among) {
        Set<String> out = new HashSet<>();
        sink.of(campaign).forEach(r -> {
            if (among.contains(r.member())) {
                out.add(r.member());
            }
        });
        return out;
    }

    /** The pace kept the wave running until its kill; after it, pacing only makes the test wait. */
    private static void unpace(String api, long campaign) {
        given().baseUri(api).contentType(ContentType.JSON).body(Map.of("qps", 0)).patch("/api/campaigns/" + campaign)
                .then().statusCode(200);
    }

    private static JsonPath task(String api, long campaign) {
        return given().baseUri(api).get("/api/campaigns/" + campaign).then().statusCode(200).extract().jsonPath();
    }

    private static boolean answers(String api, long campaign) {
        try {
            return given().baseUri(api).get("/api/campaigns/" + campaign).statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static JsonPath awaitWaiting(String api, long campaign) {
        awaitTrue(Duration.ofSeconds(120), () -> {
            JsonPath c = task(api, campaign);
            assertTrue(!"failed".equals(c.getString("state")), "campaign failed: " + c.getString("stateReason"));
            assertTrue(!"finished".equals(c.getString("state")), "finished without waiting for the end of the quiet hours: "
                    + c.getLong("progress.sent") + " sent");
            return "paused".equals(c.getString("state")) && Boolean.TRUE.equals(c.getBoolean("timing.waiting"));
        });
        return task(api, campaign);
    }

    private static JsonPath awaitFinished(String api, long campaign) {
        awaitTrue(Duration.ofSeconds(180), () -> {
            JsonPath c = task(api, campaign);
            assertTrue(!"failed".equals(c.getString("state")), "campaign failed: " + c.getString("stateReason"));
            return "finished".equals(c.getString("state"));
        });
        return task(api, campaign);
    }
}
