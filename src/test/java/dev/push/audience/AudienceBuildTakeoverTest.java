package dev.push.audience;

import dev.push.Api;
import dev.push.engine.Master;
import dev.push.engine.TestMasters;
import dev.push.task.TaskUnits;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two masters in one process, ticked by the test: instance A's worker builds the first step of an upload's unit,
 * checkpoints it, and then waits (its rate allows the next step only much later) while A falls silent, as a
 * dead or frozen instance would; instance B takes the unit over from that checkpoint and finishes the build.
 */
@QuarkusTest
@TestProfile(TestMasters.ManualEngine.class)
class AudienceBuildTakeoverTest {
    static final int SHARDS = 8;
    static final int DISTINCT = 800;
    static final int DUPLICATES = 100;

    @Inject
    TaskUnits units;

    final List<Master> masters = new ArrayList<>();

    @AfterEach
    void stopMasters() {
        masters.forEach(m -> m.drain(2_000));
    }

    @Test
    void aUnitTakenOverMidBuildGoesOnFromItsCheckpointWithExactCountsAndEachMemberOnce() {
        Master a = TestMasters.master("instance-a", Clock.systemUTC(), List.of());
        Master b = TestMasters.master("instance-b", Clock.systemUTC(), List.of());
        masters.add(a);
        masters.add(b);
        // One worker at 1 member/s: a step is one shard, and after the first the rate holds A's worker for minutes.
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "taken over", "shards", SHARDS,
                        "workers", 1, "qps", 1, "source", Map.of("kind", "upload")))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        List<String> lines = new ArrayList<>();
        IntStream.range(0, DISTINCT).forEach(i -> lines.add("over-" + i));
        IntStream.range(0, DUPLICATES).forEach(i -> lines.add("over-" + i * 7));
        given().contentType(ContentType.TEXT).body(String.join("\n", lines)).put("/api/audiences/" + id + "/upload")
                .then().statusCode(200).body("accepted", equalTo(DISTINCT + DUPLICATES));

        Api.command("audiences", id, "start", 200);
        a.tick();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> unit(id).getInteger("cursor", 0) >= 1);
        Document atTakeOver = unit(id);
        // A is silent from here; its worker waits for its rate. B runs the build unlimited.
        Api.pace("audiences", id, 0);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            b.tick();
            return "finished".equals(Api.get("audiences", id).getString("state"));
        });

        JsonPath built = Api.get("audiences", id);
        Document done = unit(id);
        assertEquals(1, given().get("/api/tasks/" + id + "/units").then().statusCode(200).extract().jsonPath()
                .getList("$").size(), "900 lines with one worker: one unit of all eight shards");
        assertEquals(1, atTakeOver.getInteger("cursor"), "A checkpointed its first shard and held the unit");
        assertTrue(atTakeOver.getString("owner").startsWith("instance-a/"), atTakeOver.getString("owner"));
        assertTrue(done.getString("previousOwner").startsWith("instance-a/"), "B took the unit over from A's worker");
        assertEquals(SHARDS, done.getInteger("cursor"));
        assertEquals(DISTINCT, built.getLong("progress.sent"), "members added");
        assertEquals(DUPLICATES, built.getLong("progress.skipped"), "duplicates skipped");
        assertEquals(DISTINCT + DUPLICATES, built.getLong("progress.processed"), "every line read once in the counts");
        List<String> members = AudienceBuildTest.members(id);
        assertEquals(DISTINCT, members.size(), "no member twice");
        Set<String> expected = IntStream.range(0, DISTINCT).mapToObj(i -> "over-" + i).collect(Collectors.toSet());
        assertEquals(expected, new HashSet<>(members));
    }

    private Document unit(long id) {
        return units.all(id, 1, 1).get(0);
    }
}
