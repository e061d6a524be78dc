package dev.push.campaign;

import com.mongodb.client.model.Updates;
import dev.push.Api;
import dev.push.storage.PushDatabase;
import dev.push.member.Shards;
import dev.push.task.Task;
import dev.push.channel.webhook.WebhookSink;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Campaigns over a configured webhook channel: personalization, preview, test sends and retries. */
@QuarkusTest
class CampaignSendsTest {
    static WebhookSink sink;

    @Inject
    PushDatabase collections;

    @BeforeAll
    static void startSink() throws Exception {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    @BeforeEach
    void resetSink() {
        sink.reset();
    }

    static void channel(String name, Map<String, Object> settings) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "type", "webhook", "settings", settings))
                .post("/api/channels").then().statusCode(201);
    }

    /** Imports members; each with a webhook address on the sink unless listed in {@code withoutAddress}. */
    static void members(List<String> ids, Set<String> withoutAddress) {
        String lines = ids.stream().map(id -> new JsonObject().put("id", id)
                        .put("attributes", new JsonObject().put("firstName", "F-" + id))
                        .put("addresses", withoutAddress.contains(id) ? new JsonObject()
                                : new JsonObject().put("webhook", sink.url("/m/" + id))).encode())
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("imported", equalTo(ids.size()));
    }

    static long campaign(long audience, String channel, Map<String, Object> message) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "c", "audienceId", audience, "channel", channel, "message", message,
                        "workers", 2, "batchSize", 10, "errorBudget", 1000))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static Map<String, Integer> keysReceived() {
        Map<String, Integer> keys = new HashMap<>();
        sink.received().forEach(r -> keys.merge(r.header("Idempotency-Key"), 1, Integer::sum));
        return keys;
    }

    @Test
    void templateErrorIsA400AtCampaignCreation() {
        long audience = Api.builtAudience(List.of("tpl-1"));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "c", "audienceId", audience, "channel", "log",
                        "message", Map.of("title", "Hi {member.attributes.firstName", "body", "ok")))
                .post("/api/campaigns").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("message.title"));
    }

    @Test
    void previewRendersTheMessageForAMemberOrForAttributes() {
        members(List.of("pv-1"), Set.of());
        long c = campaign(Api.builtAudience(List.of("pv-1")), "log", Map.of(
                "title", "Hi {member.attributes.firstName ?: 'there'}", "body", "For {member.id}",
                "link", "https://shop.example/s/{member.id}#top", "utm", Map.of("source", "push", "medium", "webhook")));

        given().contentType(ContentType.JSON).body(Map.of("memberId", "pv-1")).post("/api/campaigns/" + c + "/preview")
                .then().statusCode(200).body("title", equalTo("Hi F-pv-1")).body("body", equalTo("For pv-1"))
                .body("target", equalTo("https://shop.example/s/pv-1?utm_source=push&utm_medium=webhook#top"))
                .body("link", startsWith("http://localhost:8080/c/"));
        given().contentType(ContentType.JSON).body(Map.of("attributes", Map.of())).post("/api/campaigns/" + c + "/preview")
                .then().statusCode(200).body("title", equalTo("Hi there"));
        given().contentType(ContentType.JSON).body(Map.of("memberId", "nobody")).post("/api/campaigns/" + c + "/preview")
                .then().statusCode(404);
    }

    @Test
    void campaignOverWebhookDeliversPersonalizedMessagesAndSkipsMembersWithoutAddress() {
        channel("hook-campaign", Map.of());
        List<String> ids = Api.memberIds("wc-", 25);
        members(ids, Set.of("wc-3", "wc-7"));
        long c = campaign(Api.builtAudience(ids), "hook-campaign", Map.of("title", "Hi {member.attributes.firstName}"));

        Api.command("campaigns", c, "start", 200);
        JsonPath done = Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));

        assertEquals(25, done.getLong("progress.processed"));
        assertEquals(23, done.getLong("progress.sent"));
        assertEquals(2, done.getLong("progress.skipped"));
        assertEquals(0, done.getLong("progress.failed"));
        Map<String, Integer> keys = keysReceived();
        assertEquals(23, keys.size());
        assertEquals(Set.of(1), Set.copyOf(keys.values()));
        WebhookSink.Received one = sink.received().stream().filter(r -> r.path().equals("/m/wc-11")).findFirst().orElseThrow();
        assertEquals("Hi F-wc-11", new JsonObject(one.text()).getString("title"));
        assertEquals(c + ":wc-11", one.header("Idempotency-Key"));
        given().get("/api/campaigns/" + c + "/deliveries/wc-3").then().body("state", equalTo("skipped"))
                .body("reason", equalTo("no webhook address"));
    }

    @Test
    void testSendTouchesNoRecordsOrCountersAndUsesKeysOfItsOwn() {
        channel("hook-test", Map.of());
        members(List.of("ts-1", "ts-2"), Set.of("ts-2"));
        long c = campaign(Api.builtAudience(List.of("ts-1", "ts-2")), "hook-test", Map.of("title", "Hi {member.id}"));

        JsonPath answer = given().contentType(ContentType.JSON)
                .body(Map.of("memberIds", List.of("ts-1", "ts-2"), "addresses", List.of(sink.url("/raw"))))
                .post("/api/campaigns/" + c + "/test").then().statusCode(200).extract().jsonPath();

        assertEquals(List.of("skipped", "sent", "sent"), answer.getList("outcomes.state"));
        assertEquals("ts-2", answer.getString("outcomes[0].memberId"));
        assertEquals(sink.url("/raw"), answer.getString("outcomes[2].address"));
        assertEquals(Set.of(c + ":test:ts-1", c + ":test:address#1"), keysReceived().keySet());
        assertEquals(true, new JsonObject(sink.received().get(0).text()).getBoolean("test"));
        JsonPath after = Api.get("campaigns", c);
        assertEquals("ready", after.getString("state"));
        assertEquals(0, after.getLong("progress.processed"));
        assertEquals(List.of("pending", "pending"), Api.deliveries(c).stream().map(d -> d.get("state")).toList());
    }

    @Test
    void retryFailedSendsOnlyRetryableFailuresOnceWithTheirOriginalKeys() {
        channel("hook-retry", Map.of("attempts", 1));
        List<String> ids = Api.memberIds("rt-", 12);
        members(ids, Set.of());
        long c = campaign(Api.builtAudience(ids), "hook-retry", Map.of("title", "t"));
        sink.answer(r -> switch (r.path()) {
            case "/m/rt-1" -> WebhookSink.Answer.of(410, "gone");
            case "/m/rt-2", "/m/rt-5" -> WebhookSink.Answer.of(503, "busy");
            default -> WebhookSink.Answer.ok();
        });
        Api.command("campaigns", c, "start", 200);
        JsonPath done = Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));
        assertEquals(9, done.getLong("progress.sent"));
        assertEquals(3, done.getLong("progress.failed"));
        sink.reset();

        given().contentType(ContentType.JSON).body(Map.of("what", "failed")).post("/api/campaigns/" + c + "/retry")
                .then().statusCode(200).body("retried", equalTo(2)).body("sent", equalTo(2)).body("failed", equalTo(0));

        assertEquals(Map.of(c + ":rt-2", 1, c + ":rt-5", 1), keysReceived());
        JsonPath after = Api.get("campaigns", c);
        assertEquals(11, after.getLong("progress.sent"));
        assertEquals(1, after.getLong("progress.failed"));
        assertEquals("retry failed: 2 members, 2 sent, 0 failed, 0 skipped", after.getString("history[-1].reason"));
        given().get("/api/campaigns/" + c + "/deliveries/rt-2").then().body("state", equalTo("sent"));
        given().get("/api/campaigns/" + c + "/deliveries/rt-1").then().body("state", equalTo("failed"))
                .body("retryable", equalTo(false));

        given().contentType(ContentType.JSON).body(Map.of("what", "failed")).post("/api/campaigns/" + c + "/retry")
                .then().statusCode(200).body("retried", equalTo(0));
        assertEquals(2, sink.received().size(), "nothing left to retry");
    }

    @Test
    void aRetryRepeatedAfterOneThatFailedMidwayLeavesTheCountersEqualToTheRecords() {
        channel("hook-midway", Map.of("attempts", 1));
        List<String> ids = Api.memberIds("mw-", 12);
        members(ids, Set.of());
        long audience = Api.builtAudience(ids);
        long c = campaign(audience, "hook-midway", Map.of("title", "t"));
        sink.answer(r -> switch (r.path()) {
            case "/m/mw-2", "/m/mw-5" -> WebhookSink.Answer.of(503, "busy");
            default -> WebhookSink.Answer.ok();
        });
        Api.command("campaigns", c, "start", 200);
        Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));
        sink.reset();
        // As a retry that stopped midway leaves it: mw-2's chunk record rewritten (sent), the campaign's counters not.
        int shard = Shards.of("mw-2", Api.get("audiences", audience).getInt("shards"));
        collections.get(PushDatabase.CAMPAIGN_CHUNKS).updateOne(new Document("_id", CampaignChunks.key(c, shard, 0)),
                Updates.combine(Updates.inc("nSent", 1), Updates.inc("nFailed", -1),
                        Updates.pull("failed", new Document("m", "mw-2"))));
        JsonPath before = Api.get("campaigns", c);
        assertEquals(10, before.getLong("progress.sent"));
        assertEquals(2, before.getLong("progress.failed"));

        given().contentType(ContentType.JSON).body(Map.of("what", "failed")).post("/api/campaigns/" + c + "/retry")
                .then().statusCode(200).body("retried", equalTo(1)).body("sent", equalTo(1));

        JsonPath after = Api.get("campaigns", c);
        assertEquals(12, after.getLong("progress.sent"));
        assertEquals(0, after.getLong("progress.failed"));
        assertEquals(12, after.getLong("progress.processed"));
        assertEquals(Map.of(c + ":mw-5", 1), keysReceived());
    }

    @Test
    void retryUnknownSendsThoseMembersOnceMoreWithTheirOriginalKeys() {
        channel("hook-unknown", Map.of());
        List<String> ids = Api.memberIds("uk-", 4);
        members(ids, Set.of());
        long audience = Api.builtAudience(ids);
        long c = campaign(audience, "hook-unknown", Map.of("title", "t"));
        Api.command("campaigns", c, "start", 200);
        Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));
        // As a take-over leaves it: the worker died between send and record, so uk-2's outcome is unknown.
        int shard = Shards.of("uk-2", Api.get("audiences", audience).getInt("shards"));
        collections.get(PushDatabase.CAMPAIGN_CHUNKS).updateOne(new Document("_id", CampaignChunks.key(c, shard, 0)),
                Updates.combine(Updates.inc("nSent", -1), Updates.inc("nUnknown", 1), Updates.push("unknown", "uk-2")));
        Task.<Task>mongoCollection().updateOne(new Document("_id", c),
                Updates.combine(Updates.inc("progress.sent", -1L), Updates.inc("progress.unknown", 1L)));
        sink.reset();

        given().contentType(ContentType.JSON).body(Map.of("what", "unknown")).post("/api/campaigns/" + c + "/retry")
                .then().statusCode(200).body("retried", equalTo(1)).body("sent", equalTo(1));

        assertEquals(Map.of(c + ":uk-2", 1), keysReceived());
        JsonPath after = Api.get("campaigns", c);
        assertEquals(4, after.getLong("progress.sent"));
        assertEquals(0, after.getLong("progress.unknown"));
        given().get("/api/campaigns/" + c + "/deliveries/uk-2").then().body("state", equalTo("sent"));
    }

    @Test
    void retryIsRefusedWhileTheCampaignIsNotAtRest() {
        long c = campaign(Api.builtAudience(List.of("rr-1")), "log", Map.of("title", "t"));
        given().contentType(ContentType.JSON).body(Map.of("what", "failed")).post("/api/campaigns/" + c + "/retry")
                .then().statusCode(409);
        given().contentType(ContentType.JSON).body(Map.of("what", "everything")).post("/api/campaigns/" + c + "/retry")
                .then().statusCode(400).body("errors[0].field", equalTo("what"));
    }
}
