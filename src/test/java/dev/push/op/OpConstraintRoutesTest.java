package dev.push.op;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class OpConstraintRoutesTest {

    @Test
    void addAnswersTheConstraintInOpFields() {
        long before = System.currentTimeMillis() / 1000;
        JsonPath c = Op.ok("/constraint/add", Map.of("target_total", 3, "worker_total", 2, "condition_kind", 1,
                "condition", Map.of("mids", List.of(101, 102, "103")), "qps", 7)).setRootPath("data.constraint");

        long id = c.getLong("id");
        assertEquals(List.of("id", "disabled", "qps", "ct", "ut", "state", "timestamps", "target_total", "target_counter",
                "worker_total", "worker_counter", "condition_kind", "condition"), List.copyOf(c.getMap("").keySet()));
        assertEquals(false, c.getBoolean("disabled"));
        assertEquals(7, c.getInt("qps"));
        assertTrue(c.getLong("ct") >= before && c.getLong("ct") <= System.currentTimeMillis() / 1000);
        assertEquals(1, c.getInt("state"));
        assertEquals(Map.of(), c.getMap("timestamps"));
        assertEquals(3, c.getInt("target_total"));
        assertEquals(0, c.getInt("target_counter"));
        assertEquals(2, c.getInt("worker_total"));
        assertEquals(0, c.getInt("worker_counter"));
        assertEquals(1, c.getInt("condition_kind"));
        assertEquals(List.of(101, 102, 103), c.getList("condition.mids"));

        assertEquals(c.getMap(""), Op.ok("/constraint/get", Map.of("id", id)).getMap("constraint"));
        assertEquals(c.getMap(""), Op.ok("/constraint/get", Map.of("id", String.valueOf(id))).getMap("constraint"),
                "ids may come as decimal strings");
        JsonPath api = given().get("/api/audiences/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals("ids", api.getString("source.kind"));
        assertEquals(3, api.getInt("source.idCount"));
    }

    @Test
    void listPagesNewestFirst() {
        long older = Op.constraint(List.of(111L), 1);
        long newer = Op.constraint(List.of(112L), 1);
        long total = given().queryParam("limit", 1).get("/api/audiences").then().statusCode(200).extract().jsonPath()
                .getLong("total");

        JsonPath first = Op.ok("/constraint/list", Map.of("limit", 1));
        assertEquals(List.of(newer), first.getList("list.id", Long.class));
        assertEquals(1, first.getInt("offset"));
        assertEquals(total, first.getLong("total"));
        JsonPath second = Op.ok("/constraint/list", Map.of("offset", 1, "limit", 1));
        assertEquals(List.of(older), second.getList("list.id", Long.class));
        assertEquals(2, second.getInt("offset"));
        assertEquals(Math.min(total, 20), Op.ok("/constraint/list", Map.of()).getList("list").size(), "20 by default");
    }

    @Test
    void addRefusesWhatIsNotAConcreteListOfDistinctMids() {
        Map<String, Object> good = Map.of("target_total", 2, "worker_total", 1, "condition_kind", 1,
                "condition", Map.of("mids", List.of(1, 2)), "qps", 0);
        assertEquals("target_total: must equal the number of mids (2)", Op.refused("/constraint/add", with(good, "target_total", 3)));
        assertEquals("target_total: must equal the number of mids (2)", Op.refused("/constraint/add", without(good, "target_total")));
        assertEquals("condition_kind: must be 1 (a concrete list: condition {\"mids\": [...]}); a file goes through /constraint/load_from_file",
                Op.refused("/constraint/add", with(good, "condition_kind", 2)));
        assertEquals("condition: must be {\"mids\": [...]} with at least one member id",
                Op.refused("/constraint/add", with(good, "condition", Map.of("mids", List.of()))));
        assertEquals("condition: must be {\"mids\": [...]} with at least one member id",
                Op.refused("/constraint/add", with(good, "condition", "1,2")));
        assertEquals("condition.mids[1]: must be a positive 64-bit integer",
                Op.refused("/constraint/add", with(good, "condition", Map.of("mids", List.of(1, 0)))));
        assertEquals("condition.mids[0]: must be a positive 64-bit integer",
                Op.refused("/constraint/add", with(good, "condition", Map.of("mids", List.of("abc", 2)))));
        assertEquals("condition.mids[1]: 7 is listed twice",
                Op.refused("/constraint/add", with(good, "condition", Map.of("mids", List.of(7, 7)))));
        assertEquals("worker_total: must be an integer from 1 to 256, was 0", Op.refused("/constraint/add", with(good, "worker_total", 0)));
        assertEquals("worker_total: is required (an integer from 1 to 256)", Op.refused("/constraint/add", without(good, "worker_total")));
        assertEquals("qps: must be an integer from 0 to 1000000, was -1", Op.refused("/constraint/add", with(good, "qps", -1)));
    }

    @Test
    void loadFromFileCreatesAReadyConstraintWithOneWorkerSkippingBadLines() {
        JsonPath c = Op.ok("/constraint/load_from_file", Map.of("raw", base64("201\nabc\r\n202\n\n0\n202\n")))
                .setRootPath("data.constraint");

        assertEquals(1, c.getInt("state"));
        assertEquals(1, c.getInt("worker_total"));
        assertEquals(2, c.getInt("target_total"));
        assertEquals(2, c.getInt("condition_kind"));
        assertEquals(Map.of("kind", "upload", "lines", 5, "rejected", 2), c.getMap("condition"));
        JsonPath targets = Op.ok("/target/list_by_cid", Map.of("cid", c.getLong("id")));
        assertEquals(List.of(201L, 202L), targets.getList("list.mid", Long.class).stream().sorted().toList());

        assertEquals("raw: none of its 2 lines is a member id (a positive integer)",
                Op.refused("/constraint/load_from_file", Map.of("raw", base64("x\n-5\n"))));
        assertEquals("raw: is not base64 (Illegal base64 character 21)",
                Op.refused("/constraint/load_from_file", Map.of("raw", "!!!!")));
        assertEquals("raw: is required (a non-empty string)", Op.refused("/constraint/load_from_file", Map.of()));
    }

    @Test
    void updateChangesWorkersQpsDisabledAndTheListOfAReadyConstraint() {
        long id = Op.constraint(List.of(121L, 122L, 123L), 1);
        JsonPath c = Op.ok("/constraint/update", Map.of("id", id, "worker_total", 3, "qps", 50, "disabled", 1,
                "condition_kind", 1, "condition", Map.of("mids", List.of(121, 124)), "target_total", 2))
                .setRootPath("data.constraint");

        assertEquals(3, c.getInt("worker_total"));
        assertEquals(50, c.getInt("qps"));
        assertEquals(true, c.getBoolean("disabled"));
        assertEquals(List.of(121, 124), c.getList("condition.mids"));
        assertEquals(2, c.getInt("target_total"));
        assertEquals(List.of(121L, 124L), Op.ok("/target/list_by_cid", Map.of("cid", id)).getList("list.mid", Long.class)
                .stream().sorted().toList());
        assertEquals("constraint " + id + " is disabled", Op.refused("/constraint/start", Map.of("id", id)));

        assertEquals(false, Op.ok("/constraint/update", Map.of("id", id, "disabled", false)).getBoolean("constraint.disabled"));
        assertEquals("target_total: must equal the number of mids (2)",
                Op.refused("/constraint/update", Map.of("id", id, "target_total", 5)));
        assertEquals("target_total: must equal the number of mids (1)", Op.refused("/constraint/update", Map.of("id", id,
                "condition", Map.of("mids", List.of(9)), "target_total", 2)));
        assertEquals("condition_kind: only 1 (a concrete list of mids) can be set here",
                Op.refused("/constraint/update", Map.of("id", id, "condition_kind", 2)));
        assertEquals("disabled: must be true, false, 1 or 0", Op.refused("/constraint/update", Map.of("id", id, "disabled", "yes")));
        assertEquals(3, Op.ok("/constraint/get", Map.of("id", id)).getInt("constraint.worker_total"), "a refusal changes nothing");
    }

    @Test
    void startPauseProceedStopFollowTheStateRules() {
        // 40 members at 2 a second: the build stays started (or paused) while the commands are tried.
        List<Long> mids = java.util.stream.LongStream.rangeClosed(1_310, 1_349).boxed().toList();
        long id = Op.constraint(mids, 1, 2);
        assertEquals("cannot pause constraint " + id + ": its state is 1 ready (allowed from 2 started, 6 reboot)",
                Op.refused("/constraint/pause", Map.of("id", id)));
        assertEquals("cannot stop constraint " + id + ": its state is 1 ready (allowed from 2 started, 6 reboot, 7 paused)",
                Op.refused("/constraint/stop", Map.of("id", id)));

        assertEquals(Map.of(), Op.ok("/constraint/start", Map.of("id", id)).getMap(""));
        assertEquals("state is already started", Op.refused("/constraint/start", Map.of("id", id)));
        assertEquals("cannot proceed constraint " + id + ": its state is 2 started (allowed from 7 paused)",
                Op.refused("/constraint/proceed", Map.of("id", id)));
        Op.ok("/constraint/pause", Map.of("id", id));
        assertEquals(7, Op.ok("/constraint/get", Map.of("id", id)).getInt("constraint.state"));
        Op.ok("/constraint/proceed", Map.of("id", id));
        Op.ok("/constraint/stop", Map.of("id", id));
        assertEquals(3, Op.ok("/constraint/get", Map.of("id", id)).getInt("constraint.state"));

        Op.ok("/constraint/update", Map.of("id", id, "qps", 0));
        Op.ok("/constraint/start", Map.of("id", id));
        JsonPath done = Op.awaitState("constraint", id, 4);
        assertEquals(40, done.getInt("target_total"));
        assertEquals(40, done.getInt("target_counter"));
        assertEquals("condition of constraint " + id + " cannot change: its state is 4 finished; only a ready (1) "
                        + "constraint's condition can change, add a new constraint instead",
                Op.refused("/constraint/update", Map.of("id", id, "condition", Map.of("mids", List.of(131)))));
        assertEquals(4, Op.ok("/constraint/update", Map.of("id", id, "condition_kind", 1, "target_total", 40,
                "condition", Map.of("mids", mids), "qps", 9)).getInt("constraint.state"),
                "the same condition sent back with the form is no change");
    }

    static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }

    static Map<String, Object> without(Map<String, Object> base, String key) {
        java.util.HashMap<String, Object> m = new java.util.HashMap<>(base);
        m.remove(key);
        return m;
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
