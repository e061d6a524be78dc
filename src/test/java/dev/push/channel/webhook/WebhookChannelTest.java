package dev.push.channel.webhook;

import dev.push.channel.config.Channels;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class WebhookChannelTest {
    static final String SECRET = "a-webhook-secret-of-some-length";
    static WebhookSink sink;

    @Inject
    Channels channels;

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

    static void configure(String name, Map<String, Object> settings) {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "type", "webhook", "settings", settings, "credentials", Map.of("secret", SECRET)))
                .post("/api/channels").then().statusCode(201);
    }

    List<Outcome> send(String channel, long campaign, Document message, List<Delivery.Recipient> recipients) {
        return channels.get(channel).send(new Delivery(campaign, channel, message, recipients))
                .await().atMost(Duration.ofSeconds(30));
    }

    static Delivery.Recipient member(String id, String address) {
        return new Delivery.Recipient(id, address, Map.of());
    }

    @Test
    void webhookPostsPersonalizedJsonSignedWithTheChannelSecret() {
        configure("hook-signed", Map.of());
        Document message = new Document("title", "Hi {member.attributes.firstName ?: 'there'}")
                .append("body", "Sale for {member.id}").append("link", "https://shop.example/p?x=1")
                .append("data", new Document("sku", "A1"))
                .append("utm", new Document("source", "push").append("campaign", "spring sale"));

        List<Outcome> out = send("hook-signed", 41, message, List.of(
                new Delivery.Recipient("ann", sink.url("/ann"), Map.of("firstName", "Ann")),
                new Delivery.Recipient("bob", sink.url("/bob"), Map.of())));

        assertEquals(List.of(Outcome.sent("ann"), Outcome.sent("bob")), out);
        Map<String, WebhookSink.Received> byPath = new HashMap<>();
        sink.received().forEach(r -> byPath.put(r.path(), r));
        assertEquals(2, sink.received().size());
        WebhookSink.Received ann = byPath.get("/ann");
        assertEquals("41:ann", ann.header("Idempotency-Key"));
        assertEquals("application/json", ann.header("Content-Type"));
        assertEquals(new Signature(SECRET).of(ann.body()), ann.header(Signature.HEADER), "receiver recomputes the HMAC of the raw body");
        assertEquals(new JsonObject().put("campaign", 41).put("member", "ann").put("idempotencyKey", "41:ann")
                .put("title", "Hi Ann").put("body", "Sale for ann")
                .put("link", "https://shop.example/p?x=1&utm_source=push&utm_campaign=spring+sale")
                .put("data", new JsonObject().put("sku", "A1")), new JsonObject(ann.text()));
        assertEquals("Hi there", new JsonObject(byPath.get("/bob").text()).getString("title"));
    }

    @Test
    void webhookCarriesTheExpiryTtlCollapseKeyAndPriorityOfTheDelivery() {
        configure("hook-hints", Map.of());
        Instant now = Instant.parse("2030-01-01T10:00:00Z");
        Delivery.Hints hints = Delivery.Hints.at(now, now.plusSeconds(5400), "sale-42", "high");

        List<Outcome> out = channels.get("hook-hints").send(new Delivery(43, "hook-hints", new Document("title", "Sale"),
                List.of(member("ann", sink.url("/ann"))), false, "promotions", hints)).await().atMost(Duration.ofSeconds(30));

        assertEquals(List.of(Outcome.sent("ann")), out);
        JsonObject body = new JsonObject(sink.received().get(0).text());
        assertEquals("2030-01-01T11:30:00Z", body.getString("expiresAt"));
        assertEquals(5400, body.getLong("ttl"));
        assertEquals("sale-42", body.getString("collapseKey"));
        assertEquals("high", body.getString("priority"));
    }

    /**
     * Fixed vectors computed outside this code base, once, with OpenSSL:
     * {@code printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"}.
     */
    @Test
    void theSignatureMatchesAnHmacComputedIndependently() {
        configure("hook-vector", Map.of());

        List<Outcome> out = send("hook-vector", 49, new Document("title", "Hi"), List.of(member("vec", sink.url("/vec"))));

        assertEquals(List.of(Outcome.sent("vec")), out);
        WebhookSink.Received got = sink.received().get(0);
        assertEquals("{\"campaign\":49,\"member\":\"vec\",\"idempotencyKey\":\"49:vec\",\"title\":\"Hi\"}", got.text());
        assertEquals("sha256=0b14044c01bdb1606dcd99f262ce0643145f6c620d91941201a31530bef4d3d4", got.header(Signature.HEADER));
        // RFC 4231, test case 2 (the key is shorter than the channel's minimum, so only the class is checked).
        assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                new Signature("Jefe").of("what do ya want for nothing?".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void webhookRetriesAfter503AndHonoursRetryAfter() {
        configure("hook-retry-after", Map.of("backoffMs", 1));
        AtomicInteger calls = new AtomicInteger();
        sink.answer(r -> calls.incrementAndGet() == 1
                ? new WebhookSink.Answer(503, Map.of("Retry-After", "1"), "busy")
                : WebhookSink.Answer.ok());

        List<Outcome> out = send("hook-retry-after", 42, new Document("title", "t"), List.of(member("m1", sink.url("/m1"))));

        assertEquals(List.of(Outcome.sent("m1")), out);
        List<WebhookSink.Received> got = sink.received();
        assertEquals(2, got.size());
        assertEquals("42:m1", got.get(0).header("Idempotency-Key"));
        assertEquals("42:m1", got.get(1).header("Idempotency-Key"), "the retry carries the same key");
        long gapMs = (got.get(1).atNanos() - got.get(0).atNanos()) / 1_000_000;
        assertTrue(gapMs >= 1000, "waited the second Retry-After asked for, not the 1 ms backoff: " + gapMs + " ms");
    }

    @Test
    void webhookStopsRetryingOnceItsRetryBudgetIsSpent() {
        configure("hook-budget", Map.of("retryBudgetMs", 1000));
        sink.answer(r -> new WebhookSink.Answer(503, Map.of("Retry-After", "2"), "busy"));

        List<Outcome> out = send("hook-budget", 48, new Document("title", "t"), List.of(member("m1", sink.url("/m1"))));

        assertEquals(List.of(Outcome.failed("m1", "503 Service Unavailable (retry budget of 1 s used up after 1 attempts)", true)), out);
        assertEquals(1, sink.received().size(), "a wait past the budget is not started");
    }

    @Test
    void webhook429WithoutRetryAfterBacksOffThenSucceeds() {
        configure("hook-429", Map.of("backoffMs", 5, "attempts", 4));
        AtomicInteger calls = new AtomicInteger();
        sink.answer(r -> calls.incrementAndGet() <= 2 ? WebhookSink.Answer.of(429, "slow down") : WebhookSink.Answer.ok());

        List<Outcome> out = send("hook-429", 43, new Document("title", "t"), List.of(member("m1", sink.url("/m1"))));

        assertEquals(List.of(Outcome.sent("m1")), out);
        assertEquals(3, sink.received().size());
    }

    @Test
    void webhookClientErrorIsPermanentWithTheStatusLineOnlyFromAReceiverThatIsNotPublic() {
        configure("hook-404", Map.of("backoffMs", 1));
        sink.answer(r -> WebhookSink.Answer.of(404, "no such hook\n  here"));

        List<Outcome> out = send("hook-404", 44, new Document("title", "t"), List.of(member("m1", sink.url("/m1"))));

        assertEquals(List.of(Outcome.failed("m1", "404 Not Found", false)), out, "a loopback receiver's body is not quoted");
        assertEquals(1, sink.received().size(), "a 4xx is not tried again");
    }

    @Test
    void webhookGivesUpAfterItsAttemptsAsARetryableFailure() {
        configure("hook-down", Map.of("backoffMs", 1, "attempts", 3));
        sink.answer(r -> WebhookSink.Answer.of(503, "down"));

        List<Outcome> out = send("hook-down", 45, new Document("title", "t"), List.of(member("m1", sink.url("/m1"))));

        assertEquals(List.of(Outcome.failed("m1", "503 Service Unavailable (after 3 attempts)", true)), out);
        assertEquals(3, sink.received().size());
    }

    @Test
    void webhookConnectionErrorsAreRetryableFailures() throws Exception {
        configure("hook-refused", Map.of("backoffMs", 1, "attempts", 2));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }

        List<Outcome> out = send("hook-refused", 46, new Document("title", "t"),
                List.of(member("m1", "http://127.0.0.1:" + closedPort + "/x")));

        assertEquals(1, out.size());
        assertEquals(Outcome.Status.FAILED, out.get(0).status());
        assertTrue(out.get(0).retryable());
        assertTrue(out.get(0).reason().startsWith("connection error: "), out.get(0).reason());
        assertTrue(out.get(0).reason().endsWith("(after 2 attempts)"), out.get(0).reason());
    }

    @Test
    void webhookBatchModePostsOneArrayPerSubBatchToTheEndpoint() {
        configure("hook-batch", Map.of("mode", "batch", "endpoint", sink.url("/batch")));
        Map<String, Integer> seen = new ConcurrentHashMap<>();

        List<Outcome> out = send("hook-batch", 47, new Document("title", "Hello {member.id}"),
                List.of(member("a", null), member("b", null), member("c", null)));

        assertEquals(List.of(Outcome.sent("a"), Outcome.sent("b"), Outcome.sent("c")), out);
        assertEquals(1, sink.received().size());
        WebhookSink.Received r = sink.received().get(0);
        assertEquals("/batch", r.path());
        assertEquals("47:a+2", r.header("Idempotency-Key"));
        assertEquals(new Signature(SECRET).of(r.body()), r.header(Signature.HEADER));
        JsonArray items = new JsonArray(r.text());
        assertEquals(List.of("47:a", "47:b", "47:c"), items.stream().map(o -> ((JsonObject) o).getString("idempotencyKey")).toList());
        assertEquals("Hello c", items.getJsonObject(2).getString("title"));
        assertTrue(seen.isEmpty());
    }
}
