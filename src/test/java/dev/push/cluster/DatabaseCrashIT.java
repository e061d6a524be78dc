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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.push.embedded.EmbeddedDatabase;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * kill -9 of the process that owns the embedded H2 database, mid-campaign, then the same command again on
 * the same directory: nobody is pushed twice. The claim protocol's writes are acknowledged only once they
 * are synced to the file, so a member is never sent before its reservation survives the crash. Two
 * shapes: the service alone on its embedded database, and the database-only process of a local cluster
 * under two instances. Figures go to target/reliability/database-crash.md; no duration is asserted.
 */
class DatabaseCrashIT {
    static final int MEMBERS = 5_000;
    static final int WORKERS = 4;
    static final int BATCH = 50;
    static final int QPS = 1_000;
    static final Duration READY = Duration.ofSeconds(90);

    Path work;
    Path data;
    DeliverySink sink;
    final List<ServiceProcess> processes = new ArrayList<>();

    @BeforeEach
    void prepare() throws Exception {
        work = Files.createDirectories(Path.of("target", "reliability"));
        data = Files.createTempDirectory("push-crash-db");
        sink = new DeliverySink();
    }

    @AfterEach
    void stop() throws Exception {
        ServiceProcess.killAll(processes, sink);
    }

    @Test
    void serviceKilledOnItsOwnEmbeddedDatabasePushesNobodyTwice() throws Exception {
        int http = freePort();
        int db = freePort();
        ServiceProcess service = started(ServiceProcess.alone("alone", http, data, db, work));
        long campaign = campaign(service.base());
        awaitTrue(Duration.ofSeconds(120), () -> sink.of(campaign).size() >= MEMBERS * 4 / 10);
        int receivedAtKill = sink.of(campaign).size();
        service.kill();

        assertDataFileOpens();
        service = started(ServiceProcess.alone("alone-restarted", http, data, db, work));
        JsonPath done = awaitFinished(service.base(), campaign);

        Set<String> received = assertEveryMemberAccountedForOnce(campaign, done);
        record("the service alone on its embedded H2 file, kill -9 at 40%", receivedAtKill, done, received);
    }

    @Test
    void databaseProcessKilledUnderTwoInstancesPushesNobodyTwice() throws Exception {
        int db = freePort();
        ServiceProcess database = started(ServiceProcess.database("database-crash", db, data, work));
        awaitPort(db);
        String mongo = "mongodb://127.0.0.1:" + db;
        ServiceProcess first = launched(ServiceProcess.instance("crash-1", freePort(), mongo, work, Map.of()));
        ServiceProcess second = launched(ServiceProcess.instance("crash-2", freePort(), mongo, work, Map.of()));
        first.awaitReady(READY);
        second.awaitReady(READY);
        long campaign = campaign(first.base());
        awaitTrue(Duration.ofSeconds(120), () -> sink.of(campaign).size() >= MEMBERS * 4 / 10);
        int receivedAtKill = sink.of(campaign).size();
        database.kill();

        assertDataFileOpens();
        started(ServiceProcess.database("database-crash", db, data, work));
        awaitPort(db);
        JsonPath done = awaitFinished(first.base(), campaign);

        Set<String> received = assertEveryMemberAccountedForOnce(campaign, done);
        record("the database-only process under two instances, kill -9 at 40%", receivedAtKill, done, received);
    }

    private ServiceProcess started(ServiceProcess process) throws Exception {
        return launched(process).awaitReady(READY);
    }

    /** Started, not yet awaited: start-ups that can overlap do. */
    private ServiceProcess launched(ServiceProcess process) throws Exception {
        processes.add(process);
        return process.start();
    }

    /** A webhook channel to the sink, {@value #MEMBERS} members, their audience built, a campaign started. */
    private long campaign(String api) {
        sink.addAsChannel(api, 8);
        StringBuilder ndjson = new StringBuilder();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ndjson.append("{\"id\":\"d-").append(i).append("\"}\n");
            ids.add("d-" + i);
        }
        given().baseUri(api).contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        long audience = given().baseUri(api).contentType(ContentType.JSON)
                .body(Map.of("name", "crash", "source", Map.of("kind", "ids", "ids", ids), "workers", 2))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api).post("/api/audiences/" + audience + "/start").then().statusCode(200);
        awaitTrue(Duration.ofSeconds(120), () -> "finished".equals(task(api, "audiences", audience).getString("state")));
        long id = given().baseUri(api).contentType(ContentType.JSON)
                .body(Map.of("name", "crash", "audienceId", audience, "channel", "sink", "workers", WORKERS, "qps", QPS,
                        "batchSize", BATCH, "errorBudget", 1_000_000, "message", Map.of("title", "t", "body", "b")))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        given().baseUri(api).post("/api/campaigns/" + id + "/start").then().statusCode(200);
        return id;
    }

    private static JsonPath task(String api, String kinds, long id) {
        return given().baseUri(api).get("/api/" + kinds + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** A ceiling, not a speed: on a machine shared with other builds a restart and its take-overs can take minutes. */
    private static JsonPath awaitFinished(String api, long campaign) {
        awaitTrue(Duration.ofSeconds(300), () -> {
            JsonPath now = task(api, "campaigns", campaign);
            assertTrue(!"failed".equals(now.getString("state")), "campaign failed: " + now.getString("stateReason"));
            return "finished".equals(now.getString("state"));
        });
        return task(api, "campaigns", campaign);
    }

    /** The file as the crash left it opens (H2 finds its last chunk), before the restart compacts it. */
    private void assertDataFileOpens() {
        MVStore store = new MVStore.Builder().fileName(data.resolve(EmbeddedDatabase.FILE_NAME).toString()).readOnly().open();
        try {
            assertTrue(store.getMapNames().stream().anyMatch(name -> name.contains("campaign_chunks")),
                    "the claim records are in the file: " + store.getMapNames());
        } finally {
            store.close();
        }
    }

    /** Nobody twice; every member sent, failed, skipped or unknown; the sink saw every sent one and no other. */
    private Set<String> assertEveryMemberAccountedForOnce(long campaign, JsonPath done) {
        List<String> twice = sink.duplicates(campaign);
        assertEquals(0, twice.size(), () -> twice.size() + " members received twice, e.g. "
                + twice.subList(0, Math.min(5, twice.size())));
        long sent = done.getLong("progress.sent");
        long unknown = done.getLong("progress.unknown");
        assertEquals(MEMBERS, done.getLong("progress.total"));
        assertEquals(MEMBERS, sent + done.getLong("progress.failed") + unknown + done.getLong("progress.skipped"),
                "counters add up to the total");
        Set<String> received = new HashSet<>();
        sink.of(campaign).forEach(r -> received.add(r.member()));
        assertTrue(received.size() >= sent && received.size() <= sent + unknown,
                "received " + received.size() + ", sent " + sent + ", unknown " + unknown);
        return received;
    }

    private void record(String scenario, int receivedAtKill, JsonPath done, Set<String> received) throws Exception {
        String line = String.format("- %s: received %d before the kill; finished with sent %d, unknown %d, failed %d;"
                        + " %d distinct members received, 0 twice%n", scenario, receivedAtKill, done.getLong("progress.sent"),
                done.getLong("progress.unknown"), done.getLong("progress.failed"), received.size());
        Files.writeString(work.resolve("database-crash.md"), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
