package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.LogChannel;
import dev.push.engine.MasterLoop;
import dev.push.engine.ServiceInstance;
import dev.push.time.MovableClock;
import io.quarkus.test.junit.QuarkusTest;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, time: members' own zones, local-time waves and quiet hours, on the real embedded server with the
 * injected clock moved forward (hours pass without sleeping). Counts are per member: who was sent, when, and once.
 */
@QuarkusTest
class TimedDeliveryTest {
    /** Six zones, earliest 10:00 first: each releases its 500 members at its own hour. */
    static final List<String> ZONES = List.of("Asia/Tokyo", "Asia/Kolkata", "Europe/Paris", "UTC", "America/New_York",
            "America/Los_Angeles");

    @Inject
    LogChannel log;

    @Inject
    MovableClock clock;

    @Inject
    MasterLoop engine;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** Imports members with their zones ({@code null}: none); answers the import report. */
    static JsonPath importMembers(Map<String, String> zones) {
        List<String> lines = new ArrayList<>();
        zones.forEach((m, z) -> lines.add(z == null ? "{\"id\":\"" + m + "\"}" : "{\"id\":\"" + m + "\",\"timezone\":\"" + z + "\"}"));
        return given().contentType("application/x-ndjson").body(String.join("\n", lines).getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).extract().jsonPath();
    }

