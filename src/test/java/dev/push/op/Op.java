package dev.push.op;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The op calls the tests make: every answer is HTTP 200 with the envelope. */
final class Op {
    private Op() {
    }

    static JsonPath call(String route, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(route)
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    static JsonPath raw(String route, String body) {
        return given().contentType(ContentType.JSON).body(body).post(route)
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
    }

    /** Calls a route that must succeed and answers its data. */
    static JsonPath ok(String route, Object body) {
        JsonPath answer = call(route, body);
        assertEquals(1, answer.getInt("ret"), () -> route + " answered " + answer.prettify());
        return answer.setRootPath("data");
    }

    /** Calls a route that must refuse the parameters and answers the detail. */
    static String refused(String route, Object body) {
        JsonPath answer = call(route, body);
        return refusal(route, answer);
    }

    static String refusal(String route, JsonPath answer) {
        assertEquals(3, answer.getInt("ret"), () -> route + " answered " + answer.prettify());
        assertEquals("bad parameters", answer.getString("msg"));
        assertNull(answer.get("data"));
        return answer.getString("detail");
    }

    static long constraint(List<Long> mids, int workers) {
        return constraint(mids, workers, 0);
    }

    /** With qps > 0 the build adds that many members a second, so it stays started for a while. */
    static long constraint(List<Long> mids, int workers, int qps) {
        return ok("/constraint/add", Map.of("target_total", mids.size(), "worker_total", workers, "condition_kind", 1,
                "condition", Map.of("mids", mids), "qps", qps)).getLong("constraint.id");
    }

    static long project(long cid, int workers, int qps) {
        return ok("/project/add", Map.of("cid", cid, "msg", Map.of("title", "Hi", "text", "A promotion"),
                "target_total", 1, "worker_total", workers, "qps", qps)).getLong("project.id");
    }

    static JsonPath awaitState(String group, long id, int state) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> ok("/" + group + "/get", Map.of("id", id)).getInt(group + ".state") == state);
        return ok("/" + group + "/get", Map.of("id", id)).setRootPath("data." + group);
    }
}
