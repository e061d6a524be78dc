package dev.push.cluster;

import static dev.push.cluster.ClusterFaultIT.awaitPort;
import static dev.push.cluster.ClusterFaultIT.awaitTrue;
import static dev.push.cluster.ClusterFaultIT.freePort;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * kill -9 of the instance building a query audience, mid-scan, under a database-only process and a
 * second instance: the second instance takes the scan's unit over when its lease expires, goes on
 * from the unit's last checkpoint (it reads fewer members than match), and the audience has
 * exactly the matching members, each once. The build is stretched over several seconds by the
 * audience's qps. Figures go to target/reliability/query-takeover.md; no duration is asserted.
 */
class QueryBuildTakeoverIT {
    static final int MEMBERS = 40_000;
    static final int MATCHING = MEMBERS / 2;
    static final int WORKERS = 4;
    static final int SHARDS = 8;
    /** Members added per second: the build takes about twenty seconds, time to see a checkpoint and kill. */
    static final int QPS = 1_000;

    Path work;
    final List<ServiceProcess> processes = new ArrayList<>();

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createDirectories(Path.of("target", "reliability"));
    }

    @AfterEach
    void stop() throws Exception {
        for (ServiceProcess p : processes) {
            if (p.alive()) {
                p.kill();
            }
        }
    }

    @Test
    void instanceKilledMidScanIsTakenOverFromTheCheckpointWithTheSameMembers() throws Exception {
        int db = freePort();
        started(ServiceProcess.database(db, Files.createTempDirectory("push-query-db"), work));
        awaitPort(db);
        String mongo = "mongodb://127.0.0.1:" + db;
        // Batches of 500 ids: several per range between two checkpoints.
        Map<String, String> settings = Map.of("push.audience.scan-batch", "500");
        List<ServiceProcess> instances = List.of(
                started(ServiceProcess.instance("query-1", freePort(), mongo, work, settings)),
                started(ServiceProcess.instance("query-2", freePort(), mongo, work, settings)));
        String api = instances.get(0).base();
        Set<String> expected = importMembers(api);
        long audience = given().baseUri(api).contentType(ContentType.JSON)
                .body(Map.of("name", "takeover", "source", Map.of("kind", "query", "filter", Map.of("lot", "takeover", "even", true)),
                        "workers", WORKERS, "qps", QPS, "shards", SHARDS))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");

        Map<ServiceProcess, String> ids = Map.of(instances.get(0), instanceId(instances.get(0)),
                instances.get(1), instanceId(instances.get(1)));
        given().baseUri(api).post("/api/audiences/" + audience + "/start").then().statusCode(200);
        // A checkpoint with a fifth of the members staged, the unit held by one of the instances.
        AtomicReference<JsonPath> seen = new AtomicReference<>();
        awaitTrue(Duration.ofSeconds(120), () -> {
            seen.set(unit(api, audience));
            return seen.get().getLong("[0].counts.processed") >= MATCHING / 5 && seen.get().getString("[0].owner") != null;
        });
        String owner = seen.get().getString("[0].owner");
        ServiceProcess victim = instances.stream().filter(p -> owner.startsWith(ids.get(p) + "/")).findFirst().orElseThrow();
        victim.kill();
        long stagedAtKill = seen.get().getLong("[0].counts.processed");
        ServiceProcess survivor = instances.stream().filter(p -> p != victim).findFirst().orElseThrow();
        assertTrue(!"done".equals(unit(survivor.base(), audience).getString("[0].state")),
                "the kill came after the scan had finished: nothing to take over");

        JsonPath built = awaitFinished(survivor.base(), audience);

        List<String> members = members(survivor.base(), audience);
        assertEquals(MATCHING, members.size(), "no member twice");
        assertEquals(expected, new HashSet<>(members), "exactly the members the query matches");
        assertEquals(MATCHING, built.getLong("progress.sent"));
        Document unit = unitDocument(mongo, audience);
        Document scan = (Document) unit.get("scan");
        long resumedFrom = scan.getLong("resumedFrom");
        assertEquals(owner, unit.getString("previousOwner"), "the unit was taken over from the killed worker");
        assertTrue(resumedFrom >= stagedAtKill && resumedFrom < MATCHING,
                "the take-over went on from a checkpoint at " + resumedFrom + " (" + stagedAtKill + " staged at the kill)");
        long readBySurvivor = scanned(survivor.base(), audience);
        assertEquals(MATCHING - resumedFrom, readBySurvivor, "the survivor read only the members after the checkpoint");
        Files.writeString(work.resolve("query-takeover.md"), String.format("- %d members, %d matching, %d workers, qps %d,"
                        + " %d shards, scan batches of 500: kill -9 of the building instance with %d staged; the survivor"
                        + " resumed from a checkpoint at %d and read %d members; %d members built, each once%n",
                MEMBERS, MATCHING, WORKERS, QPS, SHARDS, stagedAtKill, resumedFrom, readBySurvivor, members.size()),
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private ServiceProcess started(ServiceProcess process) throws Exception {
        processes.add(process);
        return process.start().awaitReady(Duration.ofSeconds(90));
    }

    /** {@value #MEMBERS} members, every other one matching the audience's filter; answers the matching ids. */
    private static Set<String> importMembers(String api) {
        StringBuilder ndjson = new StringBuilder();
        Set<String> matching = new HashSet<>();
        for (int i = 0; i < MEMBERS; i++) {
            ndjson.append("{\"id\":\"t-").append(i).append("\",\"attributes\":{\"lot\":\"takeover\",\"even\":")
                    .append(i % 2 == 0).append("}}\n");
            if (i % 2 == 0) {
                matching.add("t-" + i);
            }
        }
        given().baseUri(api).contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        return matching;
    }

    /** The audience's one unit (a query is scanned in one), as the API shows it. */
    private static JsonPath unit(String api, long audience) {
        return given().baseUri(api).get("/api/tasks/" + audience + "/units").then().statusCode(200).extract().jsonPath();
    }

    /** The unit's document as the database holds it: its scan checkpoint and who held it before. */
    private static Document unitDocument(String mongo, long audience) {
        try (MongoClient client = MongoClients.create(mongo)) {
            return client.getDatabase("push").getCollection("task_shards")
                    .find(Filters.eq("_id", new Document("t", audience).append("r", 1L).append("s", 0))).first();
        }
    }

    private static String instanceId(ServiceProcess p) {
        return given().baseUri(p.base()).get("/q/health/ready").then().extract().jsonPath()
                .getString("checks.find { it.name == 'instance' }.data.instance");
    }

    /** The members this instance's query scans read for the audience, from its Prometheus metrics. */
    private static long scanned(String api, long audience) {
        String metrics = given().baseUri(api).get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^push_audience_scanned_total\\{[^}]*audience=\"" + audience + "\"[^}]*} (\\S+)$")
                .matcher(metrics);
        assertTrue(m.find(), "the survivor's metrics count the members its scan read");
        return (long) Double.parseDouble(m.group(1));
    }

    private static List<String> members(String api, long audience) {
        List<String> out = new ArrayList<>();
        String after = "";
        while (after != null) {
            JsonPath page = given().baseUri(api).queryParam("after", after).queryParam("limit", 5_000)
                    .get("/api/audiences/" + audience + "/members").then().statusCode(200).extract().jsonPath();
            out.addAll(page.getList("members"));
            after = page.getString("next");
        }
        return out;
    }

    /** A ceiling, not a speed: the take-over waits for the 10 s lease, and start-ups are slow on a loaded machine. */
    private static JsonPath awaitFinished(String api, long audience) {
        awaitTrue(Duration.ofSeconds(300), () -> {
            JsonPath now = given().baseUri(api).get("/api/audiences/" + audience).then().statusCode(200).extract().jsonPath();
            assertTrue(!"failed".equals(now.getString("state")), "build failed: " + now.getString("stateReason"));
            return "finished".equals(now.getString("state"));
        });
        return given().baseUri(api).get("/api/audiences/" + audience).then().statusCode(200).extract().jsonPath();
    }
}
