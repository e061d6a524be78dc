package dev.push.channel.fcm;

import dev.push.Api;
import dev.push.channel.config.Channels;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class FcmChannelTest {
    static FakeFcm fcm;

    @Inject
    Channels channels;

    @BeforeAll
    static void start() throws Exception {
        fcm = new FakeFcm();
    }

    @AfterAll
    static void stop() throws Exception {
        fcm.close();
    }

    @BeforeEach
    void reset() {
        fcm.reset();
    }

    static void configure(String name, Map<String, Object> settings) {
        Map<String, Object> s = new java.util.HashMap<>(settings);
        s.put("endpoint", fcm.url(""));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "type", "fcm", "settings", s, "credentials", Map.of("serviceAccount", fcm.serviceAccount())))
                .post("/api/channels").then().statusCode(201);
    }

    List<Outcome> send(String channel, List<Delivery.Recipient> to) {
        return channels.get(channel).send(new Delivery(7, channel, new Document("title", "Hi {member.attributes.firstName ?: 'you'}")
                .append("body", "b").append("link", "https://x.example/l").append("data", new Document("n", 3)), to))
                .await().atMost(Duration.ofSeconds(30));
    }

    static Delivery.Recipient device(String member, String token) {
        return new Delivery.Recipient(member, token, Map.of("firstName", "F" + member));
    }

    @Test
    void fcmExchangesOneSignedJwtForAnAccessTokenAndSendsEachMember() {
        configure("fcm-basic", Map.of());
        int issuedBefore = fcm.tokensIssued.get();

        List<Outcome> out = send("fcm-basic", List.of(device("a", "tok-a"), device("b", "tok-b"), device("c", "tok-c")));

        assertEquals(List.of(Outcome.sent("a"), Outcome.sent("b"), Outcome.sent("c")), out);
        assertEquals(1, fcm.tokensIssued.get() - issuedBefore, "one token exchange, shared by the sends");
        FakeFcm.Sent a = fcm.sent().stream().filter(s -> s.token().equals("tok-a")).findFirst().orElseThrow();
        assertEquals(new JsonObject().put("token", "tok-a")
                .put("notification", new JsonObject().put("title", "Hi Fa").put("body", "b"))
                .put("data", new JsonObject().put("n", "3").put("link", "https://x.example/l").put("idempotencyKey", "7:a")),
                a.message());
        assertEquals(1, fcm.sent().stream().map(FakeFcm.Sent::bearer).distinct().count(), "one bearer token for all");
    }

    @Test
    void fcmSendsOverHttp2ByDefault() {
        configure("fcm-h2", Map.of());

        send("fcm-h2", List.of(device("h1", "tok-h1"), device("h2", "tok-h2")));

        assertEquals(List.of(io.vertx.core.http.HttpVersion.HTTP_2, io.vertx.core.http.HttpVersion.HTTP_2),
                fcm.sent().stream().map(FakeFcm.Sent::version).toList());
    }

    @Test
    void fcmSendsOverHttp11WhenTheChannelAsks() {
        configure("fcm-h1", Map.of("protocol", "http1.1"));

        send("fcm-h1", List.of(device("o1", "tok-o1")));

        assertEquals(List.of(io.vertx.core.http.HttpVersion.HTTP_1_1), fcm.sent().stream().map(FakeFcm.Sent::version).toList());
    }

    @Test
    void fcmGetsTheTtlCollapseKeyAndPriorityAsAndroidOptions() {
        configure("fcm-hints", Map.of());
        Instant now = Instant.parse("2030-01-01T10:00:00Z");

        List<Outcome> out = channels.get("fcm-hints").send(new Delivery(8, "fcm-hints", new Document("title", "Sale"),
                        List.of(device("h", "tok-h")), false, "promotions", Delivery.Hints.at(now, now.plusSeconds(3600), "sale-8", "normal")))
                .await().atMost(Duration.ofSeconds(30));

        assertEquals(List.of(Outcome.sent("h")), out);
        FakeFcm.Sent h = fcm.sent().stream().filter(s -> s.token().equals("tok-h")).findFirst().orElseThrow();
        assertEquals(new JsonObject().put("ttl", "3600s").put("collapse_key", "sale-8").put("priority", "NORMAL"),
                h.message().getJsonObject("android"));
    }

    @Test
    void fcmQuotaExceededBacksOffHonouringRetryAfterThenSucceeds() {
        configure("fcm-quota", Map.of("backoffMs", 1));
        AtomicInteger calls = new AtomicInteger();
        fcm.answer(s -> calls.incrementAndGet() == 1
                ? new FakeFcm.Answer(429, Map.of("Retry-After", "1"), FakeFcm.Answer.error(429, "RESOURCE_EXHAUSTED",
                "QUOTA_EXCEEDED", "Sending quota exceeded").body())
                : FakeFcm.Answer.ok());

        List<Outcome> out = send("fcm-quota", List.of(device("q", "tok-q")));

        assertEquals(List.of(Outcome.sent("q")), out);
        List<FakeFcm.Sent> got = fcm.sent();
        assertEquals(2, got.size());
        assertTrue((got.get(1).atNanos() - got.get(0).atNanos()) / 1_000_000 >= 1000, "waited the Retry-After");
    }

    @Test
    void fcmUnavailableUntilTheLastAttemptIsARetryableFailure() {
        configure("fcm-down", Map.of("backoffMs", 1, "attempts", 3));
        fcm.answer(s -> FakeFcm.Answer.error(503, "UNAVAILABLE", "UNAVAILABLE", "The server is overloaded."));

        List<Outcome> out = send("fcm-down", List.of(device("u", "tok-u")));

        assertEquals(List.of(Outcome.failed("u", "503 UNAVAILABLE: The server is overloaded. (after 3 attempts)", true)), out);
        assertEquals(3, fcm.sent().size());
    }

    @Test
    void fcmRefusedAccessTokenIsExchangedAgainOnce() {
        configure("fcm-reauth", Map.of());
        send("fcm-reauth", List.of(device("r0", "tok-r0")));
        String first = fcm.sent().get(0).bearer();
        fcm.revoke(first);
        fcm.reset();

        List<Outcome> out = send("fcm-reauth", List.of(device("r1", "tok-r1")));

        assertEquals(List.of(Outcome.sent("r1")), out);
        assertFalse(fcm.sent().get(0).bearer().equals(first));
    }

    @Test
    void fcmPayloadErrorIsPermanentButLeavesTheTokenValid() {
        configure("fcm-payload", Map.of());
        fcm.answer(s -> FakeFcm.Answer.error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Invalid value at 'message.data'"));

        List<Outcome> out = send("fcm-payload", List.of(device("p", "tok-p")));

        assertEquals(List.of(Outcome.failed("p", "400 INVALID_ARGUMENT: Invalid value at 'message.data'", false)), out);
    }

    @Test
    void fcmUnregisteredTokenIsMarkedInvalidAndSkippedByTheNextCampaign() {
        configure("fcm-campaign", Map.of());
        List<String> ids = Api.memberIds("fc-", 6);
        String lines = ids.stream().map(id -> "{\"id\":\"" + id + "\",\"addresses\":{\"fcm\":\"tok-" + id + "\"}}")
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200);
        fcm.answer(s -> switch (s.token()) {
            case "tok-fc-2" -> FakeFcm.Answer.error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.");
            case "tok-fc-4" -> FakeFcm.Answer.error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
                    "The registration token is not a valid FCM registration token");
            default -> FakeFcm.Answer.ok();
        });
        long audience = Api.builtAudience(ids);

        JsonPath first = run(audience);
        assertEquals(4, first.getLong("progress.sent"));
        assertEquals(2, first.getLong("progress.failed"));
        fcm.reset();
        JsonPath second = run(audience);

        assertEquals(4, second.getLong("progress.sent"));
        assertEquals(2, second.getLong("progress.skipped"));
        assertEquals(0, second.getLong("progress.failed"));
        assertEquals(4, fcm.sent().size(), "invalid tokens are not sent to again");
        given().get("/api/campaigns/" + second.getLong("id") + "/deliveries/fc-2").then()
                .body("state", equalTo("skipped")).body("reason", equalTo("fcm address marked invalid: UNREGISTERED"));
    }

    private static JsonPath run(long audience) {
        long c = given().contentType(ContentType.JSON)
                .body(Map.of("name", "fcm", "audienceId", audience, "channel", "fcm-campaign",
                        "message", Map.of("title", "t"), "workers", 2, "errorBudget", 100))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.command("campaigns", c, "start", 200);
        return Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));
    }
}
