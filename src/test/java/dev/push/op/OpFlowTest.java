package dev.push.op;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The op console's whole round: a constraint built, a project pushed, the targets read back. */
@QuarkusTest
class OpFlowTest {

    @Test
    void constraintThenProjectThenTargetStates() {
        List<Long> mids = LongStream.rangeClosed(900_001, 900_025).boxed().toList();
        long cid = Op.constraint(mids, 2);
        Op.ok("/constraint/start", Map.of("id", cid));
        JsonPath built = Op.awaitState("constraint", cid, 4);
        assertEquals(25, built.getInt("target_total"));
        assertEquals(25, built.getInt("target_counter"));
        assertEquals(Map.of(), built.getMap("timestamps"));

        long pid = Op.ok("/project/add", Map.of("cid", cid, "msg", Map.of("title", "Flow", "body", "Pushed once"),
                "target_total", 25, "worker_total", 2, "qps", 0)).getLong("project.id");
        Op.ok("/project/start", Map.of("id", pid));
        JsonPath done = Op.awaitState("project", pid, 4);
        assertEquals(25, done.getInt("target_total"));
        assertEquals(25, done.getInt("target_counter"));
        assertEquals(0, done.getInt("worker_counter"));

        List<Map<String, Object>> targets = new ArrayList<>();
        int offset = 0;
        while (true) {
            JsonPath page = Op.ok("/target/list_by_cid", Map.of("cid", cid, "offset", offset, "limit", 10));
            assertEquals(25, page.getLong("total"));
            targets.addAll(page.getList("list"));
            if (page.getInt("offset") == offset) {
                break;
            }
            offset = page.getInt("offset");
        }
        assertEquals(mids, targets.stream().map(t -> ((Number) t.get("mid")).longValue()).sorted().toList());
        for (Map<String, Object> t : targets) {
            assertEquals(Map.of(String.valueOf(pid), 4), t.get("pids"), "sent: 4 finished");
            assertEquals(cid + ":" + t.get("mid"), t.get("id"));
        }
        assertEquals(Map.of(String.valueOf(pid), 4),
                Op.ok("/target/get", Map.of("cid", cid, "mid", 900_013)).getMap("target.pids"));
    }
}