    static long timedCampaign(long audience, Map<String, Object> timing, Map<String, Object> more) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "timed", "audienceId", audience, "channel", "log",
                "message", Map.of("title", "Good morning"), "workers", 2, "batchSize", 100, "timing", timing));
        body.putAll(more);
        return given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    /** Moves the injected clock to {@code at} (it only moves forward). */
    void moveTo(Instant at) {
        Duration by = Duration.between(clock.instant(), at);
        if (!by.isNegative()) {
            clock.advance(by);
        }
    }

    /** Waits until the campaign is paused waiting with {@code sent} members sent (or finished, when {@code last}). */
    static JsonPath awaitWave(long campaign, long sent, boolean last) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonPath c = Api.get("campaigns", campaign);
            boolean settled = last ? "finished".equals(c.getString("state"))
                    : "paused".equals(c.getString("state")) && Boolean.TRUE.equals(c.getBoolean("timing.waiting"));
            return settled && c.getLong("progress.sent") == sent;
        });
        return Api.get("campaigns", campaign);
    }

    /**
     * Lets the engine tick twice at the current clock, nudged rather than waited for: enough for any due release to
     * start. A tick writes the instance's heartbeat with the clock it started at, and ticks never overlap, so a
     * heartbeat newer than one at or after the clock's reading now means the tick that wrote that one has ended.
     */
    void letTicksPass() {
        String instance = given().get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'instance' }.data.instance");
        long[] seen = {clock.millis() - 1};
        for (int tick = 0; tick < 3; tick++) {
            engine.nudge();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
                ServiceInstance me = ServiceInstance.findById(instance);
                if (me == null || me.heartbeat <= seen[0]) {
                    return false;
                }
                seen[0] = me.heartbeat;
                return true;
            });
        }
    }

    /**
     * The ticks let pass released nobody: the campaign still waits with {@code held} members held. (The deliveries
     * counted beside it could lag a wrong release by a send; a release is the state the tick writes.)
     */
    static void assertStillWaiting(long campaign, long held) {
        JsonPath c = Api.get("campaigns", campaign);
        assertEquals("paused", c.getString("state"), "still waiting");
        assertEquals(Boolean.TRUE, c.getBoolean("timing.waiting"), "still waiting");
        assertEquals(held, c.getLong("progress.held"), "still held");
    }

    @Test
    void aTenOClockLocalCampaignReleasesEachOfSixZonesAtItsHourAndNobodyEarly() throws InterruptedException {
        Map<String, String> zoneOf = new LinkedHashMap<>();
        for (int i = 0; i < 3000; i++) {
            String zone = ZONES.get(i % ZONES.size());
            // UTC members carry no zone: the campaign's default zone (UTC) applies to them.
            zoneOf.put("tz-a-" + i, zone);
        }
        Map<String, String> imported = new LinkedHashMap<>(zoneOf);
        imported.replaceAll((m, z) -> z.equals("UTC") ? null : z);
        importMembers(imported);
        long audience = Api.builtAudience(new ArrayList<>(zoneOf.keySet()));
        LocalDate date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(3);
        long campaign = timedCampaign(audience, Map.of("timezone", "UTC", "date", date.toString(), "localTime", "10:00"), Map.of());

        Api.command("campaigns", campaign, "start", 200);
        JsonPath waiting = awaitWave(campaign, 0, false);
        assertEquals(3000, waiting.getLong("progress.held"));
        assertEquals("waiting for 10:00 Asia/Tokyo (500 members)", waiting.getString("stateReason"));
        assertEquals(instantAt(date, "Asia/Tokyo"), Instant.parse(waiting.getString("timing.next")));
        assertEquals(0, log.deliveredMembers(campaign).size());

        Set<String> released = new HashSet<>();
        for (int z = 0; z < ZONES.size(); z++) {
            Instant tenOClock = instantAt(date, ZONES.get(z));
            moveTo(tenOClock.minus(Duration.ofMinutes(1)));
            letTicksPass();
            assertEquals(500 * z, log.deliveredMembers(campaign).size(), "nobody of " + ZONES.get(z) + " before 10:00 local");
            assertStillWaiting(campaign, 3000 - 500 * z);

            moveTo(tenOClock.plusSeconds(1));
            boolean last = z == ZONES.size() - 1;
            JsonPath after = awaitWave(campaign, 500L * (z + 1), last);
            for (Map.Entry<String, String> e : zoneOf.entrySet()) {
                if (e.getValue().equals(ZONES.get(z))) {
                    released.add(e.getKey());
                }
            }
            List<String> delivered = log.deliveredMembers(campaign);
            assertEquals(released, new HashSet<>(delivered), "exactly the zones whose 10:00 has come, after " + ZONES.get(z));
            assertEquals(500 * (z + 1), delivered.size(), "each once");
            assertEquals(3000 - 500 * (z + 1), after.getLong("progress.held"));
            if (!last) {
                String next = ZONES.get(z + 1);
                assertEquals("waiting for 10:00 " + next + " (500 members)", after.getString("stateReason"));
                assertEquals(instantAt(date, next), Instant.parse(after.getString("timing.next")));
            }
        }
        JsonPath done = Api.get("campaigns", campaign);
        assertEquals(3000, done.getLong("progress.sent"));
        assertEquals(3000, done.getLong("progress.processed"));
        assertEquals(0, done.getLong("progress.held"));
        assertEquals(Set.of("sent"), new HashSet<>(ExpiryTest.states(campaign).values()));
    }

    static Instant instantAt(LocalDate date, String zone) {
        return ZonedDateTime.of(date, LocalTime.of(10, 0), ZoneId.of(zone)).toInstant();
    }

    @Test
    void membersWhoseTimeHadPassedAtTheStartAreSkippedOrSentAtOnceAsTheOperatorChose() throws InterruptedException {
        Map<String, String> zoneOf = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            zoneOf.put("tz-p-" + i, i % 2 == 0 ? "Asia/Tokyo" : "America/Los_Angeles");
        }
        importMembers(zoneOf);
        long audience = Api.builtAudience(new ArrayList<>(zoneOf.keySet()));
        LocalDate date = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(2);
        Map<String, Object> skip = Map.of("date", date.toString(), "localTime", "10:00", "passed", "skip");
        Map<String, Object> send = Map.of("date", date.toString(), "localTime", "10:00");
        long skipping = timedCampaign(audience, skip, Map.of());
        long sending = timedCampaign(audience, send, Map.of());
        Set<String> tokyo = zoneOf.entrySet().stream().filter(e -> e.getValue().equals("Asia/Tokyo")).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        // Tokyo's 10:00 has passed when both start; Los Angeles' has not.
        moveTo(instantAt(date, "Asia/Tokyo").plus(Duration.ofHours(1)));

        Api.command("campaigns", skipping, "start", 200);
        Api.command("campaigns", sending, "start", 200);
        JsonPath skippingWaits = awaitWave(skipping, 0, false);
        JsonPath sendingWaits = awaitWave(sending, 50, false);
        assertEquals(50, skippingWaits.getLong("progress.skipped"));
        assertEquals(50, skippingWaits.getLong("progress.held"));
        assertEquals(tokyo, new HashSet<>(log.deliveredMembers(sending)));
        assertEquals(50, sendingWaits.getLong("progress.held"));
        assertEquals("waiting for 10:00 America/Los_Angeles (50 members)", sendingWaits.getString("stateReason"));

        moveTo(instantAt(date, "America/Los_Angeles").plusSeconds(1));
        JsonPath skipped = awaitWave(skipping, 50, true);
        JsonPath sent = awaitWave(sending, 100, true);
        assertEquals(50, skipped.getLong("progress.skipped"));
        assertEquals(100, skipped.getLong("progress.processed"));
        Set<String> losAngeles = new HashSet<>(zoneOf.keySet());
        losAngeles.removeAll(tokyo);
        assertEquals(losAngeles, new HashSet<>(log.deliveredMembers(skipping)));
        assertEquals(50, log.deliveredMembers(skipping).size());
        assertEquals(100, log.deliveredMembers(sending).size());
        assertEquals(100, new HashSet<>(log.deliveredMembers(sending)).size());
        assertEquals(0, sent.getLong("progress.skipped"));
        for (Map<String, Object> d : Api.deliveries(skipping)) {
            boolean passed = tokyo.contains((String) d.get("memberId"));
            assertEquals(passed ? "skipped" : "sent", d.get("state"), (String) d.get("memberId"));
            if (passed) {
                assertEquals(DeliveryTiming.PASSED, d.get("reason"));
            }
        }
    }

    /**
     * Quiet hours from an hour ago to two hours ahead in UTC: members in UTC are inside them and held; members six hours
     * ahead (Etc/GMT-6) are outside and sent at once.
     */
    Map<String, Object> quietAroundNow() {
        LocalTime now = LocalTime.ofInstant(clock.instant(), ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        return Map.of("timezone", "UTC", "quietHours", Map.of("start", now.minusHours(1).toString(), "end", now.plusHours(2).toString()));
    }

    /** When the quiet hours of {@link #quietAroundNow} end, as the campaign stores them. */
    static Instant quietEnd(JsonPath campaign, Instant now) {
        LocalTime end = LocalTime.parse(campaign.getString("timing.quiet.end"));
        ZonedDateTime open = ZonedDateTime.of(LocalDate.ofInstant(now, ZoneOffset.UTC), end, ZoneOffset.UTC);
        return open.toInstant().isAfter(now) ? open.toInstant() : open.plusDays(1).toInstant();
    }

    Map<String, String> quietMembers(String prefix) {
        Map<String, String> zoneOf = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            zoneOf.put(prefix + i, i % 2 == 0 ? "UTC" : "Etc/GMT-6");
        }
        importMembers(zoneOf);
        return zoneOf;
    }

    @Test
    void membersInsideQuietHoursAreHeldAndSentWhenTheWindowOpens() throws InterruptedException {
        Map<String, String> zoneOf = quietMembers("tz-q-");
        long audience = Api.builtAudience(new ArrayList<>(zoneOf.keySet()));
        long campaign = timedCampaign(audience, quietAroundNow(), Map.of());
        Set<String> inside = zoneOf.entrySet().stream().filter(e -> e.getValue().equals("UTC")).map(Map.Entry::getKey)
                .collect(Collectors.toSet());

        Instant startedAt = clock.instant();
        Api.command("campaigns", campaign, "start", 200);
        JsonPath waiting = awaitWave(campaign, 100, false);
        Set<String> outside = new HashSet<>(zoneOf.keySet());
        outside.removeAll(inside);
        assertEquals(outside, new HashSet<>(log.deliveredMembers(campaign)), "only members outside their quiet hours");
        assertEquals(100, waiting.getLong("progress.held"));
        Instant opens = quietEnd(waiting, startedAt);
        assertEquals(opens, Instant.parse(waiting.getString("timing.next")));
        assertEquals("waiting for " + waiting.getString("timing.quiet.end") + " UTC (100 members)", waiting.getString("stateReason"));

        Api.command("campaigns", campaign, "resume", 200);
        JsonPath waitingAgain = awaitWave(campaign, 100, false);
        assertEquals(100, waitingAgain.getLong("progress.held"), "a resume sends nobody early");
        assertEquals(opens, Instant.parse(waitingAgain.getString("timing.next")));

        moveTo(opens.minus(Duration.ofMinutes(1)));
        letTicksPass();
        assertEquals(100, log.deliveredMembers(campaign).size(), "nobody inside quiet hours");
        assertStillWaiting(campaign, 100);

        moveTo(opens.plusSeconds(1));
        JsonPath done = awaitWave(campaign, 200, true);
        assertEquals(200, log.deliveredMembers(campaign).size());
        assertEquals(zoneOf.keySet(), new HashSet<>(log.deliveredMembers(campaign)));
        assertEquals(0, done.getLong("progress.held"));
        assertEquals(200, done.getLong("progress.processed"));
    }

    @Test
    void aHeldMemberReadsHeldWithItsReleaseTimeUntilItsWaveSendsIt() throws InterruptedException {
        Map<String, String> zoneOf = new LinkedHashMap<>();
        zoneOf.put("tz-h-utc", "UTC");
        zoneOf.put("tz-h-east", "Etc/GMT-6");
        importMembers(zoneOf);
        long campaign = timedCampaign(Api.builtAudience(new ArrayList<>(zoneOf.keySet())), quietAroundNow(), Map.of());
        Instant startedAt = clock.instant();
        Api.command("campaigns", campaign, "start", 200);
        JsonPath waiting = awaitWave(campaign, 1, false);
        Instant opens = quietEnd(waiting, startedAt);
        String end = waiting.getString("timing.quiet.end");

        JsonPath held = given().get("/api/campaigns/" + campaign + "/deliveries/tz-h-utc").then().statusCode(200).extract().jsonPath();
        assertEquals("held", held.getString("state"));
        assertEquals(opens, Instant.parse(held.getString("releaseAt")));
        assertEquals("held until " + end + " UTC", held.getString("reason"));
        JsonPath sent = given().get("/api/campaigns/" + campaign + "/deliveries/tz-h-east").then().statusCode(200).extract().jsonPath();
        assertEquals("sent", sent.getString("state"));
        assertNull(sent.getString("releaseAt"));
        assertEquals(List.of("tz-h-utc"), given().queryParam("state", "held").get("/api/campaigns/" + campaign + "/deliveries")
                .then().statusCode(200).extract().jsonPath().getList("items.memberId"));
        assertEquals(List.of(), given().queryParam("state", "pending").get("/api/campaigns/" + campaign + "/deliveries")
                .then().statusCode(200).extract().jsonPath().getList("items"), "a held member is not pending");
        String[] csv = given().accept("text/csv").get("/api/campaigns/" + campaign + "/deliveries").then().statusCode(200)
                .extract().asString().split("\r\n");
        assertEquals(List.of("tz-h-utc,held,held until " + end + " UTC,,,,,,,," + opens),
                java.util.Arrays.stream(csv).filter(l -> l.startsWith("tz-h-utc,")).toList());

        moveTo(opens.plusSeconds(1));
        awaitWave(campaign, 2, true);
        JsonPath released = given().get("/api/campaigns/" + campaign + "/deliveries/tz-h-utc").then().statusCode(200).extract().jsonPath();
        assertEquals("sent", released.getString("state"));
        assertNull(released.getString("releaseAt"));
    }

    @Test
    void aCriticalCampaignIsSentInsideQuietHours() throws InterruptedException {
        Map<String, String> zoneOf = quietMembers("tz-c-");
        long audience = Api.builtAudience(new ArrayList<>(zoneOf.keySet()));
        long campaign = timedCampaign(audience, quietAroundNow(), Map.of("critical", true));

        Api.command("campaigns", campaign, "start", 200);
        JsonPath done = awaitWave(campaign, 200, true);

        assertEquals(zoneOf.keySet(), new HashSet<>(log.deliveredMembers(campaign)), "everyone at once, quiet hours or not");
        assertEquals(200, log.deliveredMembers(campaign).size());
        assertEquals(0, done.getLong("progress.held"));
    }

    @Test
    void membersHeldPastTheCampaignsExpiryAreCountedExpiredAndNeverSent() {
        Map<String, String> zoneOf = quietMembers("tz-e-");
        long audience = Api.builtAudience(new ArrayList<>(zoneOf.keySet()));
        Instant expiresAt = clock.instant().plus(Duration.ofHours(1));
        long campaign = timedCampaign(audience, quietAroundNow(), Map.of("expiresAt", expiresAt.toString()));

        Api.command("campaigns", campaign, "start", 200);
        JsonPath waiting = awaitWave(campaign, 100, false);
        assertEquals(100, waiting.getLong("progress.held"));
        assertEquals(expiresAt.truncatedTo(ChronoUnit.MILLIS), Instant.parse(waiting.getString("timing.next")));
        assertTrue(waiting.getString("stateReason").startsWith("waiting for the expiry at "), waiting.getString("stateReason"));

        moveTo(expiresAt.plusSeconds(1));
        JsonPath done = awaitWave(campaign, 100, true);
        assertEquals(100, done.getLong("progress.expired"));
        assertEquals(0, done.getLong("progress.held"));
        assertEquals(200, done.getLong("progress.processed"));
        assertEquals(100, log.deliveredMembers(campaign).size());
        Map<String, String> states = ExpiryTest.states(campaign);
        zoneOf.forEach((m, z) -> assertEquals(z.equals("UTC") ? "expired" : "sent", states.get(m), m));
    }

    @Test
    void theOpenApiDocumentDescribesTheTimingOfACampaignAndTheZoneOfAMember() {
        JsonPath openapi = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        assertEquals(Set.of("timezone", "date", "localTime", "passed", "quietHours"),
                openapi.getMap("components.schemas.Timing.properties").keySet());
        assertEquals(Set.of("start", "end", "enabled"), openapi.getMap("components.schemas.QuietHours.properties").keySet());
        assertTrue(openapi.getMap("components.schemas.Member.properties").containsKey("timezone"));
        assertTrue(openapi.getMap("components.schemas.Progress.properties").containsKey("held"));
        assertTrue(openapi.getMap("components.schemas.DeliveryView.properties").containsKey("releaseAt"));
    }

    @Test
    void anImportedZoneIsKeptAndAnUnknownOneRejectsItsLine() {
        JsonPath report = given().contentType("text/csv")
                .body("id,timezone\ntz-i-1,Europe/Paris\ntz-i-2,Mars/Olympus\ntz-i-3,+02:00\ntz-i-4,\n".getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("rejectedCount", equalTo(2)).extract().jsonPath();
        assertEquals(List.of(3, 4), report.getList("rejected.line"));
        assertTrue(report.getString("rejected[0].reason").contains("timezone \"Mars/Olympus\" must be an IANA time zone"),
                report.getString("rejected[0].reason"));
        given().get("/api/members/tz-i-1").then().statusCode(200).body("timezone", equalTo("Europe/Paris"));
        assertNull(given().get("/api/members/tz-i-4").then().statusCode(200).extract().jsonPath().getString("timezone"));
        given().contentType("application/x-ndjson").body("{\"id\":\"tz-i-5\",\"timezone\":\"Nowhere/City\"}".getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("rejectedCount", equalTo(1))
                .body("rejected[0].line", equalTo(1));
    }
}
