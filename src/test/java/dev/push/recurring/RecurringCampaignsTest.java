package dev.push.recurring;

import dev.push.Api;
import dev.push.engine.Master;
import dev.push.engine.TestMasters;
import dev.push.storage.PushDatabase;
import dev.push.task.Tasks;
import com.mongodb.client.model.Filters;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.bson.Document;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, recurring campaigns: with an injected clock, two instances' masters on one database decide each
 * scheduled instant once and run it once; a missed occurrence runs once or is skipped as configured; the operator
 * pauses the series, skips its next occurrence and sees the next five.
 */
@QuarkusTest
@TestProfile(TestMasters.ManualEngine.class)
class RecurringCampaignsTest {
    /** A wall clock the test moves. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant at) {
            now = at;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    /** 9:00 in Paris on 10 March 2031 (UTC+1). */
    static final Instant FIRST = ZonedDateTime.of(2031, 3, 10, 9, 0, 0, 0, PARIS).toInstant();

    @Inject
    RecurringRuns runs;

    @Inject
    Recurrences recurrences;

    final List<Master> masters = new ArrayList<>();
    final List<MovableClock> clocks = new ArrayList<>();
    final MovableClock clockA = new MovableClock(Instant.now());
    final MovableClock clockB = new MovableClock(Instant.now());

    Master master(String name, MovableClock clock) {
        Master m = TestMasters.master(name, clock, List.of(runs));
        masters.add(m);
        clocks.add(clock);
        return m;
    }

    @AfterEach
    void stopMasters() {
        masters.forEach(m -> m.drain(2_000));
    }

