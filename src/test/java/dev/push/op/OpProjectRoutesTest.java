package dev.push.op;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.push.op.OpConstraintRoutesTest.with;
import static dev.push.op.OpConstraintRoutesTest.without;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class OpProjectRoutesTest {

    @Test
    void addKeepsTheMessageAsGivenAndMapsItOntoTheCampaign() {
        long cid = Op.constraint(List.of(601L, 602L), 1);
        Map<String, Object> msg = Map.of("title", "Sale", "text", "Half price", "url", "https://example.org/s",
                "extra", Map.of("n", 1, "tags", List.of("a", "b")));
        JsonPath p = Op.ok("/project/add", Map.of("cid", cid, "msg", msg, "target_total", 2, "worker_total", 3, "qps", 40))
                .setRootPath("data.project");

        assertEquals(List.of("id", "cid", "state", "qps", "ct", "ut", "timestamps", "disabled", "worker_counter",
                "worker_total", "target_counter", "target_total", "msg"), List.copyOf(p.getMap("").keySet()));
        assertEquals(cid, p.getLong("cid"));
        assertEquals(1, p.getInt("state"));
        assertEquals(40, p.getInt("qps"));
        assertEquals(Map.of(), p.getMap("timestamps"));
        assertEquals(false, p.getBoolean("disabled"));
        assertEquals(0, p.getInt("worker_counter"));
        assertEquals(3, p.getInt("worker_total"));
        assertEquals(0, p.getInt("target_counter"));
        assertEquals(2, p.getInt("target_total"), "the members of its constraint");
        assertEquals(msg, p.getMap("msg"));

        JsonPath api = given().get("/api/campaigns/" + p.getLong("id")).then().statusCode(200).extract().jsonPath();
        assertEquals("log", api.getString("channel"));
        assertEquals(Map.of("title", "Sale", "body", "Half price", "link", "https://example.org/s", "data", msg),
                api.getMap("message"));
        assertEquals(p.getMap(""), Op.ok("/project/get", Map.of("id", p.getLong("id"))).getMap("project"));
    }

    @Test
    void addRefusesBadParameters() {
        long cid = Op.constraint(List.of(611L), 1);
        Map<String, Object> good = Map.of("cid", cid, "msg", Map.of("title", "T"), "target_total", 1, "worker_total", 1, "qps", 0);
        assertEquals("cid: is required (a positive integer)", Op.refused("/project/add", without(good, "cid")));
        assertEquals("cid: constraint 9223372036854775807 does not exist", Op.refused("/project/add", with(good, "cid", Long.MAX_VALUE)));
        assertEquals("msg: is required, a non-empty JSON object", Op.refused("/project/add", without(good, "msg")));
        assertEquals("msg: is required, a non-empty JSON object", Op.refused("/project/add", with(good, "msg", Map.of())));
        assertEquals("msg: is required, a non-empty JSON object", Op.refused("/project/add", with(good, "msg", "hello")));
        assertEquals("msg: needs a title, a body or a text", Op.refused("/project/add", with(good, "msg", Map.of("link", "x"))));
        assertEquals("msg.title: size must be between 0 and 500",
                Op.refused("/project/add", with(good, "msg", Map.of("title", "t".repeat(501)))));
        assertEquals("target_total: must be a positive integer, was 0", Op.refused("/project/add", with(good, "target_total", 0)));
        assertEquals("worker_total: must be an integer from 1 to 256, was 0", Op.refused("/project/add", with(good, "worker_total", 0)));
        assertEquals("qps: must be an integer from 0 to 1000000, was -1", Op.refused("/project/add", with(good, "qps", -1)));

        Op.ok("/constraint/update", Map.of("id", cid, "disabled", true));
        assertEquals("cid: constraint " + cid + " is disabled", Op.refused("/project/add", good));
    }

    @Test
    void updateRefusesAMessageTemplateBeyondItsBounds() {
        long cid = Op.constraint(List.of(631L), 1);
        long pid = Op.project(cid, 1, 0);

        String refused = Op.refused("/project/update", Map.of("id", pid, "msg", Map.of("title", "{#for i in 1000000000}{/for}")));

        assertTrue(refused.startsWith("msg.title: "), refused);
        assertTrue(refused.contains("a loop goes over member data, not over 1000000000"), refused);
        assertEquals("msg.link: uses the scheme javascript: a link may use http, https, pushdemo (push.message.link-schemes adds app schemes)",
                Op.refused("/project/update", Map.of("id", pid, "msg", Map.of("title", "t", "url", "javascript:alert(1)"))));
    }

    @Test
    void listPagesNewestFirst() {
        long cid = Op.constraint(List.of(621L), 1);
        long older = Op.project(cid, 1, 0);
        long newer = Op.project(cid, 1, 0);
        long total = given().queryParam("limit", 1).get("/api/campaigns").then().statusCode(200).extract().jsonPath()
                .getLong("total");

        JsonPath page = Op.ok("/project/list", Map.of("offset", 0, "limit", 2));
        assertEquals(List.of(newer, older), page.getList("list.id", Long.class));
        assertEquals(2, page.getInt("offset"));
        assertEquals(total, page.getLong("total"));
    }

    @Test
    void startNeedsAFinishedEnabledConstraint() {
        long cid = Op.constraint(List.of(631L, 632L), 1);
        long pid = Op.project(cid, 1, 0);
        assertEquals("constraint " + cid + " of project " + pid + " is 1 ready: start it and wait until it is 4 finished, "
                + "then start the project", Op.refused("/project/start", Map.of("id", pid)));

        Op.ok("/constraint/start", Map.of("id", cid));
        Op.awaitState("constraint", cid, 4);
        Op.ok("/constraint/update", Map.of("id", cid, "disabled", 1));
        assertEquals("constraint " + cid + " of project " + pid + " is disabled", Op.refused("/project/start", Map.of("id", pid)));
        Op.ok("/constraint/update", Map.of("id", cid, "disabled", 0));
        Op.ok("/project/update", Map.of("id", pid, "disabled", true));
        assertEquals("project " + pid + " is disabled", Op.refused("/project/start", Map.of("id", pid)));
        Op.ok("/project/update", Map.of("id", pid, "disabled", false));

        Op.ok("/project/start", Map.of("id", pid));
        Op.awaitState("project", pid, 4);
    }

    @Test
    void pauseProceedStopAndUpdateWhileRunning() {
        List<Long> mids = java.util.stream.LongStream.rangeClosed(641, 660).boxed().toList();
        long cid = Op.constraint(mids, 1);
        Op.ok("/constraint/start", Map.of("id", cid));
        Op.awaitState("constraint", cid, 4);
        long pid = Op.project(cid, 1, 1);
        assertEquals("cannot proceed project " + pid + ": its state is 1 ready (allowed from 7 paused)",
                Op.refused("/project/proceed", Map.of("id", pid)));

        Op.ok("/project/start", Map.of("id", pid));
        assertEquals("state is already started", Op.refused("/project/start", Map.of("id", pid)));
        JsonPath running = Op.ok("/project/get", Map.of("id", pid)).setRootPath("data.project");
        assertEquals(2, running.getInt("state"));
        assertEquals(20, running.getInt("target_total"));
        assertEquals("cid and msg of project " + pid + " cannot change: its state is 2 started; they change only while it is ready (1)",
                Op.refused("/project/update", Map.of("id", pid, "msg", Map.of("title", "Other"))));
        JsonPath changed = Op.ok("/project/update", Map.of("id", pid, "cid", cid, "msg", Map.of("title", "Hi", "text", "A promotion"),
                "qps", 2, "worker_total", 2, "target_total", 20)).setRootPath("data.project");
        assertEquals(2, changed.getInt("qps"));
        assertEquals(2, changed.getInt("worker_total"));

        Op.ok("/project/pause", Map.of("id", pid));
        assertEquals(7, Op.ok("/project/get", Map.of("id", pid)).getInt("project.state"));
        Op.ok("/project/proceed", Map.of("id", pid));
        assertEquals(2, Op.ok("/project/get", Map.of("id", pid)).getInt("project.state"));
        Op.ok("/project/stop", Map.of("id", pid));
        assertEquals(3, Op.ok("/project/get", Map.of("id", pid)).getInt("project.state"));
        assertEquals("cannot stop project " + pid + ": its state is 3 stopped (allowed from 2 started, 6 reboot, 7 paused)",
                Op.refused("/project/stop", Map.of("id", pid)));
    }
}
