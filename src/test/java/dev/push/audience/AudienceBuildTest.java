package dev.push.audience;

import dev.push.Api;
import dev.push.member.Shards;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
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
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class AudienceBuildTest {

    static long create(Map<String, Object> source) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "audience", "source", source, "workers", 3))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static JsonPath build(long id) {
        Api.command("audiences", id, "start", 200);
        return Api.awaitState("audiences", id, "finished", Duration.ofSeconds(60));
    }

    static List<String> members(long id) {
        List<String> out = new ArrayList<>();
        String after = "";
        while (after != null) {
            JsonPath page = given().queryParam("after", after).queryParam("limit", 700)
                    .get("/api/audiences/" + id + "/members").then().statusCode(200).extract().jsonPath();
            out.addAll(page.getList("members"));
            after = page.getString("next");
        }
        return out;
    }

    @Test
    void uploadIsDeduplicatedAndBadLinesAreReportedByLineNumber() {
        long id = create(Map.of("kind", "upload"));
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            file.append("up-").append(i % 4_000).append('\n'); // 1,000 duplicates
        }
        file.append("bad id with spaces\n").append("\n").append("up-last\r\n");

        given().contentType(ContentType.TEXT).body(file.toString()).put("/api/audiences/" + id + "/upload")
                .then().statusCode(200)
                .body("accepted", equalTo(5_001))
                .body("rejected", equalTo(1))
                .body("rejects[0].line", equalTo(5_001))
                .body("rejects[0].reason", containsString("[A-Za-z0-9_.:@+-]"));
        given().post("/api/audiences/" + id + "/count").then().statusCode(200).body("members", equalTo(4_001));

        JsonPath built = build(id);

        assertEquals(4_001, built.getLong("progress.sent"), "members added");
        assertEquals(1_000, built.getLong("progress.skipped"), "duplicates skipped");
        List<String> got = members(id);
        assertEquals(4_001, got.size());
        Set<String> expected = IntStream.range(0, 4_000).mapToObj(i -> "up-" + i).collect(Collectors.toCollection(HashSet::new));
        expected.add("up-last");
        assertEquals(expected, new HashSet<>(got));
    }

    @Test
    void anUploadCutOffMidwayLeavesNothingInTheWayOfTheNextOne() throws Exception {
        long id = create(Map.of("kind", "upload"));
        // 300,000 lines fill every shard's staging chunks several times over before the client
        // disconnects, so the cut-off attempt has written chunks.
        try (java.net.Socket socket = new java.net.Socket("localhost", io.restassured.RestAssured.port)) {
            java.io.OutputStream out = socket.getOutputStream();
            String auth = java.util.Base64.getEncoder().encodeToString(
                    (dev.push.security.TestCredentials.ADMIN + ":" + dev.push.security.TestCredentials.ADMIN_PASSWORD)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.write(("PUT /api/audiences/" + id + "/upload HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 300_000; i++) {
                lines.append("cut-").append(i).append('\n');
            }
            out.write(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
        }

        String file = IntStream.range(0, 2_000).mapToObj(i -> "cut-" + i).collect(Collectors.joining("\n"));
        given().contentType(ContentType.TEXT).body(file).put("/api/audiences/" + id + "/upload")
                .then().statusCode(200).body("accepted", equalTo(2_000));
        JsonPath built = build(id);

        assertEquals(2_000, built.getLong("progress.sent"));
        assertEquals(IntStream.range(0, 2_000).mapToObj(i -> "cut-" + i).collect(Collectors.toSet()), new HashSet<>(members(id)));
    }

    @Test
    void csvUploadReadsTheIdColumn() {
        long id = create(Map.of("kind", "upload"));
        given().contentType("text/csv").body("email,id\na@x.org,csv-1\nb@x.org,csv-2\nc@x.org,csv-1\n")
                .put("/api/audiences/" + id + "/upload").then().statusCode(200).body("accepted", equalTo(3));
        build(id);
        assertEquals(Set.of("csv-1", "csv-2"), new HashSet<>(members(id)));
    }

    @Test
    void csvSavedAsCsvUtf8ByASpreadsheetIsUploaded() {
        long id = create(Map.of("kind", "upload"));
        // A byte-order mark before the header, CRLF line ends, quoted fields (a comma in one).
        String file = "\uFEFF\"email\",\"id\"\r\n\"a@x.org\",\"sheet-1\"\r\n\"b, c\",sheet-2\r\n,\"sheet-1\"\r\n";
        given().contentType("text/csv").body(file.getBytes(StandardCharsets.UTF_8))
                .put("/api/audiences/" + id + "/upload").then().statusCode(200)
                .body("accepted", equalTo(3)).body("rejected", equalTo(0));
        build(id);
        assertEquals(List.of("sheet-1", "sheet-2"), members(id).stream().sorted().toList());
    }

    @Test
    void csvUploadWithoutAnIdColumnIsRefusedAndNothingIsStaged() {
        long id = create(Map.of("kind", "upload"));
        given().contentType("text/csv").body("email,name\na@x.org,A\n").put("/api/audiences/" + id + "/upload")
                .then().statusCode(400).body("errors[0].field", equalTo("file"))
                .body("errors[0].message", equalTo("the CSV header has no id column"));
        given().post("/api/audiences/" + id + "/start").then().statusCode(409)
                .body("detail", containsString("upload a file first"));
    }

    @Test
    void startingAnUploadAudienceBeforeItsFileIsRefused() {
        long id = create(Map.of("kind", "upload"));
        given().post("/api/audiences/" + id + "/start").then().statusCode(409)
                .body("detail", containsString("upload a file first"));
    }

    @Test
    void queryAudienceSelectsTheMatchingMembers() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            ndjson.append("{\"id\":\"q-").append(i).append("\",\"attributes\":{\"age\":").append(i % 60)
                    .append(",\"country\":\"").append(i % 3 == 0 ? "FR" : "DE").append("\"}}\n");
        }
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200).body("imported", equalTo(3_000));
        Set<String> expected = IntStream.range(0, 3_000).filter(i -> i % 60 >= 50 && i % 3 == 0)
                .mapToObj(i -> "q-" + i).collect(Collectors.toSet());

        long id = create(Map.of("kind", "query", "filter",
                Map.of("age", Map.of("$gte", 50), "country", "FR", "id", Map.of("$in", new ArrayList<>(allIds())))));
        given().post("/api/audiences/" + id + "/count").then().statusCode(200).body("members", equalTo(expected.size()));
        JsonPath built = build(id);

        assertEquals(expected.size(), built.getLong("progress.sent"));
        assertEquals(expected, new HashSet<>(members(id)));
    }

    @Test
    void queryScannedInSeveralIdRangesSelectsEachMatchingMemberOnce() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 12_000; i++) {
            ndjson.append("{\"id\":\"r").append(i % 7).append("-").append(i).append("\",\"attributes\":{\"lot\":\"ranges\",\"even\":")
                    .append(i % 2 == 0).append("}}\n");
        }
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("imported", equalTo(12_000));
        Set<String> expected = IntStream.range(0, 12_000).filter(i -> i % 2 == 0).mapToObj(i -> "r" + (i % 7) + "-" + i)
                .collect(Collectors.toSet());

        // Three workers: the scan is split into three id ranges (every member imported so far, over 12,000).
        long id = create(Map.of("kind", "query", "filter", Map.of("lot", "ranges", "even", true)));
        JsonPath built = build(id);
        List<String> members = members(id);

        assertEquals(6_000, built.getLong("progress.sent"));
        assertEquals(6_000, members.size(), "no member twice");
        assertEquals(expected, new HashSet<>(members));
    }

    @Test
    void queryAudienceOfOneShardKeepsItsMembers() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            ndjson.append("{\"id\":\"one-").append(i).append("\",\"attributes\":{\"lot\":\"one-shard\"}}\n");
        }
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("imported", equalTo(500));

        long id = given().contentType(ContentType.JSON).body(Map.of("name", "one shard", "shards", 1,
                        "source", Map.of("kind", "query", "filter", Map.of("lot", "one-shard"))))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        JsonPath built = build(id);

        assertEquals(500, built.getLong("progress.sent"));
        assertEquals(IntStream.range(0, 500).mapToObj(i -> "one-" + i).collect(Collectors.toSet()), new HashSet<>(members(id)));
    }

    private static List<String> allIds() {
        return IntStream.range(0, 3_000).mapToObj(i -> "q-" + i).toList();
    }

    @Test
    void combineUnitesIntersectsAndExcludesFinishedAudiences() {
        long a = Api.builtAudience(IntStream.range(0, 100).mapToObj(i -> "c-" + i).toList());
        long b = Api.builtAudience(IntStream.range(50, 150).mapToObj(i -> "c-" + i).toList());

        long union = create(Map.of("kind", "combine", "op", "union", "audiences", List.of(a, b)));
        long intersect = create(Map.of("kind", "combine", "op", "intersect", "audiences", List.of(a, b)));
        long exclude = create(Map.of("kind", "combine", "op", "exclude", "audiences", List.of(a, b)));
        build(union);
        build(intersect);
        build(exclude);

        assertEquals(range(0, 150), new HashSet<>(members(union)));
        assertEquals(range(50, 100), new HashSet<>(members(intersect)));
        assertEquals(range(0, 50), new HashSet<>(members(exclude)));
        assertEquals(150, members(union).size(), "each member once");
    }

    static Set<String> range(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "c-" + i).collect(Collectors.toSet());
    }

    @Test
    void aSourceIsCountedWithoutCreatingAnAudience() {
        long before = given().get("/api/audiences").then().extract().jsonPath().getLong("total");
        given().contentType(ContentType.JSON).body(Map.of("kind", "ids", "ids", List.of("n-1", "n-2", "n-1")))
                .post("/api/audiences/count").then().statusCode(200).body("members", equalTo(2)).body("read", equalTo(3));
        given().contentType(ContentType.JSON).body(Map.of("kind", "query", "filter", Map.of("$where", "1")))
                .post("/api/audiences/count").then().statusCode(400).body("detail", containsString("$where"));
        assertEquals(before, given().get("/api/audiences").then().extract().jsonPath().getLong("total"));
    }

    @Test
    void unitsOfABuiltAudienceAreAllDone() {
        long id = Api.builtAudience(List.of("unit-1", "unit-2", "unit-3"));
        List<String> states = given().get("/api/tasks/" + id + "/units").then().statusCode(200)
                .extract().jsonPath().getList("state");
        assertEquals(4, states.size(), "three members with four workers: a unit per worker");
        assertEquals(Set.of("done"), new HashSet<>(states));
    }

    @Test
    void anUploadIsBuiltInAUnitPerFiveThousandLinesOfConsecutiveShardsWithEachMemberOnce() {
        long id = create(Map.of("kind", "upload"));
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 22_500; i++) {
            file.append("sized-").append(i % 22_000).append('\n'); // 500 duplicates
        }
        given().contentType(ContentType.TEXT).body(file.toString()).put("/api/audiences/" + id + "/upload")
                .then().statusCode(200).body("accepted", equalTo(22_500));

        JsonPath built = build(id);

        JsonPath units = given().get("/api/tasks/" + id + "/units").then().statusCode(200).extract().jsonPath();
        assertEquals(5, units.getList("$").size(), "22,500 lines with three workers: five units");
        assertEquals(List.of(51, 51, 51, 51, 52), units.getList("cursor", Integer.class), "each unit built its run of the 256 shards");
        assertEquals(22_500L, units.getList("counts.processed", Long.class).stream().mapToLong(Long::longValue).sum(),
                "the units' counters add up to the lines read");
        assertEquals(22_000, built.getLong("progress.sent"), "members added");
        assertEquals(500, built.getLong("progress.skipped"), "duplicates skipped");
        assertEquals(22_500, built.getLong("progress.processed"));
        List<String> members = members(id);
        assertEquals(22_000, members.size(), "no member twice");
        assertEquals(IntStream.range(0, 22_000).mapToObj(i -> "sized-" + i).collect(Collectors.toSet()), new HashSet<>(members));
        List<Integer> shardOrder = members.stream().map(m -> Shards.of(m, 256)).toList();
        assertEquals(shardOrder.stream().sorted().toList(), shardOrder, "listed shard by shard: each member in its shard's chunks");
    }

    @Test
    void aCombineIsBuiltInUnitsSizedToTheMembersItReads() {
        long a = Api.builtAudience(IntStream.range(0, 10_000).mapToObj(i -> "cs-" + i).toList());
        long b = Api.builtAudience(IntStream.range(4_000, 10_000).mapToObj(i -> "cs-" + i).toList());
        long exclude = create(Map.of("kind", "combine", "op", "exclude", "audiences", List.of(a, b)));

        JsonPath built = build(exclude);

        assertEquals(4, given().get("/api/tasks/" + exclude + "/units").then().statusCode(200).extract().jsonPath()
                .getList("$").size(), "16,000 source members with three workers: four units");
        assertEquals(16_000, built.getLong("progress.processed"), "each source member read once");
        assertEquals(4_000, built.getLong("progress.sent"));
        List<String> members = members(exclude);
        assertEquals(4_000, members.size(), "no member twice");
        assertEquals(IntStream.range(0, 4_000).mapToObj(i -> "cs-" + i).collect(Collectors.toSet()), new HashSet<>(members));
    }

    @Test
    void queryWithAForbiddenOperatorIsRefusedNamingIt() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "evil", "source", Map.of("kind", "query", "filter", Map.of("$where", "sleep(1000)"))))
                .post("/api/audiences").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", containsString("source.filter"))
                .body("detail", containsString("$where"));
    }

    @Test
    void audienceUsedByACampaignThatRanCannotBeRebuiltOrDeleted() {
        long audience = Api.builtAudience(List.of("u-1", "u-2"));
        long campaign = Api.campaign(audience, "log", 1, 0, 10, 10);
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(30));

        given().post("/api/audiences/" + audience + "/start").then().statusCode(409)
                .body("detail", containsString("used by campaign " + campaign));
        given().delete("/api/audiences/" + audience).then().statusCode(409);
    }
}
