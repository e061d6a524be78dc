package dev.push.engine;

import dev.push.Api;
import dev.push.channel.GateChannel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two masters in one process, ticked by the test: instance A's worker hangs in the middle of a
 * chunk and A stops heart-beating, as a dead or frozen instance would; instance B takes over.
 */
@QuarkusTest
@TestProfile(TestMasters.ManualEngine.class)
class WorkerTakeoverTest {
    static final int MEMBERS = 3_000;
    static final int BATCH = 50;

    @Inject
    GateChannel gate;

    final List<Master> masters = new ArrayList<>();

    Master master(String name) {
        Master m = TestMasters.master(name, java.time.Clock.systemUTC(), List.of());
        masters.add(m);
        return m;
    }

    @AfterEach
    void stopMasters() {
        gate.open();
        masters.forEach(m -> m.drain(2_000));
    }

    /** Ticks a master until the task reaches the state. */
    static void tickUntil(Master m, String kinds, long id, String state) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            m.tick();
            return state.equals(Api.get(kinds, id).getString("state"));
        });
    }

    record Hung(long campaign, List<String> inFlight) {
    }

    /**
     * Instance A runs a campaign's only worker until a third is delivered; then its send hangs and
     * A falls silent (never ticks again), while instance B ticks on until the campaign finishes.
     */
    Hung campaignWhoseWorkerOnAHangs(String prefix) throws Exception {
        gate.reset();
        Master a = master("instance-a");
        Master b = master("instance-b");
        long audience = Api.idsAudience(Api.memberIds(prefix, MEMBERS));
        Api.command("audiences", audience, "start", 200);
        tickUntil(b, "audiences", audience, "finished");

        long campaign = Api.campaign(audience, "gate", 1, 0, BATCH, 100);
        Api.command("campaigns", campaign, "start", 200);
        a.tick();
        await().atMost(Duration.ofSeconds(90)).until(() -> gate.delivered().size() >= MEMBERS / 3);
        gate.close();
        List<String> inFlight = gate.held().get(30, TimeUnit.SECONDS);
        tickUntil(b, "campaigns", campaign, "finished");
        return new Hung(campaign, inFlight);
    }

    @Test
    void deadWorkersChunkIsTakenOverAndItsInFlightBatchIsUnknownNeverResent() throws Exception {
        Hung hung = campaignWhoseWorkerOnAHangs("takeover-");
        long campaign = hung.campaign();
        List<String> inFlight = hung.inFlight();

        JsonPath done = Api.get("campaigns", campaign);
        assertEquals(MEMBERS / 1_000, given().get("/api/tasks/" + campaign + "/units").then().statusCode(200)
                .extract().jsonPath().getList("$").size(), "a small campaign: a unit per 1,000 members, each of many shards");
        assertEquals(List.of("ready", "started", "reboot", "started", "finished"), done.getList("history.to"),
                "the task showed reboot while the dead worker was replaced, then went on by itself");
        assertEquals(inFlight.size(), done.getLong("progress.unknown"), "the hung sub-batch, and only it, is unknown");
        assertTrue(inFlight.size() <= BATCH, "at most one sub-batch is unknown");
        assertEquals(MEMBERS - inFlight.size(), done.getLong("progress.sent"));
        assertEquals(MEMBERS, done.getLong("progress.processed"));
        List<String> delivered = gate.delivered();
        assertNoDuplicates(delivered);
        assertTrue(inFlight.stream().noneMatch(new HashSet<>(delivered)::contains), "unknown members are never re-sent");
        for (String m : inFlight) {
            given().get("/api/campaigns/" + campaign + "/deliveries/" + m).then().statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("unknown"));
        }
    }

    @Test
    void slowWorkerWhoseLeaseWasTakenIsFencedOffAndSendsNothingMore() throws Exception {
        Hung hung = campaignWhoseWorkerOnAHangs("fenced-");
        long campaign = hung.campaign();
        List<String> inFlight = hung.inFlight();
        int sendsBefore = gate.sends();
        List<String> deliveredBefore = gate.delivered();

        gate.open(); // the slow worker's send completes now, long after its lease was taken
        Thread.sleep(1_000);

        assertEquals(sendsBefore, gate.sends(), "the fenced worker made no further send");
        List<String> after = gate.delivered();
        assertEquals(deliveredBefore.size() + inFlight.size(), after.size(), "only its hung send completed");
        assertNoDuplicates(after);
        assertEquals(inFlight.size(), Api.get("campaigns", campaign).getLong("progress.unknown"),
                "its late completion did not change the record: those members stay unknown");
    }

    static void assertNoDuplicates(List<String> delivered) {
        Map<String, Integer> times = new HashMap<>();
        delivered.forEach(m -> times.merge(m, 1, Integer::sum));
        assertEquals(List.of(), times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList());
    }
}
