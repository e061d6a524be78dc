package dev.push.task;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every allowed transition answers 200 with the new state; every refused one 409 naming the current state. */
@QuarkusTest
class TaskTransitionsTest {

    /** A campaign slow enough (20 messages a second) to stay started while the test drives it. */
    long slowCampaign() {
        return Api.campaign(Api.builtAudience(Api.memberIds("slow-" + System.nanoTime() + "-", 2_000)), "log", 2, 20, 10, 10);
    }

    void refused(long id, String command, String state) {
        given().post("/api/campaigns/" + id + "/" + command).then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("its state is " + state));
    }

    void allowed(long id, String command, String state) {
        assertEquals(state, Api.command("campaigns", id, command, 200).getString("state"));
    }

    @Test
    void readyTaskOnlyStarts() {
        long id = slowCampaign();
        refused(id, "pause", "ready");
        refused(id, "resume", "ready");
        refused(id, "stop", "ready");
        allowed(id, "start", "started");
        allowed(id, "stop", "stopped");
    }

    @Test
    void startedTaskPausesAndStopsButDoesNotStartOrResume() {
        long id = slowCampaign();
        allowed(id, "start", "started");
        refused(id, "start", "started");
        refused(id, "resume", "started");
        allowed(id, "pause", "paused");
        refused(id, "pause", "paused");
        allowed(id, "resume", "started");
        allowed(id, "stop", "stopped");
    }

    @Test
    void pausedTaskResumesStopsOrStartsAgain() {
        long id = slowCampaign();
        allowed(id, "start", "started");
        allowed(id, "pause", "paused");
        allowed(id, "stop", "stopped");
        long other = slowCampaign();
        allowed(other, "start", "started");
        allowed(other, "pause", "paused");
        allowed(other, "start", "started");
        allowed(other, "stop", "stopped");
    }

    @Test
    void stoppedTaskOnlyStartsAgain() {
        long id = slowCampaign();
        allowed(id, "start", "started");
        allowed(id, "stop", "stopped");
        refused(id, "pause", "stopped");
        refused(id, "resume", "stopped");
        refused(id, "stop", "stopped");
        allowed(id, "start", "started");
        allowed(id, "stop", "stopped");
    }

    @Test
    void finishedTaskOnlyStartsAgain() {
        long audience = Api.builtAudience(Api.memberIds("fin-", 50));
        long id = Api.campaign(audience, "log", 1, 0, 10, 10);
        allowed(id, "start", "started");
        Api.awaitState("campaigns", id, "finished", Duration.ofSeconds(30));
        refused(id, "pause", "finished");
        refused(id, "resume", "finished");
        refused(id, "stop", "finished");
        allowed(id, "start", "started");
        JsonPath again = Api.awaitState("campaigns", id, "finished", Duration.ofSeconds(30));
        assertEquals(List.of("ready", "started", "finished", "started", "finished"), again.getList("history.to"));
    }

    @Test
    void everyTransitionIsRecordedWithWhoAndWhy() {
        long id = slowCampaign();
        allowed(id, "start", "started");
        allowed(id, "pause", "paused");
        JsonPath t = Api.get("campaigns", id);
        assertEquals(List.of("ready", "started", "paused"), t.getList("history.to"));
        assertEquals("started", t.getString("history[2].from"));
        assertEquals("admin", t.getString("history[2].by"), "the history names the authenticated user");
        assertEquals("pause", t.getString("history[2].reason"));
        Api.command("campaigns", id, "stop", 200);
    }

    @Test
    void audienceCommandsFollowTheSameRules() {
        long id = Api.idsAudience(Api.memberIds("aud-", 10));
        given().post("/api/audiences/" + id + "/pause").then().statusCode(409)
                .body("detail", containsString("its state is ready"));
        Api.command("audiences", id, "start", 200);
        Api.awaitState("audiences", id, "finished", Duration.ofSeconds(30));
        given().post("/api/audiences/" + id + "/resume").then().statusCode(409)
                .body("detail", containsString("its state is finished"));
    }

    @Test
    void unknownTaskAnswers404() {
        given().post("/api/campaigns/999999/start").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
