package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.webhook.WebhookSink;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The acceptance run: 20,000 members over the webhook channel to a sink that answers 503
 * once to 5% of the requests; every member is received exactly once and the counters are exact.
 */
@QuarkusTest
class WebhookCampaignExactlyOnceTest {
    private static final Logger LOG = Logger.getLogger(WebhookCampaignExactlyOnceTest.class);
    static final int MEMBERS = 20_000;
    static WebhookSink sink;

    @BeforeAll
    static void startSink() throws Exception {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    @Test
    void twentyThousandMembersOverAFlakySinkAreEachReceivedExactlyOnce() {
        List<String> ids = Api.memberIds("e2e-", MEMBERS);
        String lines = ids.stream().map(id -> "{\"id\":\"" + id + "\",\"addresses\":{\"webhook\":\"" + sink.url("/hook") + "\"}}")
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("imported", equalTo(MEMBERS));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "e2e-hook", "type", "webhook", "settings", Map.of("backoffMs", 20, "attempts", 4),
                        "credentials", Map.of("secret", "end-to-end-secret-0123")))
                .post("/api/channels").then().statusCode(201);

        Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
        Map<String, Boolean> refusedOnce = new ConcurrentHashMap<>();
        AtomicInteger refusals = new AtomicInteger();
        sink.answer(r -> {
            String key = r.header("Idempotency-Key");
            // 5% of members, chosen by their key, are refused the first time only.
            if (Math.floorMod(key.hashCode(), 20) == 0 && refusedOnce.putIfAbsent(key, true) == null) {
                refusals.incrementAndGet();
                return WebhookSink.Answer.of(503, "try again");
            }
            accepted.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return WebhookSink.Answer.ok();
        });
        long audience = Api.builtAudience(ids);
        long campaign = given().contentType(ContentType.JSON)
                .body(Map.of("name", "e2e", "audienceId", audience, "channel", "e2e-hook",
                        "message", Map.of("title", "Hello {member.id}", "body", "b"), "workers", 8, "batchSize", 200,
                        "errorBudget", 1000))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");

        long started = System.nanoTime();
        Api.command("campaigns", campaign, "start", 200);
        JsonPath done = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(300));
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.infof("webhook campaign of %d members: %.1f s from start to finished, %.0f members/s; %d requests refused once",
                MEMBERS, seconds, MEMBERS / seconds, refusals.get());

        assertEquals(MEMBERS, accepted.size(), "every member received");
        assertEquals(List.of(), accepted.entrySet().stream().filter(e -> e.getValue().get() != 1).map(Map.Entry::getKey)
                .limit(5).toList(), "members received more than once");
        assertEquals(ids.stream().map(id -> campaign + ":" + id).collect(Collectors.toSet()), accepted.keySet());
        assertEquals(refusedOnce.size(), refusals.get());
        assertEquals(MEMBERS + refusals.get(), sink.received().size(), "one request per member, one more per refusal");
        CampaignDeliveryTest.assertCounters(done, MEMBERS, MEMBERS, 0, 0);
        assertEquals(0, done.getLong("progress.skipped"));
    }
}
