package dev.push.engine;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scheduled tick is an hour apart here, so a task can only get its workers and its final
 * state from the master being woken: by the start command, and by the worker that finds no
 * unit left.
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
}
