package dev.push.channel.apns;

import com.eatthepath.pushy.apns.server.RejectionReason;
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
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class ApnsChannelTest {
    static final String TOPIC = "dev.push.demo";
    static MockApns apns;

    @Inject
    Channels channels;

    @BeforeAll
    static void start() throws Exception {
        apns = new MockApns(Files.createTempDirectory("apns"));
    }

    @AfterAll
    static void stop() throws Exception {
        apns.close();
    }

    @BeforeEach
    void reset() {
        apns.reset();
    }

    static void configure(String name) {
        Map<String, Object> settings = new HashMap<>(Map.of("topic", TOPIC, "host", "127.0.0.1", "port", apns.port,
                "teamId", "TEAM123456", "keyId", "KEY1234567", "trustedCertificate", apns.certificatePem, "backoffMs", 1));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "type", "apns", "settings", settings, "credentials", Map.of("signingKey", apns.signingKeyPem)))
                .post("/api/channels").then().statusCode(201);
    }

    List<Outcome> send(String channel, List<Delivery.Recipient> to) {
        return channels.get(channel).send(new Delivery(9, channel, new Document("title", "Hi {member.attributes.name}")
                .append("body", "b").append("link", "https://x.example/a"), to)).await().atMost(Duration.ofSeconds(30));
    }

    static String token(int n) {
        return String.format("%064x", n);
    }

    @Test
    void apnsDeliversAlertsWithTokenAuthAndAStableApnsId() {
        configure("apns-basic");

        List<Outcome> out = send("apns-basic", List.of(new Delivery.Recipient("a", token(1), Map.of("name", "Ann"))));

        assertEquals(List.of(Outcome.sent("a")), out);
        MockApns.Received r = apns.received().get(0);
        assertEquals(token(1), r.token());
        assertEquals(TOPIC, r.topic());
        assertEquals(UUID.nameUUIDFromBytes("9:a".getBytes(StandardCharsets.UTF_8)).toString(), r.apnsId());
        JsonObject payload = new JsonObject(r.payload());
        assertEquals(new JsonObject().put("title", "Hi Ann").put("body", "b"), payload.getJsonObject("aps").getJsonObject("alert"));
        assertEquals("https://x.example/a", payload.getString("link"));
        assertEquals("9:a", payload.getString("idempotencyKey"));
    }

    @Test
    void apnsGetsTheExpiryCollapseIdAndPriorityAsHeaders() {
        configure("apns-hints");
        Instant now = Instant.parse("2030-01-01T10:00:00Z");

        List<Outcome> out = channels.get("apns-hints").send(new Delivery(9, "apns-hints", new Document("title", "Sale"),
                        List.of(new Delivery.Recipient("h", token(7), Map.of())), false, "promotions",
                        Delivery.Hints.at(now, now.plusSeconds(7200), "sale-9", "normal")))
                .await().atMost(Duration.ofSeconds(30));

        assertEquals(List.of(Outcome.sent("h")), out);
        Map<String, String> headers = apns.received().get(0).headers();
        assertEquals(String.valueOf(now.plusSeconds(7200).getEpochSecond()), headers.get("apns-expiration"));
        assertEquals("sale-9", headers.get("apns-collapse-id"));
        assertEquals("5", headers.get("apns-priority"));
    }

    @Test
    void apnsServiceUnavailableIsRetriedThenSucceeds() {
        configure("apns-retry");
        apns.failuresBeforeSuccess.put(token(2), 1);

        List<Outcome> out = send("apns-retry", List.of(new Delivery.Recipient("b", token(2), Map.of())));

        assertEquals(List.of(Outcome.sent("b")), out);
        assertEquals(2, apns.received().size());
        assertEquals(apns.received().get(0).apnsId(), apns.received().get(1).apnsId(), "the retry carries the same apns-id");
    }

    @Test
    void anUnreachableApnsServerFailsEachMemberRetryablyNotTheWholeSubBatch() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Map<String, Object> settings = new HashMap<>(Map.of("topic", TOPIC, "host", "127.0.0.1", "port", closed,
                "teamId", "TEAM123456", "keyId", "KEY1234567", "trustedCertificate", apns.certificatePem, "backoffMs", 1,
                "attempts", 1));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "apns-down", "type", "apns", "settings", settings, "credentials", Map.of("signingKey", apns.signingKeyPem)))
                .post("/api/channels").then().statusCode(201);

        List<Outcome> out = send("apns-down", List.of(new Delivery.Recipient("d1", token(8), Map.of()),
                new Delivery.Recipient("d2", token(9), Map.of())));

        assertEquals(List.of("d1", "d2"), out.stream().map(Outcome::memberId).toList());
        out.forEach(o -> {
            assertEquals(Outcome.Status.FAILED, o.status(), o.toString());
            assertEquals(true, o.retryable(), o.toString());
            assertEquals(true, o.reason().startsWith("APNs connection error"), o.reason());
        });
    }

    @Test
    void apnsPermanentRejectionIsAFailureThatIsNotRetried() {
        configure("apns-topic");
        apns.rejections.put(token(3), RejectionReason.DEVICE_TOKEN_NOT_FOR_TOPIC);

        List<Outcome> out = send("apns-topic", List.of(new Delivery.Recipient("c", token(3), Map.of())));

        assertEquals(List.of(Outcome.failed("c", "400 DeviceTokenNotForTopic", false)), out);
        assertEquals(1, apns.received().size());
    }

    @Test
    void apnsBadOrUnregisteredTokensAreMarkedInvalidAndSkippedByTheNextCampaign() {
        configure("apns-campaign");
        List<String> ids = Api.memberIds("ap-", 5);
        String lines = java.util.stream.IntStream.range(0, 5).mapToObj(i -> "{\"id\":\"ap-" + i
                + "\",\"addresses\":{\"apns\":\"" + token(100 + i) + "\"}}").collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200);
        apns.rejections.put(token(101), RejectionReason.BAD_DEVICE_TOKEN);
        apns.rejections.put(token(103), RejectionReason.UNREGISTERED);
        long audience = Api.builtAudience(ids);

        JsonPath first = run(audience);
        assertEquals(3, first.getLong("progress.sent"));
        assertEquals(2, first.getLong("progress.failed"));
        apns.received.clear();
        JsonPath second = run(audience);

        assertEquals(3, second.getLong("progress.sent"));
        assertEquals(2, second.getLong("progress.skipped"));
        assertEquals(3, apns.received().size());
        given().get("/api/campaigns/" + second.getLong("id") + "/deliveries/ap-3").then()
                .body("state", equalTo("skipped")).body("reason", equalTo("apns address marked invalid: Unregistered"));
    }

    private static JsonPath run(long audience) {
        long c = given().contentType(ContentType.JSON)
                .body(Map.of("name", "apns", "audienceId", audience, "channel", "apns-campaign",
                        "message", Map.of("title", "t"), "workers", 2, "errorBudget", 100))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.command("campaigns", c, "start", 200);
        return Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));
    }
}
