package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.LogChannel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class CampaignDeliveryTest {
    static final int MEMBERS = 20_000;

    @Inject
    LogChannel log;

    @Test
    void everyMemberReceivesTheMessageExactlyOnce() {
        List<String> ids = Api.memberIds("once-", MEMBERS);
        long audience = Api.builtAudience(ids);
        long campaign = Api.campaign(audience, "log", 8, 0, 200, 100);

        Api.command("campaigns", campaign, "start", 200);
        JsonPath done = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(120));

        assertExactlyOnce(ids, log.deliveredMembers(campaign));
        assertCounters(done, MEMBERS, MEMBERS, 0, 0);
        assertRecordsAllSent(campaign, ids);
    }

    @Test
    void aSmallCampaignIsSizedToItsAudienceAndReachesEachMemberExactlyOnce() {
        List<String> ids = Api.memberIds("small-", 2_500);
        long campaign = Api.campaign(Api.builtAudience(ids), "log", 1, 0, 200, 100);

        Api.command("campaigns", campaign, "start", 200);
        JsonPath done = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));

        List<Map<String, Object>> units = given().get("/api/tasks/" + campaign + "/units").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(3, units.size(), "a unit per 1,000 members, not one per shard");
        assertEquals(3, units.stream().filter(u -> "done".equals(u.get("state"))).count());
        assertExactlyOnce(ids, log.deliveredMembers(campaign));
        assertCounters(done, 2_500, 2_500, 0, 0);
        assertRecordsAllSent(campaign, ids);
    }

    @Test
    void pausedCampaignResumesWhereItStopped() {
        List<String> ids = Api.memberIds("pause-", MEMBERS);
        long campaign = Api.campaign(Api.builtAudience(ids), "log", 4, 5_000, 100, 100);

        Api.command("campaigns", campaign, "start", 200);
        awaitProcessed(campaign, MEMBERS / 3);
        Api.command("campaigns", campaign, "pause", 200);
        long atPause = awaitQuiet(campaign);
        assertTrue(atPause < MEMBERS, "paused before the end: " + atPause);
        assertEquals(atPause, log.deliveredMembers(campaign).size(), "what was counted is what was delivered");

        Api.command("campaigns", campaign, "resume", 200);
        JsonPath done = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(120));

        assertExactlyOnce(ids, log.deliveredMembers(campaign));
        assertCounters(done, MEMBERS, MEMBERS, 0, 0);
    }

    @Test
    void stoppedCampaignStartedAgainPushesNoMemberTwice() {
        List<String> ids = Api.memberIds("stop-", MEMBERS);
        long campaign = Api.campaign(Api.builtAudience(ids), "log", 4, 5_000, 100, 100);

        Api.command("campaigns", campaign, "start", 200);
        awaitProcessed(campaign, MEMBERS / 3);
        Api.command("campaigns", campaign, "stop", 200);
        long atStop = awaitQuiet(campaign);
        assertTrue(atStop < MEMBERS);

        Api.command("campaigns", campaign, "start", 200);
        JsonPath done = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(120));

        assertExactlyOnce(ids, log.deliveredMembers(campaign));
        // Counters restart with the run but are rebuilt from the delivery records as chunks are walked again.
        assertCounters(done, MEMBERS, MEMBERS, 0, 0);
        assertEquals(List.of("ready", "started", "stopped", "started", "finished"), done.getList("history.to"));
    }

    @Test
    void errorsInARowBeyondTheBudgetFailTheCampaign() {
        long campaign = Api.campaign(Api.builtAudience(Api.memberIds("fail-", 2_000)), "failing", 2, 0, 20, 50);

        Api.command("campaigns", campaign, "start", 200);
        JsonPath failed = Api.awaitState("campaigns", campaign, "failed", Duration.ofSeconds(60));

        String reason = failed.getString("stateReason");
        assertTrue(reason.startsWith("error budget exceeded"), reason);
        assertTrue(reason.contains("503 Service Unavailable"), reason);
        assertTrue(failed.getLong("progress.failed") > 50, "more failures than the budget of 50");
        assertTrue(failed.getLong("progress.failed") < 2_000, "stopped long before the end");
    }

    static void awaitProcessed(long campaign, long atLeast) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> Api.get("campaigns", campaign).getLong("progress.processed") >= atLeast);
    }

    /** Waits until no worker of the campaign runs and its counters no longer move. */
    static long awaitQuiet(long campaign) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Api.get("campaigns", campaign).getList("liveWorkers").isEmpty());
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = Api.get("campaigns", campaign).getLong("progress.processed");
            boolean still = now == last[0];
            last[0] = now;
            return still;
        });
        return last[0];
    }

    static void assertExactlyOnce(List<String> expected, List<String> delivered) {
        Map<String, Integer> times = new HashMap<>();
        delivered.forEach(m -> times.merge(m, 1, Integer::sum));
        List<String> twice = times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(5).toList();
        assertEquals(List.of(), twice, "members pushed more than once");
        assertEquals(new HashSet<>(expected), times.keySet(), "every member pushed");
        assertEquals(expected.size(), delivered.size());
    }

    static void assertCounters(JsonPath task, long total, long sent, long failed, long unknown) {
        assertEquals(total, task.getLong("progress.total"), "total");
        assertEquals(sent, task.getLong("progress.sent"), "sent");
        assertEquals(failed, task.getLong("progress.failed"), "failed");
        assertEquals(unknown, task.getLong("progress.unknown"), "unknown");
        assertEquals(total, task.getLong("progress.processed"), "processed");
    }

    static void assertRecordsAllSent(long campaign, List<String> ids) {
        List<Map<String, Object>> records = Api.deliveries(campaign);
        assertEquals(ids.size(), records.size(), "one record per member");
        assertEquals(new HashSet<>(ids), new HashSet<>(records.stream().map(r -> (String) r.get("memberId")).toList()));
        assertTrue(records.stream().allMatch(r -> "sent".equals(r.get("state"))), "every record says sent");
    }
}
