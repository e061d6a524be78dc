package dev.push.audience;

import dev.push.Api;
import dev.push.task.TaskUnits;
import dev.push.task.Tasks;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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
 * A build that finishes leaves no chunk beyond its layout, whatever an earlier attempt at the
 * same audience wrote further when more members matched.
 */
@QuarkusTest
class StrayChunkSweepTest {
    static final int MEMBERS = 6_000;
    static final int SHARDS = 2;

    @Inject
    AudienceChunks chunks;

    @Inject
    Tasks tasks;

    @Inject
    TaskUnits units;

    /** A chunk key far beyond any layout this test's builds reach. */
    static final int BEYOND = 40;

    /** Imports (or replaces) members {@code stray-from} up to {@code stray-to}, selected or not by the audience's filter. */
    static void importMembers(int from, int to, boolean selected, String answered) {
        importMembers("stray", from, to, selected, answered);
    }

    /** Imports (or replaces) members {@code <lot>-from} up to {@code <lot>-to} in their own lot. */
    static void importMembers(String lot, int from, int to, boolean selected, String answered) {
        StringBuilder ndjson = new StringBuilder();
        for (int i = from; i < to; i++) {
            ndjson.append("{\"id\":\"").append(lot).append('-').append(i).append("\",\"attributes\":{\"lot\":\"")
                    .append(lot).append("\",\"selected\":").append(selected).append("}}\n");
        }
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body(answered, equalTo(to - from));
    }

    /** Chunks of the audience that exist at keys {@code from[s]} up to {@code to[s]} (exclusive). */
    List<String> chunksBetween(long audience, List<Integer> from, List<Integer> to) {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            for (int k = from.get(s); k < to.get(s); k++) {
                if (!chunks.read(audience, s, k).isEmpty()) {
                    out.add(s + "/" + k);
                }
            }
        }
        return out;
    }

    @Test
    void aRebuildThatSelectsFewerMembersRemovesTheChunksTheFirstBuildWroteBeyondItsLayout() {
        importMembers(0, MEMBERS, true, "imported");
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "rebuilt", "source",
                        Map.of("kind", "query", "filter", Map.of("lot", "stray", "selected", true)),
                        "workers", 2, "shards", SHARDS))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        AudienceBuildTest.build(id);
        List<Integer> first = tasks.find(id).layout;
        // Two thirds of the members no longer match: the rebuild writes fewer chunks per shard.
        importMembers(0, 2 * MEMBERS / 3, false, "updated");
        Api.command("audiences", id, "start", 200);
        Api.awaitState("audiences", id, "finished", Duration.ofSeconds(60));
        List<Integer> second = tasks.find(id).layout;

        for (int s = 0; s < SHARDS; s++) {
            assertTrue(second.get(s) < first.get(s), "shard " + s + " shrank: " + first + " → " + second);
        }
        assertEquals(List.of(), chunksBetween(id, second, first), "no chunk beyond the final layout");
        Set<String> expected = IntStream.range(2 * MEMBERS / 3, MEMBERS).mapToObj(i -> "stray-" + i).collect(Collectors.toSet());
        List<String> members = AudienceBuildTest.members(id);
        assertEquals(expected.size(), members.size(), "no member twice");
        assertEquals(expected, new HashSet<>(members));
    }

    @Test
    void anUploadBuiltAgainFromFewerIdsRemovesTheChunksTheFirstBuildWroteBeyondItsLayout() {
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "uploaded twice",
                        "source", Map.of("kind", "upload"), "workers", 2, "shards", SHARDS))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        upload(id, 0, MEMBERS);
        AudienceBuildTest.build(id);
        List<Integer> first = tasks.find(id).layout;
        upload(id, 0, MEMBERS / 3);
        Api.command("audiences", id, "start", 200);
        Api.awaitState("audiences", id, "finished", Duration.ofSeconds(60));
        List<Integer> second = tasks.find(id).layout;

        for (int s = 0; s < SHARDS; s++) {
            assertTrue(second.get(s) < first.get(s), "shard " + s + " shrank: " + first + " → " + second);
        }
        assertEquals(List.of(), chunksBetween(id, second, first), "no chunk beyond the final layout");
        List<String> members = AudienceBuildTest.members(id);
        assertEquals(MEMBERS / 3, members.size(), "no member twice");
        assertEquals(IntStream.range(0, MEMBERS / 3).mapToObj(i -> "up-stray-" + i).collect(Collectors.toSet()),
                new HashSet<>(members));
    }

    /**
     * A first build is swept when a unit had a second attempt: here the query's scan is paused mid-way and resumed,
     * and a chunk beyond the layout stands for what an attempt killed mid-write would have left.
     */
    @Test
    void aFirstQueryBuildWhoseUnitHadASecondAttemptRemovesTheChunksBeyondItsLayout() {
        importMembers("paused", 0, MEMBERS, true, "imported");
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "paused first build", "source",
                        Map.of("kind", "query", "filter", Map.of("lot", "paused", "selected", true)),
                        "workers", 2, "shards", SHARDS, "qps", 1_000))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.command("audiences", id, "start", 200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Api.get("audiences", id).getLong("progress.sent") >= 1_000);
        Api.command("audiences", id, "pause", 200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> units.all(id, 1, 1).get(0).get("owner") == null);
        chunks.write(new ArrayList<>(List.of(AudienceChunks.chunk(id, 0, BEYOND, new ArrayList<>(List.of("paused-none"))))));
        Api.command("audiences", id, "resume", 200);
        Api.awaitState("audiences", id, "finished", Duration.ofSeconds(60));

        assertEquals(2, units.all(id, 1, 1).get(0).getInteger(TaskUnits.ATTEMPTS), "leased, given back, leased again");
        assertEquals(List.of(), chunks.read(id, 0, BEYOND), "the chunk beyond the layout was removed");
        assertEquals(MEMBERS, AudienceBuildTest.members(id).size(), "every matching member once");
    }

    /** A first build done in one attempt per unit: each unit counts one lease (the case that is not swept). */
    @Test
    void aFirstBuildCountsOneAttemptPerUnit() {
        importMembers("single", 0, MEMBERS, true, "imported");
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "one attempt", "source",
                        Map.of("kind", "query", "filter", Map.of("lot", "single", "selected", true)),
                        "workers", 2, "shards", SHARDS))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        AudienceBuildTest.build(id);

        assertEquals(1, units.all(id, 1, 1).get(0).getInteger(TaskUnits.ATTEMPTS));
    }

    static void upload(long audience, int from, int to) {
        String file = IntStream.range(from, to).mapToObj(i -> "up-stray-" + i).collect(Collectors.joining("\n"));
        given().contentType(ContentType.TEXT).body(file).put("/api/audiences/" + audience + "/upload")
                .then().statusCode(200).body("accepted", equalTo(to - from));
    }
}
