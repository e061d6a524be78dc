package dev.push.audience;

import dev.push.Api;
import dev.push.task.TaskUnits;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * A query scan given back mid-way goes on from its unit's checkpoint: the worker that takes the
 * unit next reads only the members after it, and the audience has each matching member once.
 */
@QuarkusTest
class QueryScanResumeTest {
    static final int MATCHING = 6_000;
    /** Members added per second: the build takes about six seconds, long enough to pause it mid-way. */
    static final int QPS = 1_000;

    @Inject
    MeterRegistry registry;

    @Inject
    TaskUnits shards;

    @Test
    void aScanPausedMidwayResumesFromItsCheckpointAndReadsEachMemberOnce() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 2 * MATCHING; i++) {
            ndjson.append("{\"id\":\"resume-").append(i).append("\",\"attributes\":{\"lot\":\"resume\",\"odd\":")
                    .append(i % 2 == 1).append("}}\n");
        }
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("imported", equalTo(2 * MATCHING));
        Set<String> expected = IntStream.range(0, 2 * MATCHING).filter(i -> i % 2 == 1).mapToObj(i -> "resume-" + i)
                .collect(Collectors.toSet());
        // Two workers: two id ranges; three shards: each gets a full chunk and an open one.
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "resumed scan", "source",
                        Map.of("kind", "query", "filter", Map.of("lot", "resume", "odd", true)),
                        "workers", 2, "qps", QPS, "shards", 3))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");

        Api.command("audiences", id, "start", 200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Api.get("audiences", id).getLong("progress.sent") >= 1_000);
        Api.command("audiences", id, "pause", 200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "waiting".equals(unit(id).getString("[0].state")));
        long stagedAtPause = unit(id).getLong("[0].counts.processed");
        Api.command("audiences", id, "resume", 200);
        JsonPath built = Api.awaitState("audiences", id, "finished", Duration.ofSeconds(60));

        assertTrue(stagedAtPause >= 1_000 && stagedAtPause < MATCHING, "paused mid-way: " + stagedAtPause);
        Document scan = (Document) shards.all(id, 1, 1).get(0).get("scan"); // run 1: a pause keeps the run
        assertEquals(stagedAtPause, scan.getLong("resumedFrom"), "the second attempt started from the checkpoint");
        assertEquals(MATCHING, (long) registry.get("push.audience.scanned").tag("audience", String.valueOf(id))
                .counter().count(), "each matching member read and staged once over both attempts");
        assertEquals(MATCHING, built.getLong("progress.sent"));
        List<String> members = AudienceBuildTest.members(id);
        assertEquals(MATCHING, members.size(), "no member twice");
        assertEquals(expected, new HashSet<>(members));
    }

    /** The audience's one unit of work (a query is scanned in one), as the API shows it. */
    private static JsonPath unit(long id) {
        return given().get("/api/tasks/" + id + "/units").then().statusCode(200).extract().jsonPath();
    }
}
