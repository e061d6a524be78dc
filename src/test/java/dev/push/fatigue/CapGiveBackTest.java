package dev.push.fatigue;

import dev.push.Api;
import dev.push.channel.webhook.WebhookSink;
import dev.push.storage.PushDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14: a push the channel failed was not a push, so it does not count toward the frequency cap — its slot is given
 * back, and a retry of the failed members under a cap of one a day reaches them.
 */
@QuarkusTest
class CapGiveBackTest {
    static WebhookSink sink;

    @Inject
    PushDatabase database;

    @BeforeAll
    static void startSink() throws Exception {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    @AfterEach
    void removePolicy() {
        given().queryParam("category", "news").delete("/api/frequency-caps");
    }

    @Test
    void membersTheChannelFailedGetTheirSlotBackAndARetryReachesThem() {
        given().contentType(ContentType.JSON).body(Map.of("name", "hook-capped", "type", "webhook", "settings", Map.of("attempts", 1)))
                .post("/api/channels").then().statusCode(201);
        List<String> ids = Api.memberIds("gb-", 10);
        String lines = ids.stream().map(id -> new JsonObject().put("id", id)
                .put("addresses", new JsonObject().put("webhook", sink.url("/m/" + id))).encode()).collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200).body("imported", equalTo(10));
        given().contentType(ContentType.JSON).body(Map.of("category", "news", "limits", List.of(Map.of("max", 1, "window", "PT24H"))))
                .put("/api/frequency-caps").then().statusCode(200);
        long campaign = given().contentType(ContentType.JSON).body(Map.of("name", "capped hook", "audienceId", Api.builtAudience(ids),
                "channel", "hook-capped", "category", "news", "message", Map.of("title", "News"), "errorBudget", 100))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        sink.answer(r -> r.path().equals("/m/gb-2") || r.path().equals("/m/gb-5")
                ? WebhookSink.Answer.of(503, "busy") : WebhookSink.Answer.ok());

        Api.command("campaigns", campaign, "start", 200);
        JsonPath done = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));
        assertEquals(8, done.getLong("progress.sent"));
        assertEquals(2, done.getLong("progress.failed"));
        for (String id : ids) {
            int slots = id.equals("gb-2") || id.equals("gb-5") ? 0 : 1;
            assertEquals(slots, FrequencyCapTest.slotsOf(database, id), id + ": a slot only for a member pushed");
        }

        sink.answer(r -> WebhookSink.Answer.ok());
        given().contentType(ContentType.JSON).body(Map.of("what", "failed")).post("/api/campaigns/" + campaign + "/retry")
                .then().statusCode(200).body("retried", equalTo(2)).body("sent", equalTo(2)).body("skipped", equalTo(0));
        for (String id : ids) {
            assertEquals(1, FrequencyCapTest.slotsOf(database, id), id + ": one push, one slot");
        }
    }
}
