package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.GateChannel;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A timed campaign across two instances, ticked by the test on the injected clock: instance A sends the members
 * outside their quiet hours and the campaign sleeps; A releases the held wave when the window opens, its worker hangs
 * in the middle of it and A falls silent; instance B takes the wave over. Every member is sent at most once, the hung
 * sub-batch only is unknown, the counters are exact.
 */
@QuarkusTest
@TestProfile(TestMasters.ManualEngine.class)
class TimedTakeoverTest {
    static final int MEMBERS = 3_000;
    static final int BATCH = 50;

    @Inject
    GateChannel gate;

    @Inject
    MovableClock clock;

    @Inject
    HeldWaves heldWaves;

    final List<Master> masters = new ArrayList<>();

    Master master(String name) {
        Master m = TestMasters.master(name, clock, List.of(heldWaves));
        masters.add(m);
        return m;
    }

    @AfterEach
    void stop() {
        gate.open();
        masters.forEach(m -> m.drain(2_000));
        clock.reset();
    }

    static void tickUntil(Master m, long id, String kinds, java.util.function.Predicate<JsonPath> done) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            m.tick();
            return done.test(Api.get(kinds, id));
        });
    }

    @Test
    void aHeldWaveWhoseWorkerDiesIsTakenOverByAnotherInstanceAndNobodyIsSentTwice() throws Exception {
        gate.reset();
        Master a = master("instance-a");
        Master b = master("instance-b");
        Map<String, String> zoneOf = new LinkedHashMap<>();
        for (int i = 0; i < MEMBERS; i++) {
            zoneOf.put("tz-t-" + i, i % 2 == 0 ? "UTC" : "Etc/GMT-6");
        }
        TimedDeliveryTest.importMembers(zoneOf);
        long audience = Api.idsAudience(new ArrayList<>(zoneOf.keySet()));
        Api.command("audiences", audience, "start", 200);
        tickUntil(b, audience, "audiences", j -> "finished".equals(j.getString("state")));
        Set<String> held = new HashSet<>();
        zoneOf.forEach((m, z) -> {
            if (z.equals("UTC")) {
                held.add(m);
            }
        });
        java.time.LocalTime now = java.time.LocalTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        Map<String, Object> body = new HashMap<>(Map.of("name", "timed takeover", "audienceId", audience, "channel", "gate",
                "message", Map.of("title", "Good morning"), "workers", 1, "batchSize", BATCH, "qps", 0,
                "timing", Map.of("timezone", "UTC", "quietHours", Map.of("start", now.minusHours(1).toString(),
                        "end", now.plusHours(2).toString()))));
        long campaign = given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(201)
                .extract().jsonPath().getLong("id");

        Instant startedAt = clock.instant();
        Api.command("campaigns", campaign, "start", 200);
        tickUntil(a, campaign, "campaigns", j -> "paused".equals(j.getString("state")));
        JsonPath waiting = Api.get("campaigns", campaign);
        assertEquals(MEMBERS / 2, waiting.getLong("progress.sent"));
        assertEquals(MEMBERS / 2, waiting.getLong("progress.held"));
        assertEquals(MEMBERS / 2, gate.delivered().size());
        Instant opens = TimedDeliveryTest.quietEnd(waiting, startedAt);

        // Paced for the held wave only, so that its worker is mid-wave when the gate closes; the first wave has no fault.
        Api.pace("campaigns", campaign, 300);
        clock.advance(Duration.between(clock.instant(), opens).plusSeconds(1));
        // A releases the wave and its worker starts on it; then A is never ticked again (silent, as if dead).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            a.tick();
            return gate.delivered().size() > MEMBERS / 2;
        });
        await().atMost(Duration.ofSeconds(90)).until(() -> gate.delivered().size() >= MEMBERS / 2 + MEMBERS / 6);
        gate.close();
        List<String> inFlight = gate.held().get(30, TimeUnit.SECONDS);
        Api.pace("campaigns", campaign, 0);
        tickUntil(b, campaign, "campaigns", j -> "finished".equals(j.getString("state")));

        JsonPath done = Api.get("campaigns", campaign);
        List<String> delivered = gate.delivered();
        Map<String, Integer> times = new HashMap<>();
        delivered.forEach(m -> times.merge(m, 1, Integer::sum));
        assertEquals(List.of(), times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList(),
                "nobody sent twice");
        assertTrue(inFlight.size() <= BATCH && !inFlight.isEmpty(), "one hung sub-batch: " + inFlight.size());
        assertTrue(held.containsAll(inFlight), "the hung sub-batch is of the held wave");
        assertTrue(inFlight.stream().noneMatch(new HashSet<>(delivered)::contains), "unknown members are never re-sent");
        assertEquals(inFlight.size(), done.getLong("progress.unknown"));
        assertEquals(MEMBERS - inFlight.size(), done.getLong("progress.sent"));
        assertEquals(MEMBERS, done.getLong("progress.processed"));
        assertEquals(0, done.getLong("progress.held"));
        Set<String> expected = new HashSet<>(zoneOf.keySet());
        inFlight.forEach(expected::remove);
        assertEquals(expected, new HashSet<>(delivered), "every other member was sent");
        for (String m : inFlight) {
            given().get("/api/campaigns/" + campaign + "/deliveries/" + m).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("unknown"));
        }
        given().get("/api/campaigns/" + campaign + "/deliveries/" + delivered.get(delivered.size() - 1)).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("sent"));
    }
}
