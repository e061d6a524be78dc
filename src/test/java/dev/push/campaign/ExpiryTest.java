package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.LogChannel;
import dev.push.time.MovableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, expiry: members not sent by a campaign's expiry are counted {@code expired} and never sent late; a paused
 * campaign past it can only be stopped; a TTL counts from the first start. Time passes on the injected clock.
 */
@QuarkusTest
class ExpiryTest {
    @Inject
    LogChannel log;

    @Inject
    MovableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static long campaign(List<String> ids, int qps, Map<String, Object> expiry) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "expiring", "audienceId", Api.builtAudience(ids), "channel", "log",
                "message", Map.of("title", "Flash sale"), "workers", 2, "qps", qps, "batchSize", 10,
                "collapseKey", "flash", "priority", "high"));
        body.putAll(expiry);
        return given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    static Map<String, String> states(long campaign) {
        return Api.deliveries(campaign).stream().collect(Collectors.toMap(r -> (String) r.get("memberId"), r -> (String) r.get("state")));
    }

    @Test
    void aCampaignStartedAfterItsExpiryCountsEveryMemberExpiredAndSendsNone() {
        List<String> ids = Api.memberIds("exp-a-", 120);
        long campaign = campaign(ids, 0, Map.of("expiresAt", clock.instant().plus(Duration.ofHours(1)).toString()));
        clock.advance(Duration.ofHours(2));

        JsonPath done = Api.startAndFinish(campaign);

        assertEquals(List.of(), log.deliveredMembers(campaign));
        assertEquals(120, done.getLong("progress.expired"));
        assertEquals(120, done.getLong("progress.processed"));
        assertEquals(0, done.getLong("progress.sent"));
        assertEquals(Set.of("expired"), new HashSet<>(states(campaign).values()));
        assertEquals(120, states(campaign).size());
    }

    @Test
    void aPausedCampaignPastItsExpiryCanOnlyBeStoppedAndItsUnsentMembersAreCountedExpired() {
        List<String> ids = Api.memberIds("exp-b-", 300);
        long campaign = campaign(ids, 40, Map.of("expiresAt", clock.instant().plus(Duration.ofHours(1)).toString()));
        Api.command("campaigns", campaign, "start", 200);
        CampaignDeliveryTest.awaitProcessed(campaign, 40);
        Api.command("campaigns", campaign, "pause", 200);
        long sentBefore = CampaignDeliveryTest.awaitQuiet(campaign);
        assertTrue(sentBefore < 300, "paused before the end: " + sentBefore);
        Set<String> sentBeforeExpiry = new HashSet<>(log.deliveredMembers(campaign));
        clock.advance(Duration.ofHours(2));

        String refusal = given().post("/api/campaigns/" + campaign + "/resume").then().statusCode(409).extract().asString();
        assertTrue(refusal.contains("can only be stopped"), refusal);
        Api.command("campaigns", campaign, "stop", 200);
        JsonPath done = Api.startAndFinish(campaign);

        assertEquals(sentBeforeExpiry, new HashSet<>(log.deliveredMembers(campaign)), "nobody sent after the expiry");
        assertEquals(sentBeforeExpiry.size(), log.deliveredMembers(campaign).size(), "each once");
        assertEquals(sentBeforeExpiry.size(), done.getLong("progress.sent"));
        assertEquals(300 - sentBeforeExpiry.size(), done.getLong("progress.expired"));
        Map<String, String> states = states(campaign);
        for (String id : ids) {
            assertEquals(sentBeforeExpiry.contains(id) ? "sent" : "expired", states.get(id), id);
        }
    }

    @Test
    void aTtlCountsFromTheFirstStartSoACampaignStartedLateStillSendsEveryMember() {
        List<String> ids = Api.memberIds("exp-c-", 50);
        long campaign = campaign(ids, 0, Map.of("ttl", "PT1H"));
        clock.advance(Duration.ofHours(3));
        Instant startedAt = clock.instant();

        JsonPath done = Api.startAndFinish(campaign);

        assertEquals(new HashSet<>(ids), new HashSet<>(log.deliveredMembers(campaign)));
        assertEquals(50, done.getLong("progress.sent"));
        assertEquals(0, done.getLong("progress.expired"));
        Instant expiresAt = Instant.parse(done.getString("expiresAt"));
        assertTrue(!expiresAt.isBefore(startedAt.plus(Duration.ofHours(1)))
                && expiresAt.isBefore(startedAt.plus(Duration.ofHours(1)).plusSeconds(30)), expiresAt + " vs start " + startedAt);
        assertEquals("PT1H", done.getString("ttl"));
        assertEquals(Map.of("collapseKey", "flash", "priority", "high"), done.getMap("hints"));
    }
}
