package dev.push.engine;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scheduled tick is an hour apart here, so a task can only get its workers and its final
 * state from the master being woken: by the start command, and by the worker that finds no
 * unit left. A campaign and a query build (its one unit worked by one of its workers while the
 * others find nothing to lease) each finish so.
 */
@QuarkusTest
@TestProfile(PromptStartAndFinishTest.HourlyTick.class)
class PromptStartAndFinishTest {

    public static class HourlyTick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("push.engine.tick", "1h");
        }
    }

    @Test
    void startedTasksGetWorkersAndFinishWithoutWaitingForTheScheduledTick() {
        long audience = Api.builtAudience(Api.memberIds("prompt-", 2_000));
        long campaign = Api.campaign(audience, "log", 4, 0, 100, 10);

        Api.command("campaigns", campaign, "start", 200);
        JsonPath done = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));

        assertEquals(2_000, done.getLong("progress.sent"));
        assertEquals(2_000, done.getLong("progress.processed"));
    }

    @Test
    void aQueryBuildStartedWhileTheMasterIdlesIsScannedAndFinishedWithoutWaitingForTheScheduledTick() {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            ndjson.append("{\"id\":\"prompt-query-").append(i).append("\",\"attributes\":{\"lot\":\"prompt\",\"even\":")
                    .append(i % 2 == 0).append("}}\n");
        }
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("imported", equalTo(3_000));
        long audience = given().contentType(ContentType.JSON).body(Map.of("name", "prompt query", "workers", 4,
                        "source", Map.of("kind", "query", "filter", Map.of("lot", "prompt", "even", true))))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");

        Api.command("audiences", audience, "start", 200);
        JsonPath done = Api.awaitState("audiences", audience, "finished", Duration.ofSeconds(60));

        assertEquals(1_500, done.getLong("progress.sent"));
    }
}
