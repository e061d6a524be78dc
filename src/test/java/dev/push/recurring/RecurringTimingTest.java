package dev.push.recurring;

import dev.push.Api;
import dev.push.campaign.HeldWaves;
import dev.push.channel.LogChannel;
import dev.push.engine.Master;
import dev.push.engine.TestMasters;
import dev.push.time.MovableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14 with issue 17: each run of a recurring campaign with {@code timing} carries it — a local time on the
 * occurrence's own date (in the series' zone), the series' quiet hours. Two masters ticked by the test on the injected
 * clock, which the delivery judges by too.
 */
@QuarkusTest
@TestProfile(TestMasters.ManualEngine.class)
class RecurringTimingTest {
    @Inject
    MovableClock clock;

    @Inject
    RecurringRuns runs;

    @Inject
    HeldWaves heldWaves;

    @Inject
    Recurrences recurrences;

    @Inject
    LogChannel log;

    final List<Master> masters = new ArrayList<>();

    @AfterEach
    void stop() {
        masters.forEach(m -> m.drain(2_000));
        clock.reset();
    }

    void twoMasters() {
        for (String name : List.of("instance-a", "instance-b")) {
            masters.add(TestMasters.master(name, clock, List.of(runs, heldWaves)));
        }
    }

    void tickUntil(String kinds, long id, Predicate<JsonPath> done) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            masters.forEach(Master::tick);
            return done.test(Api.get(kinds, id));
        });
    }

    /** Moves the injected clock to {@code at} (it only moves forward) and lets every master tick there a few times. */
    void moveTo(Instant at) {
        Duration by = Duration.between(clock.instant(), at);
        if (!by.isNegative()) {
            clock.advance(by);
        }
        for (int i = 0; i < 3; i++) {
            masters.forEach(Master::tick);
        }
    }

    static void importMembers(Map<String, String> zones) {
        StringBuilder ndjson = new StringBuilder();
        zones.forEach((m, z) -> ndjson.append("{\"id\":\"").append(m).append("\",\"timezone\":\"").append(z).append("\"}\n"));
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
    }

    /** A recurring campaign over the members, daily at 06:00 UTC, with {@code timing}; its next occurrence at {@code first}. */
    long recurringTimed(Map<String, String> zones, Map<String, Object> timing, Instant first) {
        return recurringTimed(zones, timing, first, Map.of());
    }

    long recurringTimed(Map<String, String> zones, Map<String, Object> timing, Instant first, Map<String, Object> recurrence) {
        importMembers(zones);
        long audience = Api.idsAudience(new ArrayList<>(zones.keySet()));
        Api.command("audiences", audience, "start", 200);
        tickUntil("audiences", audience, a -> "finished".equals(a.getString("state")));
        long campaign = given().contentType(ContentType.JSON).body(Map.of("name", "daily", "audienceId", audience,
                        "channel", "log", "message", Map.of("title", "Good morning"), "workers", 2, "batchSize", 10,
                        "timing", timing))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Map<String, Object> body = new java.util.HashMap<>(Map.of("cron", "0 6 * * *", "zone", "UTC"));
        body.putAll(recurrence);
        given().contentType(ContentType.JSON).body(body)
                .put("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200);
        recurrences.setNext(campaign, java.util.Date.from(first));
        return campaign;
    }

    /** The run of the occurrence at {@code at}, once decided and started. */
    long runAt(long campaign, Instant at) {
        moveTo(at.plusSeconds(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            masters.forEach(Master::tick);
            List<Map<String, Object>> o = given().get("/api/campaigns/" + campaign + "/recurrence/runs").then()
                    .extract().jsonPath().getList("");
            return !o.isEmpty() && at.toString().equals(o.get(0).get("at")) && o.get(0).get("run") != null;
        });
        return given().get("/api/campaigns/" + campaign + "/recurrence/runs").then().extract().jsonPath().getLong("[0].run");
    }

    JsonPath awaitSent(long run, long sent, boolean finished) {
        tickUntil("campaigns", run, c -> (finished ? "finished".equals(c.getString("state"))
                : "paused".equals(c.getString("state")) && Boolean.TRUE.equals(c.getBoolean("timing.waiting")))
                && c.getLong("progress.sent") == sent);
        return Api.get("campaigns", run);
    }

    static Instant tenOClock(LocalDate date, String zone) {
        return ZonedDateTime.of(date, LocalTime.of(10, 0), ZoneId.of(zone)).toInstant();
    }

    Set<String> in(Map<String, String> zones, String zone) {
        return zones.entrySet().stream().filter(e -> e.getValue().equals(zone)).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    @Test
    void eachRunReleasesEveryZoneAtItsLocalTimeOnTheOccurrencesOwnDate() {
        twoMasters();
        String p = "rt-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Map<String, String> zones = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            zones.put(p + i, List.of("Asia/Tokyo", "Europe/Paris", "America/New_York").get(i % 3));
        }
        LocalDate day0 = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(3);
        Instant first = day0.atTime(6, 0).toInstant(ZoneOffset.UTC);
        // The series' own date is day 0; its runs are at 06:00 UTC, when 10:00 has passed in Tokyo only.
        long campaign = recurringTimed(zones, Map.of("timezone", "UTC", "date", day0.toString(), "localTime", "10:00",
                "passed", "skip"), first);

        for (int day = 0; day < 2; day++) {
            LocalDate date = day0.plusDays(day);
            long run = runAt(campaign, first.plus(Duration.ofDays(day)));
            JsonPath waiting = awaitSent(run, 0, false);
            assertEquals(date.toString(), waiting.getString("timing.date"), "the run's local time is on its occurrence's date");
            assertEquals("10:00", waiting.getString("timing.time"));
            assertEquals(10, waiting.getLong("progress.skipped"), "Tokyo's 10:00 had passed at the occurrence");
            assertEquals(20, waiting.getLong("progress.held"));
            assertEquals("waiting for 10:00 Europe/Paris (10 members)", waiting.getString("stateReason"));

            moveTo(tenOClock(date, "Europe/Paris").minusSeconds(60));
            assertEquals(0, log.deliveredMembers(run).size(), "nobody before 10:00 in Paris");
            moveTo(tenOClock(date, "Europe/Paris").plusSeconds(1));
            awaitSent(run, 10, false);
            assertEquals(in(zones, "Europe/Paris"), new HashSet<>(log.deliveredMembers(run)));

            moveTo(tenOClock(date, "America/New_York").minusSeconds(60));
            assertEquals(10, log.deliveredMembers(run).size(), "nobody in New York before its 10:00");
            moveTo(tenOClock(date, "America/New_York").plusSeconds(1));
            JsonPath done = awaitSent(run, 20, true);
            Set<String> sent = new HashSet<>(in(zones, "Europe/Paris"));
            sent.addAll(in(zones, "America/New_York"));
            assertEquals(sent, new HashSet<>(log.deliveredMembers(run)));
            assertEquals(20, log.deliveredMembers(run).size(), "each once");
            assertEquals(0, done.getLong("progress.held"));
        }
    }

    @Test
    void eachRunHoldsTheSeriesQuietHours() {
        twoMasters();
        String p = "rq-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Map<String, String> zones = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            zones.put(p + i, i % 2 == 0 ? "UTC" : "Asia/Tokyo");
        }
        LocalDate day0 = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(3);
        Instant first = day0.atTime(6, 0).toInstant(ZoneOffset.UTC);
        long campaign = recurringTimed(zones, Map.of("quietHours", Map.of("start", "21:00", "end", "08:00")), first);

        long run = runAt(campaign, first);
        JsonPath waiting = awaitSent(run, 10, false);
        assertEquals(Map.of("start", "21:00", "end", "08:00"), waiting.getMap("timing.quiet"));
        assertEquals(in(zones, "Asia/Tokyo"), new HashSet<>(log.deliveredMembers(run)), "15:00 in Tokyo: sent at once");
        assertEquals(10, waiting.getLong("progress.held"), "06:00 in UTC: inside the quiet hours");
        assertEquals("waiting for 08:00 UTC (10 members)", waiting.getString("stateReason"));

        moveTo(day0.atTime(7, 59).toInstant(ZoneOffset.UTC));
        assertEquals(10, log.deliveredMembers(run).size(), "held until the window ends");
        moveTo(day0.atTime(8, 0, 1).toInstant(ZoneOffset.UTC));
        awaitSent(run, 20, true);
        assertEquals(new HashSet<>(zones.keySet()), new HashSet<>(log.deliveredMembers(run)));
        assertEquals(20, log.deliveredMembers(run).size(), "each once");
    }

    @Test
    void aTimedRunSkipsTheMembersTheDayBeforesRunReachedAtOnceOrWhenReleased() {
        twoMasters();
        String p = "rs-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Map<String, String> zones = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            zones.put(p + i, i % 2 == 0 ? "UTC" : "Asia/Tokyo");
        }
        LocalDate day0 = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(3);
        Instant first = day0.atTime(6, 0).toInstant(ZoneOffset.UTC);
        long campaign = recurringTimed(zones, Map.of("quietHours", Map.of("start", "21:00", "end", "08:00")), first,
                Map.of("skipReachedDays", 1));

        long run0 = runAt(campaign, first);
        awaitSent(run0, 10, false);
        moveTo(day0.atTime(8, 0, 1).toInstant(ZoneOffset.UTC));
        awaitSent(run0, 20, true);

        long run1 = runAt(campaign, first.plus(Duration.ofDays(1)));
        JsonPath waiting = awaitSent(run1, 0, false);
        assertEquals(10, waiting.getLong("progress.skipped"), "Tokyo's 10, due at once, were reached the day before");
        assertEquals(10, waiting.getLong("progress.held"), "the UTC members wait for their quiet hours' end, as any");
        moveTo(day0.plusDays(1).atTime(8, 0, 1).toInstant(ZoneOffset.UTC));
        JsonPath done = awaitSent(run1, 0, true);
        assertEquals(20, done.getLong("progress.skipped"), "and are skipped when released: reached the day before");
        assertEquals(0, done.getLong("progress.held"));
        assertEquals(0, log.deliveredMembers(run1).size());
    }
}
