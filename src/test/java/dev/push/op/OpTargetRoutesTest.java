package dev.push.op;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class OpTargetRoutesTest {

    @Test
    void targetsOfAReadyConstraintAreItsListAndCanBeDeleted() {
        long cid = Op.constraint(List.of(701L, 702L, 703L), 1);
        long pid = Op.project(cid, 1, 0);

        JsonPath t = Op.ok("/target/get", Map.of("cid", cid, "mid", 702)).setRootPath("data.target");
        assertEquals(Map.of("id", cid + ":702", "cid", (int) cid, "mid", 702, "pids", Map.of(String.valueOf(pid), 1)),
                t.getMap(""));

        assertEquals(Map.of("target", t.getMap("")), Op.ok("/target/delete", Map.of("id", cid + ":702")).getMap(""));
        assertEquals("mid 702 is not a target of constraint " + cid, Op.refused("/target/get", Map.of("cid", cid, "mid", 702)));
        assertEquals("target " + cid + ":702 does not exist", Op.refused("/target/delete", Map.of("id", cid + ":702")));
        JsonPath c = Op.ok("/constraint/get", Map.of("id", cid)).setRootPath("data.constraint");
        assertEquals(2, c.getInt("target_total"));
        assertEquals(List.of(701, 703), c.getList("condition.mids"));

        Op.ok("/constraint/start", Map.of("id", cid));
        Op.awaitState("constraint", cid, 4);
        assertEquals(List.of("701", "703"), members(cid));
    }

    @Test
    void aBuiltConstraintLosesATargetUntilAProjectHasStarted() {
        long cid = Op.constraint(List.of(711L, 712L, 713L), 2);
        Op.ok("/constraint/start", Map.of("id", cid));
        Op.awaitState("constraint", cid, 4);

        Op.ok("/target/delete", Map.of("id", cid + ":711"));
        assertEquals(List.of("712", "713"), members(cid));
        JsonPath c = Op.ok("/constraint/get", Map.of("id", cid)).setRootPath("data.constraint");
        assertEquals(2, c.getInt("target_total"));
        assertEquals(2, c.getInt("target_counter"));
        assertEquals(2, Op.ok("/target/list_by_cid", Map.of("cid", cid)).getInt("total"));

        long pid = Op.project(cid, 1, 0);
        Op.ok("/project/start", Map.of("id", pid));
        Op.awaitState("project", pid, 4);
        assertEquals("constraint " + cid + " is used by project " + pid + ", which has started: its targets are fixed",
                Op.refused("/target/delete", Map.of("id", cid + ":712")));
        assertEquals(2, given().get("/api/campaigns/" + pid).then().extract().jsonPath().getInt("progress.sent"));
    }

    @Test
    void badTargetParameters() {
        // 30 members at 1 a second: the build is still running when its targets are touched below.
        long cid = Op.constraint(java.util.stream.LongStream.rangeClosed(721, 750).boxed().toList(), 1, 1);
        assertEquals("cid: is required (a positive integer)", Op.refused("/target/get", Map.of("mid", 721)));
        assertEquals("mid: is required (a positive integer)", Op.refused("/target/get", Map.of("cid", cid)));
        assertEquals("mid: must be a positive integer, was 0", Op.refused("/target/get", Map.of("cid", cid, "mid", 0)));
        assertEquals("constraint 9223372036854775807 does not exist",
                Op.refused("/target/get", Map.of("cid", Long.MAX_VALUE, "mid", 721)));
        assertEquals("cid: is required (a positive integer)", Op.refused("/target/list_by_cid", Map.of()));
        assertEquals("id: is required, a target id \"cid:mid\" as /target/get answers it", Op.refused("/target/delete", Map.of()));
        assertEquals("id: is required, a target id \"cid:mid\" as /target/get answers it",
                Op.refused("/target/delete", Map.of("id", "721")));
        assertEquals("id: is required, a target id \"cid:mid\" as /target/get answers it",
                Op.refused("/target/delete", Map.of("id", cid + ":")));
        assertEquals("constraint 9223372036854775807 does not exist",
                Op.refused("/target/delete", Map.of("id", Long.MAX_VALUE + ":721")));

        Op.ok("/constraint/start", Map.of("id", cid));
        assertEquals("constraint " + cid + " is 2 started: its targets cannot change while it runs",
                Op.refused("/target/delete", Map.of("id", cid + ":721")));
        Op.ok("/constraint/stop", Map.of("id", cid));
        Op.awaitState("constraint", cid, 3);
    }

    @Test
    void targetListWalksEveryConstraintNewestFirst() {
        long cid = Op.constraint(List.of(731L, 732L, 733L), 1);
        JsonPath first = Op.ok("/target/list", Map.of("limit", 2));
        assertEquals(List.of(cid, cid), first.getList("list.cid", Long.class));
        assertEquals(2, first.getInt("offset"));
        JsonPath next = Op.ok("/target/list", Map.of("offset", 2, "limit", 1));
        assertEquals(List.of(cid), next.getList("list.cid", Long.class));
        List<Long> mids = new ArrayList<>(first.getList("list.mid", Long.class));
        mids.addAll(next.getList("list.mid", Long.class));
        assertEquals(List.of(731L, 732L, 733L), mids.stream().sorted().toList());

        long total = 0;
        for (int offset = 0; ; ) {
            JsonPath page = Op.ok("/constraint/list", Map.of("offset", offset, "limit", 100));
            for (Long c : page.getList("list.id", Long.class)) {
                total += Op.ok("/target/list_by_cid", Map.of("cid", c, "limit", 1)).getLong("total");
            }
            if (page.getInt("offset") == offset) {
                break;
            }
            offset = page.getInt("offset");
        }
        assertEquals(total, first.getLong("total"));
    }

    static List<String> members(long audience) {
        return given().queryParam("limit", 100).get("/api/audiences/" + audience + "/members").then().statusCode(200)
                .extract().jsonPath().getList("members", String.class).stream().sorted().toList();
    }
}