    /**
     * Ticks every master until the task reaches the state, each master's clock moving on by the 50 ms between ticks:
     * heartbeats and leases are judged by whether their values (written with that clock) change, so on a clock that
     * stood still a run lasting past the heartbeat (2 s) or lease (5 s) timeout would be taken for dead and taken over.
     */
    void tickUntil(String kinds, long id, String state) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            clocks.forEach(c -> c.set(c.instant().plusMillis(50)));
            masters.forEach(Master::tick);
            return state.equals(Api.get(kinds, id).getString("state"));
        });
    }

    /** A ready campaign over a built audience of {@code members}, recurring daily at 9:00 in Paris. */
    long recurringCampaign(List<String> members, String missed) {
        return recurringCampaign(members, Map.of("cron", "0 9 * * *", "zone", "Europe/Paris", "missed", missed));
    }

    long recurringCampaign(List<String> members, Map<String, Object> recurrence) {
        long audience = Api.idsAudience(members);
        Api.command("audiences", audience, "start", 200);
        tickUntil("audiences", audience, "finished");
        long campaign = Api.campaign(audience, "log", 2, 0, 10, 10);
        given().contentType(ContentType.JSON).body(recurrence)
                .put("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200);
        // The series' next occurrence, by its one writer: at an instant the test's clocks reach, not the real one.
        recurrences.setNext(campaign, Date.from(FIRST));
        return campaign;
    }

    static List<Map<String, Object>> occurrences(long campaign) {
        return given().get("/api/campaigns/" + campaign + "/recurrence/runs").then().statusCode(200).extract().jsonPath().getList("");
    }

    /** Both masters tick at once, {@code times} times, each on its own clock set to {@code at}. */
    void tickBothAt(Instant at, int times) throws Exception {
        clockA.set(at);
        clockB.set(at);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < times; i++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> ticks = new ArrayList<>();
                for (Master m : masters) {
                    ticks.add(pool.submit(() -> {
                        go.await();
                        m.tick();
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : ticks) {
                    f.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoInstancesRunEachScheduledInstantExactlyOnce() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        List<String> members = Api.memberIds("rec-once-", 3);
        long campaign = recurringCampaign(members, "run");

        tickBothAt(FIRST.minusSeconds(1), 3);
        assertEquals(List.of(), occurrences(campaign), "nothing before its instant");

        tickBothAt(FIRST.plusSeconds(2), 5);
        List<Map<String, Object>> first = occurrences(campaign);
        assertEquals(1, first.size(), "one decision for the instant: " + first);
        assertEquals(FIRST.toString(), first.get(0).get("at"));
        assertEquals("run", first.get(0).get("outcome"));
        long run1 = ((Number) first.get(0).get("run")).longValue();
        assertNotEquals(campaign, run1, "the occurrence runs as a campaign of its own");
        tickUntil("campaigns", run1, "finished");
        assertEquals(3, Api.get("campaigns", run1).getInt("progress.sent"));

        Instant second = FIRST.plus(Duration.ofDays(1));
        assertEquals(second.toString(), given().get("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200)
                .extract().jsonPath().getString("next[0]"));
        tickBothAt(second.plusSeconds(1), 5);
        List<Map<String, Object>> both = occurrences(campaign);
        assertEquals(2, both.size(), "one decision an instant: " + both);
        assertEquals(second.toString(), both.get(0).get("at"), "newest first");
        long run2 = ((Number) both.get(0).get("run")).longValue();
        assertNotEquals(run1, run2);
        tickUntil("campaigns", run2, "finished");
        JsonPath r2 = Api.get("campaigns", run2);
        assertEquals(3, r2.getInt("progress.sent"), "each run has its own counters");
        assertEquals(3, Api.get("campaigns", run1).getInt("progress.sent"));
        assertEquals("ready", Api.get("campaigns", campaign).getString("state"), "the series' own campaign stays its definition");
        assertEquals("campaign · " + second, r2.getString("name"));
    }

    @Test
    void eachRunKeepsTheSeriesCategoryExpiryAndProviderHints() throws Exception {
        master("instance-a", clockA);
        List<String> members = Api.memberIds("rec-hints-", 2);
        long audience = Api.idsAudience(members);
        Api.command("audiences", audience, "start", 200);
        tickUntil("audiences", audience, "finished");
        long campaign = given().contentType(ContentType.JSON)
                .body(Map.of("name", "news", "audienceId", audience, "channel", "log", "category", "news",
                        "ttl", "PT6H", "collapseKey", "daily-news", "priority", "high", "message", Map.of("title", "t")))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        given().contentType(ContentType.JSON).body(Map.of("cron", "0 9 * * *", "zone", "Europe/Paris", "missed", "run"))
                .put("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200);
        recurrences.setNext(campaign, Date.from(FIRST));

        tickBothAt(FIRST.plusSeconds(1), 3);
        long run = ((Number) occurrences(campaign).get(0).get("run")).longValue();

        JsonPath r = Api.get("campaigns", run);
        assertEquals("news", r.getString("category"));
        assertEquals("PT6H", r.getString("ttl"));
        assertEquals(Map.of("collapseKey", "daily-news", "priority", "high"), r.getMap("hints"));
    }

    @Test
    void anOccurrenceMissedWhileEveryInstanceWasDownRunsOnceOrIsSkippedAsConfigured() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        long runMissed = recurringCampaign(Api.memberIds("rec-missed-run-", 2), "run");
        long skipMissed = recurringCampaign(Api.memberIds("rec-missed-skip-", 2), "skip");

        // Every instance was down for three days and an hour: four instants passed undecided.
        Instant back = FIRST.plus(Duration.ofDays(3)).plus(Duration.ofHours(1));
        tickBothAt(back, 3);

        List<Map<String, Object>> ran = occurrences(runMissed);
        assertEquals(1, ran.size(), "the missed instants run once in all: " + ran);
        assertEquals(FIRST.plus(Duration.ofDays(3)).toString(), ran.get(0).get("at"), "as the latest of them");
        assertEquals("missed-run", ran.get(0).get("outcome"));
        assertEquals(4, ran.get(0).get("missed"));
        tickUntil("campaigns", ((Number) ran.get(0).get("run")).longValue(), "finished");

        List<Map<String, Object>> skipped = occurrences(skipMissed);
        assertEquals(1, skipped.size(), "the decision is recorded: " + skipped);
        assertEquals("missed-skipped", skipped.get(0).get("outcome"));
        assertNull(skipped.get(0).get("run"), "and nothing runs");

        Instant following = FIRST.plus(Duration.ofDays(4));
        for (long c : List.of(runMissed, skipMissed)) {
            assertEquals(following.toString(), given().get("/api/campaigns/" + c + "/recurrence").then().extract()
                    .jsonPath().getString("next[0]"), "the next occurrence is the first after recovery");
        }
    }

    @Test
    void theOperatorSkipsTheNextOccurrencePausesTheSeriesAndSeesTheNextFive() throws Exception {
        master("instance-a", clockA);
        long campaign = recurringCampaign(Api.memberIds("rec-steer-", 2), "run");

        JsonPath view = given().get("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200).extract().jsonPath();
        List<String> next = view.getList("next", String.class);
        assertEquals(5, next.size());
        for (int i = 0; i < 5; i++) {
            ZonedDateTime local = Instant.parse(next.get(i)).atZone(PARIS);
            assertEquals(9, local.getHour(), "9:00 in Paris: " + next);
            assertEquals(10 + i, local.getDayOfMonth());
        }

        assertEquals(FIRST.toString(), given().post("/api/campaigns/" + campaign + "/recurrence/skip-next").then()
                .statusCode(200).extract().jsonPath().getString("skip"));
        tickBothAt(FIRST.plusSeconds(1), 2);
        List<Map<String, Object>> decided = occurrences(campaign);
        assertEquals(1, decided.size());
        assertEquals("skipped", decided.get(0).get("outcome"));
        assertNull(decided.get(0).get("run"));

        JsonPath paused = given().post("/api/campaigns/" + campaign + "/recurrence/pause").then().statusCode(200).extract().jsonPath();
        assertTrue(paused.getBoolean("paused"));
        assertEquals(List.of(), paused.getList("next"));
        tickBothAt(FIRST.plus(Duration.ofDays(2)).plusSeconds(1), 2);
        assertEquals(1, occurrences(campaign).size(), "a paused series decides nothing");

        JsonPath resumed = given().post("/api/campaigns/" + campaign + "/recurrence/resume").then().statusCode(200).extract().jsonPath();
        assertEquals(false, resumed.getBoolean("paused"));
        assertEquals(5, resumed.getList("next").size());
        assertNull(resumed.getString("skip"), "the skip was used");
    }

    /** Runs the occurrence at {@code at} on time, to the end; answers its run's campaign view. */
    JsonPath runOnTime(long campaign, Instant at) throws Exception {
        tickBothAt(at.plusSeconds(1), 2);
        Map<String, Object> decided = occurrences(campaign).get(0);
        assertEquals(at.toString(), decided.get("at"));
        long run = ((Number) decided.get("run")).longValue();
        tickUntil("campaigns", run, "finished");
        return Api.get("campaigns", run);
    }

    @Test
    void aRunSkipsTheMembersAnEarlierRunReachedWithinTheWindow() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        long campaign = recurringCampaign(Api.memberIds("rec-window-", 4),
                Map.of("cron", "0 9 * * *", "zone", "Europe/Paris", "skipReachedDays", 2));
        assertEquals(2, given().get("/api/campaigns/" + campaign + "/recurrence").then().extract().jsonPath()
                .getInt("skipReachedDays"));

        JsonPath first = runOnTime(campaign, FIRST);
        assertEquals(4, first.getInt("progress.sent"));

        JsonPath second = runOnTime(campaign, FIRST.plus(Duration.ofDays(1)));
        assertEquals(0, second.getInt("progress.sent"), "every member was reached a day before");
        assertEquals(4, second.getInt("progress.skipped"));
        assertEquals(List.of("reached by an earlier run of its recurring campaign within its window"),
                Api.deliveries(second.getLong("id")).stream().map(d -> d.get("reason")).distinct().toList());

        JsonPath third = runOnTime(campaign, FIRST.plus(Duration.ofDays(2)));
        assertEquals(0, third.getInt("progress.sent"), "the first run, two days before, is within the window");

        given().post("/api/campaigns/" + campaign + "/recurrence/skip-next").then().statusCode(200);
        // Day 4's window starts on day 2: the runs that reached the members (days 0 and 1) are out of it.
        JsonPath fifth = runOnTime(campaign, FIRST.plus(Duration.ofDays(4)));
        assertEquals(4, fifth.getInt("progress.sent"));
        assertEquals(0, fifth.getInt("progress.skipped"));
    }

    static void importMembers(String lot, List<String> ids) {
        StringBuilder ndjson = new StringBuilder();
        ids.forEach(id -> ndjson.append("{\"id\":\"").append(id).append("\",\"attributes\":{\"lot\":\"").append(lot).append("\"}}\n"));
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/members/import").then().statusCode(200);
    }

    /** Imports three members of {@code lot} and builds the audience of the query {@code lot == lot}; answers its id. */
    long queryAudienceOfThree(String lot) {
        importMembers(lot, Api.memberIds(lot + "-", 3));
        long audience = given().contentType(ContentType.JSON).body(Map.of("name", "by lot", "source",
                Map.of("kind", "query", "filter", Map.of("lot", lot)))).post("/api/audiences").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        Api.command("audiences", audience, "start", 200);
        tickUntil("audiences", audience, "finished");
        return audience;
    }

    /** A log campaign over {@code audience} recurring at 09:00 Paris over a rebuilt audience, first due at FIRST. */
    long dailyRebuiltSeries(long audience, Map<String, Object> more) {
        long campaign = Api.campaign(audience, "log", 2, 0, 10, 10);
        Map<String, Object> recurrence = new java.util.HashMap<>(Map.of("cron", "0 9 * * *", "zone", "Europe/Paris", "audience", "rebuild"));
        recurrence.putAll(more);
        given().contentType(ContentType.JSON).body(recurrence).put("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200);
        recurrences.setNext(campaign, Date.from(FIRST));
        return campaign;
    }

    @Test
    void eachRunRebuildsTheAudienceFromItsQueryAtThatMoment() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        String lot = "rebuild-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        long audience = queryAudienceOfThree(lot);
        long campaign = dailyRebuiltSeries(audience, Map.of());

        tickBothAt(FIRST.plusSeconds(1), 3);
        Map<String, Object> first = occurrences(campaign).get(0);
        long run1 = ((Number) first.get("run")).longValue();
        long audience1 = ((Number) first.get("audience")).longValue();
        assertNotEquals(audience, audience1, "a new audience for the run");
        tickUntil("campaigns", run1, "finished");
        assertEquals(3, Api.get("campaigns", run1).getInt("progress.sent"));

        importMembers(lot, List.of(lot + "-3", lot + "-4"));
        Instant second = FIRST.plus(Duration.ofDays(1));
        tickBothAt(second.plusSeconds(1), 3);
        Map<String, Object> later = occurrences(campaign).get(0);
        long run2 = ((Number) later.get("run")).longValue();
        tickUntil("campaigns", run2, "finished");
        assertEquals(5, Api.get("audiences", ((Number) later.get("audience")).longValue()).getInt("progress.sent"),
                "the query selects the members as they are at the occurrence");
        assertEquals(5, Api.get("campaigns", run2).getInt("progress.sent"));
        assertEquals(3, Api.get("audiences", audience).getInt("progress.sent"), "the series' own audience is left as built");
        assertEquals(2, occurrences(campaign).stream().map(o -> o.get("audience")).distinct().count(), "one audience a run");
    }

    @Test
    void aRunOverARebuiltAudienceSkipsTheMembersEarlierRunsReachedWithinTheWindow() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        String lot = "rebuild-window-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        long audience = queryAudienceOfThree(lot);
        long campaign = dailyRebuiltSeries(audience, Map.of("skipReachedDays", 2));

        JsonPath first = runOnTime(campaign, FIRST);
        assertEquals(3, first.getInt("progress.sent"));

        importMembers(lot, List.of(lot + "-3", lot + "-4"));
        JsonPath second = runOnTime(campaign, FIRST.plus(Duration.ofDays(1)));
        assertEquals(5, Api.get("audiences", second.getLong("audienceId")).getInt("progress.sent"), "its audience selects 5");
        assertEquals(2, second.getInt("progress.sent"), "only the 2 members the first run did not reach");
        assertEquals(3, second.getInt("progress.skipped"));
        Map<String, String> states = new java.util.HashMap<>();
        Api.deliveries(second.getLong("id")).forEach(d -> states.put((String) d.get("memberId"), (String) d.get("state")));
        assertEquals(Map.of(lot + "-0", "skipped", lot + "-1", "skipped", lot + "-2", "skipped", lot + "-3", "sent",
                lot + "-4", "sent"), states);

        JsonPath third = runOnTime(campaign, FIRST.plus(Duration.ofDays(2)));
        assertEquals(0, third.getInt("progress.sent"), "all 5 were reached within two days");
        assertEquals(5, third.getInt("progress.skipped"));

        JsonPath fourth = runOnTime(campaign, FIRST.plus(Duration.ofDays(3)));
        assertEquals(3, fourth.getInt("progress.sent"), "day 0's 3 are out of the window; day 1 reached the other 2");
        assertEquals(2, fourth.getInt("progress.skipped"));
    }

    @Test
    void anABRunSkipsTheMembersAnEarlierRunReachedWithinTheWindow() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        long audience = Api.idsAudience(Api.memberIds("rec-ab-window-", 6));
        Api.command("audiences", audience, "start", 200);
        tickUntil("audiences", audience, "finished");
        long campaign = given().contentType(ContentType.JSON).body(Map.of("name", "campaign", "audienceId", audience,
                        "channel", "log", "message", Map.of("body", "Our sale"),
                        "variants", List.of(Map.of("name", "A", "title", "Variant A", "split", 50),
                                Map.of("name", "B", "title", "Variant B", "split", 50)), "workers", 2, "batchSize", 10))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        given().contentType(ContentType.JSON).body(Map.of("cron", "0 9 * * *", "zone", "Europe/Paris", "skipReachedDays", 1))
                .put("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200);
        recurrences.setNext(campaign, Date.from(FIRST));

        assertEquals(6, runOnTime(campaign, FIRST).getInt("progress.sent"));
        JsonPath second = runOnTime(campaign, FIRST.plus(Duration.ofDays(1)));
        assertEquals(0, second.getInt("progress.sent"), "every member was reached the day before");
        assertEquals(6, second.getInt("progress.skipped"));
        JsonPath third = runOnTime(campaign, FIRST.plus(Duration.ofDays(2)));
        assertEquals(6, third.getInt("progress.sent"), "day 1 reached no one and day 0 is out of the window");
    }

    /** Runs the A/B occurrence at {@code at} on time until its test split is sent (it waits for a winner); answers the run's id. */
    long testSplitOnTime(long campaign, Instant at) throws Exception {
        tickBothAt(at.plusSeconds(1), 2);
        Map<String, Object> decided = occurrences(campaign).get(0);
        assertEquals(at.toString(), decided.get("at"));
        long run = ((Number) decided.get("run")).longValue();
        tickUntil("campaigns", run, "paused");
        assertEquals("waiting", Api.get("campaigns", run).getString("winner.phase"));
        return run;
    }

    /** The operator picks B as the run's winner; answers the run once the holdout is sent. */
    JsonPath winnerSent(long run) {
        given().contentType(ContentType.JSON).body(Map.of("variant", "B")).post("/api/campaigns/" + run + "/winner")
                .then().statusCode(200);
        tickUntil("campaigns", run, "finished");
        return Api.get("campaigns", run);
    }

    /** Each member the run has a record of, with its state. */
    static Map<String, Object> states(long run) {
        Map<String, Object> out = new java.util.HashMap<>();
        Api.deliveries(run).forEach(d -> assertNull(out.put((String) d.get("memberId"), d.get("state")), "one record a member"));
        return out;
    }

    /** What a run records for {@code members}: skipped for those in {@code reached}, sent for the others. */
    static Map<String, Object> expected(List<String> members, java.util.Set<String> reached) {
        Map<String, Object> out = new java.util.HashMap<>();
        members.forEach(m -> out.put(m, reached.contains(m) ? "skipped" : "sent"));
        return out;
    }

    /** What a run records once its test split is sent: {@link #expected} for its test split, the holdout pending. */
    static Map<String, Object> afterSplit(List<String> members, List<String> tested, java.util.Set<String> reached) {
        Map<String, Object> out = new java.util.HashMap<>();
        members.forEach(m -> out.put(m, "pending"));
        out.putAll(expected(tested, reached));
        return out;
    }

    static long count(Map<String, Object> states, String state) {
        return states.values().stream().filter(state::equals).count();
    }

    @Test
    void anABRunInWinnerModeSkipsTheMembersEarlierRunsReachedInTheTestSplitAndTheWinnersPhase() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        List<String> members = Api.memberIds("rec-ab-winner-", 40);
        // Two shards: chunks of many members, so a run's records are read right only in the order it sent them.
        long audience = given().contentType(ContentType.JSON).body(Map.of("name", "ids audience", "source",
                Map.of("kind", "ids", "ids", members), "shards", 2)).post("/api/audiences").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        Api.command("audiences", audience, "start", 200);
        tickUntil("audiences", audience, "finished");
        long campaign = given().contentType(ContentType.JSON).body(Map.of("name", "campaign", "audienceId", audience,
                        "channel", "log", "message", Map.of("body", "Our sale"),
                        "variants", List.of(Map.of("name", "A", "title", "Variant A", "split", 25),
                                Map.of("name", "B", "title", "Variant B", "split", 25)),
                        "winner", Map.of("holdout", 50, "metric", "converted", "wait", "PT1H", "fallback", "stop"),
                        "workers", 2, "batchSize", 10))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        given().contentType(ContentType.JSON).body(Map.of("cron", "0 9 * * *", "zone", "Europe/Paris", "skipReachedDays", 1))
                .put("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200);
        recurrences.setNext(campaign, Date.from(FIRST));

        // Day 0: the test split only; its winner is never picked, so day 0 reached exactly its test split.
        long run0 = testSplitOnTime(campaign, FIRST);
        List<String> tested0 = members.stream().filter(m -> tested(run0, m)).toList();
        java.util.Set<String> reached0 = new java.util.HashSet<>(tested0);
        assertEquals(afterSplit(members, tested0, java.util.Set.of()), states(run0));

        // Day 1 (day 0 within its window): its own test split, then its holdout, each sending only whom day 0 did not reach.
        long run1 = testSplitOnTime(campaign, FIRST.plus(Duration.ofDays(1)));
        List<String> tested1 = members.stream().filter(m -> tested(run1, m)).toList();
        Map<String, Object> split1 = states(run1);
        assertEquals(afterSplit(members, tested1, reached0), split1, "the test split skips whom day 0 reached");
        assertTrue(count(split1, "sent") > 0 && count(split1, "skipped") > 0, "the splits cross: " + split1);
        assertEquals(List.of(count(split1, "sent"), count(split1, "skipped")), List.of(Api.get("campaigns", run1)
                .getLong("progress.sent"), Api.get("campaigns", run1).getLong("progress.skipped")));
        JsonPath done1 = winnerSent(run1);
        Map<String, Object> all1 = states(run1);
        assertEquals(expected(members, reached0), all1, "the winner's phase skips whom day 0 reached, and only them");
        assertEquals(List.of(40L - tested0.size(), (long) tested0.size()),
                List.of(done1.getLong("progress.sent"), done1.getLong("progress.skipped")));
        assertTrue(count(all1, "sent") > count(split1, "sent") && count(all1, "skipped") > count(split1, "skipped"),
                "the holdout has members of both kinds: " + all1);

        // Day 2 (day 0 out of its window): day 1 reached everyone day 0 had not, in both of its phases.
        java.util.Set<String> reached1 = new java.util.HashSet<>(members);
        reached1.removeAll(reached0);
        long run2 = testSplitOnTime(campaign, FIRST.plus(Duration.ofDays(2)));
        List<String> tested2 = members.stream().filter(m -> tested(run2, m)).toList();
        assertEquals(afterSplit(members, tested2, reached1), states(run2), "the test split skips whom day 1 reached");
        JsonPath done2 = winnerSent(run2);
        assertEquals(expected(members, reached1), states(run2), "and so does the winner's phase");
        assertEquals(List.of((long) tested0.size(), 40L - tested0.size()),
                List.of(done2.getLong("progress.sent"), done2.getLong("progress.skipped")),
                "day 2 sends exactly whom day 0 reached");
    }

    /** Whether the member is in the run's test split (25 % A, 25 % B), by the assignment's documented hash. */
    static boolean tested(long run, String member) {
        return new dev.push.variant.VariantAssignment(run, List.of(25, 25), 0).tested(member)
                != dev.push.variant.VariantAssignment.HOLDOUT;
    }

    @Inject
    PushDatabase database;

    @Inject
    Tasks tasks;

    /** Campaigns made as the series' run at {@code at}: named for it, over the series' audience. */
    /**
     * The decision as a master killed right after recording it leaves it: written as the decision writes it (by
     * "instance-killed", at {@code decidedAt}, with the ids its run and rebuilt audience take, or none), no run made,
     * the series' next occurrence not moved on.
     */
    void decidedByAKilledMaster(long campaign, OccurrenceDecision d, Instant decidedAt, Long run, Long rebuilt) {
        database.get(Occurrences.COLLECTION).insertOne(Occurrences.decision(campaign, d, "instance-killed", decidedAt, run,
                run == null ? null : d.at().atZone(PARIS).toLocalDate(), List.of(), rebuilt));
    }

    long runsOf(long series, Instant at) {
        return database.get("tasks").countDocuments(Filters.and(Filters.eq("name", "campaign · " + at),
                Filters.eq("audienceId", tasks.find(series).audienceId)));
    }

    @Test
    void aDecisionWhoseMasterWasKilledBeforeItsRunGetsExactlyOneRunAndTheSeriesGoesOn() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        long campaign = recurringCampaign(Api.memberIds("rec-orphan-", 3), "run");
        // What a master killed right after its decision's insert leaves: the decision, with its run's id, written as
        // the decision writes it; no run; the series' next occurrence not yet moved on.
        long runId = tasks.reserveId();
        decidedByAKilledMaster(campaign, new OccurrenceDecision(FIRST, OccurrenceDecision.RUN, 0), FIRST, runId, null);
        Map<String, Object> orphan = occurrences(campaign).get(0);
        assertEquals(List.of(true, runId), List.of(orphan.get("pending"), ((Number) orphan.get("run")).longValue()));
        assertNull(orphan.get("runState"), "no run yet");

        tickBothAt(FIRST.plusSeconds(2), 5);
        List<Map<String, Object>> decided = occurrences(campaign);
        assertEquals(false, decided.get(0).get("pending"), "its run is made and started");
        assertEquals(1, decided.size(), "the instant keeps its one decision: " + decided);
        assertEquals("instance-killed", decided.get(0).get("by"));
        assertEquals(runId, ((Number) decided.get(0).get("run")).longValue(), "its run under the id the decision took");
        tickUntil("campaigns", runId, "finished");
        assertEquals(3, Api.get("campaigns", runId).getInt("progress.sent"));
        assertEquals(1, runsOf(campaign, FIRST), "exactly one run for the instant");

        tickBothAt(FIRST.plusSeconds(30), 5);
        assertEquals(1, runsOf(campaign, FIRST), "and no other later");
        assertEquals(1L, tasks.find(runId).run, "started once: its first run is its only one");

        JsonPath next = runOnTime(campaign, FIRST.plus(Duration.ofDays(1)));
        assertEquals(3, next.getInt("progress.sent"), "the series goes on");
        assertEquals(2, occurrences(campaign).size());
    }

    @Test
    void anInstantDecidedByAMasterKilledBeforeItMovedTheSeriesOnIsNotCountedMissedWhenTheNextOneIsDecided() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        long campaign = recurringCampaign(Api.memberIds("rec-decided-", 2), "run");
        // A master decided the first instant on time and was killed before moving the series on.
        decidedByAKilledMaster(campaign, new OccurrenceDecision(FIRST, OccurrenceDecision.RUN, 0), FIRST, tasks.reserveId(),
                null);

        // No master is back before the following instant has come too.
        Instant second = FIRST.plus(Duration.ofDays(1));
        tickBothAt(second.plusSeconds(2), 3);

        List<Map<String, Object>> decided = occurrences(campaign);
        assertEquals(List.of(second.toString(), FIRST.toString()), decided.stream().map(o -> o.get("at")).toList(),
                "each instant has its decision: " + decided);
        assertEquals(List.of("run", 0), List.of(decided.get(0).get("outcome"), decided.get(0).get("missed")),
                "the following instant is on time and nothing was missed: the first was decided");
        assertEquals(List.of("instance-killed", 0), List.of(decided.get(1).get("by"), decided.get(1).get("missed")),
                "the killed master's decision stands");
        assertEquals(second.plus(Duration.ofDays(1)).toString(), given().get("/api/campaigns/" + campaign + "/recurrence")
                .then().extract().jsonPath().getString("next[0]"), "and the series moves on past both");
    }

    @Test
    void aLateDecisionWhoseMasterWasKilledBeforeItMovedTheSeriesOnIsNotDecidedAgainOrCountedMissed() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        long campaign = recurringCampaign(Api.memberIds("rec-late-decided-", 2), "skip");
        // A master back two days late decided the latest instant, counting the first missed, and was killed before
        // moving the series on: the series' next occurrence is still the first.
        Instant second = FIRST.plus(Duration.ofDays(1));
        decidedByAKilledMaster(campaign, new OccurrenceDecision(second, OccurrenceDecision.MISSED_SKIPPED, 2),
                second.plus(Duration.ofHours(2)), null, null);

        Instant third = FIRST.plus(Duration.ofDays(2));
        tickBothAt(third.plusSeconds(2), 3);

        List<Map<String, Object>> decided = occurrences(campaign);
        assertEquals(List.of(third.toString(), second.toString()), decided.stream().map(o -> o.get("at")).toList(),
                "the first instant is not decided again: " + decided);
        assertEquals(List.of("run", 0), List.of(decided.get(0).get("outcome"), decided.get(0).get("missed")),
                "the third instant is on time and counts no instant the killed master decided as missed");
    }

    @Inject
    dev.push.audience.Audiences audiences;

    /** Audiences rebuilt for an occurrence at {@code at} from the query of {@code lot}: named for it, with that query. */
    long rebuiltFor(String lot, Instant at) {
        return database.get("tasks").countDocuments(Filters.and(Filters.eq("kind", "audience"),
                Filters.eq("name", "campaign · " + at), Filters.eq("source.filter.lot", lot)));
    }

    /** Campaigns made as a run at {@code at} over the audience {@code audience}. */
    long runsOver(long audience, Instant at) {
        return database.get("tasks").countDocuments(Filters.and(Filters.eq("kind", "campaign"),
                Filters.eq("name", "campaign · " + at), Filters.eq("audienceId", audience)));
    }

    /**
     * What a master killed after it made its occurrence's rebuilt audience and before it made the run leaves: the
     * decision, with the ids its run and audience take, written as the decision writes it; the audience, made under
     * its id as the master made it (ready, never built); no run; the series' next occurrence not yet moved on.
     * Answers the decision's audience id.
     */
    long killedAfterRebuildingItsAudience(long campaign, long runId) {
        long audienceId = tasks.reserveId();
        decidedByAKilledMaster(campaign, new OccurrenceDecision(FIRST, OccurrenceDecision.RUN, 0), FIRST, runId, audienceId);
        audiences.rebuild(tasks.find(tasks.find(campaign).audienceId), audienceId, "campaign · " + FIRST, RecurringRuns.BY);
        return audienceId;
    }

    @Test
    void aRebuiltAudienceWhoseMasterWasKilledBeforeItsRunIsTheOneTheRunIsMadeOverAndBuiltOnce() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        String lot = "rebuild-killed-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        long campaign = dailyRebuiltSeries(queryAudienceOfThree(lot), Map.of());
        long runId = tasks.reserveId();
        long audienceId = killedAfterRebuildingItsAudience(campaign, runId);
        assertEquals("ready", Api.get("audiences", audienceId).getString("state"), "left ready, never built");

        tickBothAt(FIRST.plusSeconds(2), 5);
        tickUntil("campaigns", runId, "finished");
        List<Map<String, Object>> decided = occurrences(campaign);
        assertEquals(1, decided.size(), "the instant keeps its one decision: " + decided);
        assertEquals(List.of("instance-killed", audienceId, runId, false), List.of(decided.get(0).get("by"),
                ((Number) decided.get(0).get("audience")).longValue(), ((Number) decided.get(0).get("run")).longValue(),
                decided.get(0).get("pending")));
        assertEquals(1, rebuiltFor(lot, FIRST), "one audience for the occurrence: the one the killed master made");
        assertEquals(audienceId, Api.get("campaigns", runId).getLong("audienceId"), "the run is made over it");
        assertEquals(1L, tasks.find(audienceId).run, "built once");
        assertEquals(3, Api.get("audiences", audienceId).getInt("progress.sent"));
        assertEquals(3, Api.get("campaigns", runId).getInt("progress.sent"));
        Map<String, Long> sends = new java.util.HashMap<>();
        Api.deliveries(runId).forEach(d -> sends.merge(d.get("memberId") + " " + d.get("state"), 1L, Long::sum));
        assertEquals(Map.of(lot + "-0 sent", 1L, lot + "-1 sent", 1L, lot + "-2 sent", 1L), sends, "each member sent once");

        tickBothAt(FIRST.plusSeconds(30), 5);
        assertEquals(List.of(1L, 1L, 1L, 1L), List.of(rebuiltFor(lot, FIRST), runsOver(audienceId, FIRST),
                tasks.find(audienceId).run, tasks.find(runId).run), "nothing more made, built or started later");
    }

    @Test
    void aRebuiltAudienceWhoseSeriesWasDeletedBeforeItsRunWasMadeIsDeleted() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        String lot = "rebuild-gone-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        long campaign = dailyRebuiltSeries(queryAudienceOfThree(lot), Map.of());
        long runId = tasks.reserveId();
        long audienceId = killedAfterRebuildingItsAudience(campaign, runId);
        given().delete("/api/campaigns/" + campaign).then().statusCode(204);

        tickBothAt(FIRST.plusSeconds(2), 3);
        Document decided = database.get(Occurrences.COLLECTION).find(Filters.eq("_id", Occurrences.key(campaign, FIRST))).first();
        assertEquals("campaign " + campaign + " no longer exists", decided.getString("reason"));
        assertNull(decided.get("pending"), "it ends without a run");
        assertNull(tasks.find(audienceId), "its audience, never started, is deleted");
        assertEquals(List.of(0L, 0L), List.of(rebuiltFor(lot, FIRST), runsOver(audienceId, FIRST)), "nothing left for the occurrence");
    }

    @Test
    void aDecisionToSkipAMissedOccurrenceIsNeverTurnedIntoARun() throws Exception {
        master("instance-a", clockA);
        master("instance-b", clockB);
        long campaign = recurringCampaign(Api.memberIds("rec-orphan-skip-", 2), "skip");
        // A master decided the instant missed and skipped it, and was killed before moving the series on.
        decidedByAKilledMaster(campaign, new OccurrenceDecision(FIRST, OccurrenceDecision.MISSED_SKIPPED, 1),
                FIRST.plus(Duration.ofHours(1)), null, null);

        // Masters back within the grace would call the instant on time: the recorded decision stands.
        tickBothAt(FIRST.plusSeconds(2), 5);
        tickBothAt(FIRST.plusSeconds(60), 3);
        List<Map<String, Object>> decided = occurrences(campaign);
        assertEquals(1, decided.size(), decided.toString());
        assertEquals("missed-skipped", decided.get(0).get("outcome"));
        assertNull(decided.get(0).get("run"));
        assertEquals(0, runsOf(campaign, FIRST), "no run for a skipped instant");

        JsonPath next = runOnTime(campaign, FIRST.plus(Duration.ofDays(1)));
        assertEquals(2, next.getInt("progress.sent"), "the series goes on");
    }

    @Test
    void theNextFiveFollowTheZonesDaylightSavingTime() {
        Schedule s = Schedule.of("0 9 * * *", "Europe/Paris");
        List<Instant> next = s.next(ZonedDateTime.of(2031, 3, 28, 12, 0, 0, 0, PARIS).toInstant(), 5);
        assertEquals(List.of("2031-03-29T08:00:00Z", "2031-03-30T07:00:00Z", "2031-03-31T07:00:00Z",
                "2031-04-01T07:00:00Z", "2031-04-02T07:00:00Z"), next.stream().map(Instant::toString).toList(),
                "9:00 in Paris is 8:00 UTC before 30 March 2031 and 7:00 UTC from then");
    }
}
