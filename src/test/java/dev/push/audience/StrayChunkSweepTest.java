package dev.push.audience;

import dev.push.Api;
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

    /** Imports (or replaces) members {@code stray-from} up to {@code stray-to}, selected or not by the audience's filter. */
    static void importMembers(int from, int to, boolean selected, String answered) {
        StringBuilder ndjson = new StringBuilder();
        for (int i = from; i < to; i++) {
            ndjson.append("{\"id\":\"stray-").append(i).append("\",\"attributes\":{\"lot\":\"stray\",\"selected\":")
                    .append(selected).append("}}\n");
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

    static void upload(long audience, int from, int to) {
        String file = IntStream.range(from, to).mapToObj(i -> "up-stray-" + i).collect(Collectors.joining("\n"));
        given().contentType(ContentType.TEXT).body(file).put("/api/audiences/" + audience + "/upload")
                .then().statusCode(200).body("accepted", equalTo(to - from));
    }
}
