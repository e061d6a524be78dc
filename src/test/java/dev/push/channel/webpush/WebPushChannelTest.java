package dev.push.channel.webpush;

import dev.push.Api;
import dev.push.channel.Delivery;
import dev.push.channel.Outcome;
import dev.push.channel.config.Channels;
import jakarta.inject.Inject;
import org.bson.Document;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web Push end to end: browsers made as a browser makes them, their subscriptions imported as member addresses, and
 * a campaign through a {@code webpush} channel to a push service on loopback that checks every VAPID token and
 * decrypts every payload with the browser's keys (Tink's RFC 8291 implementation, not the one that encrypted it).
 */
@QuarkusTest
class WebPushChannelTest {
    static final String SUBJECT = "mailto:ops@example.org";
    static LoopbackPushService pushService;

    @Inject
    Channels channels;

    @BeforeAll
    static void start() throws Exception {
        pushService = new LoopbackPushService();
    }

    @AfterAll
    static void stop() {
        pushService.close();
    }

    @BeforeEach
    void reset() {
        pushService.reset();
    }

    static JsonPath configure(String name) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "type", "webpush", "settings", Map.of("subject", SUBJECT, "backoffMs", 1)))
                .post("/api/channels").then().statusCode(201).extract().jsonPath();
    }

    @Test
    void aNewChannelMakesItsOwnKeyPairAndShowsOnlyThePublicKey() {
        JsonPath one = configure("wp-keys-1");
        JsonPath two = configure("wp-keys-2");

        byte[] key = Base64.getUrlDecoder().decode(one.getString("settings.applicationServerKey"));
        assertEquals(65, key.length, "an uncompressed P-256 point");
        assertEquals(4, key[0]);
        assertEquals(List.of("vapidPrivateKey", "vapidPublicKey"), one.getList("credentials").stream().sorted().toList());
        assertEquals(Map.of("subject", SUBJECT, "backoffMs", 1, "applicationServerKey", one.getString("settings.applicationServerKey")),
                one.getMap("settings"), "no private key among the settings");
        assertNotEquals(one.getString("settings.applicationServerKey"), two.getString("settings.applicationServerKey"));
        assertEquals(one.getString("settings.applicationServerKey"),
                given().get("/api/channels/wp-keys-1").then().statusCode(200).extract().jsonPath().getString("settings.applicationServerKey"));
    }

    @Test
    void aChangedChannelKeepsItsKeyPair() {
        String key = configure("wp-keep").getString("settings.applicationServerKey");

        String after = given().contentType(ContentType.JSON)
                .body(Map.of("name", "wp-keep", "type", "webpush", "settings", Map.of("subject", SUBJECT, "urgency", "high")))
                .put("/api/channels/wp-keep").then().statusCode(200).extract().jsonPath().getString("settings.applicationServerKey");

        assertEquals(key, after, "the subscriptions made under the key stay valid");
    }

    @Test
    void everyBrowserDecryptsItsOwnMessageSignedForByTheChannelsKey() {
        String key = configure("wp-campaign").getString("settings.applicationServerKey");
        List<String> ids = Api.memberIds("wp-", 5);
        Map<String, Browser> browsers = ids.stream().collect(Collectors.toMap(id -> id, Browser::create));
        importSubscribers(browsers);

        JsonPath done = run(Api.builtAudience(ids), "wp-campaign");

        assertEquals(5, done.getLong("progress.sent"));
        assertEquals(List.of(), pushService.refused());
        Map<String, LoopbackPushService.Received> byBrowser = pushService.received().stream()
                .collect(Collectors.toMap(LoopbackPushService.Received::browser, Function.identity()));
        assertEquals(browsers.keySet(), byBrowser.keySet(), "one push per browser, none twice");
        assertEquals(5, pushService.received().size());
        for (String id : ids) {
            LoopbackPushService.Received push = byBrowser.get(id);
            JsonObject message = push.message().copy();
            assertTrue(message.getString("link").contains("/c/"), "the link is the campaign's tracked link: " + message);
            message.remove("link");
            assertEquals(new JsonObject().put("campaign", done.getLong("id")).put("idempotencyKey", done.getLong("id") + ":" + id)
                    .put("title", "Hi F" + id).put("body", "b"), message);
            assertEquals(key, push.vapidKey());
            assertEquals(SUBJECT, push.subject());
            assertEquals(Map.of("TTL", "86400", "Urgency", "normal", "Content-Encoding", "aes128gcm", "Topic", ""), push.headers());
        }
    }

    @Test
    void aSubscriptionThePushServiceCallsGoneFailsForGoodAndIsSkippedByTheNextCampaign() {
        configure("wp-gone");
        List<String> ids = Api.memberIds("wg-", 4);
        Map<String, Browser> browsers = ids.stream().collect(Collectors.toMap(id -> id, Browser::create));
        importSubscribers(browsers);
        String gone = ids.get(1);
        pushService.answer(gone, 410);
        long audience = Api.builtAudience(ids);

        JsonPath first = run(audience, "wp-gone");
        pushService.reset();
        JsonPath second = run(audience, "wp-gone");

        assertEquals(3, first.getLong("progress.sent"));
        assertEquals(1, first.getLong("progress.failed"));
        given().get("/api/campaigns/" + first.getLong("id") + "/deliveries/" + gone).then()
                .body("state", equalTo("failed")).body("reason", equalTo("subscription gone (410 Gone)"));
        assertEquals(3, second.getLong("progress.sent"));
        assertEquals(1, second.getLong("progress.skipped"));
        assertEquals(3, pushService.received().size(), "a gone subscription is not pushed to again");
        assertTrue(pushService.received().stream().noneMatch(r -> r.browser().equals(gone)));
    }

    @Test
    void aCampaignsExpiryPriorityAndCollapseKeyBecomeTtlUrgencyAndTopic() {
        configure("wp-hints");
        Browser browser = Browser.create("wh-1");
        String subscription = pushService.subscribe(browser).encode();
        Instant now = Instant.now();

        List<Outcome> sent = channels.get("wp-hints").send(new Delivery(9, "wp-hints", new Document("title", "Sale"),
                List.of(new Delivery.Recipient("wh-1", subscription)), false, "promotions",
                Delivery.Hints.at(now, now.plusSeconds(600), "spring-sale", "high"))).await().atMost(Duration.ofSeconds(30));

        assertEquals(List.of(Outcome.sent("wh-1")), sent);
        assertEquals(Map.of("TTL", "600", "Urgency", "high", "Content-Encoding", "aes128gcm", "Topic", "spring-sale"),
                pushService.received().get(0).headers());
    }

    @Test
    void aCollapseKeyOutsideTopicsAlphabetBecomesA32CharacterDigest() {
        String topic = WebPushChannel.topic("sale:2026.spring");

        assertEquals(32, topic.length());
        assertTrue(topic.matches("[A-Za-z0-9_-]+"), topic);
        assertEquals(topic, WebPushChannel.topic("sale:2026.spring"), "the same key, the same topic");
        assertEquals("spring-sale", WebPushChannel.topic("spring-sale"));
    }

    @Test
    void aSubscriptionWithoutKeysIsRejectedAtImportNamingWhy() {
        JsonObject noKeys = new JsonObject().put("endpoint", pushService.origin() + "/push/x");
        String lines = "{\"id\":\"wk-1\",\"addresses\":{\"webpush\":" + noKeys.encode() + "}}\n"
                + "{\"id\":\"wk-2\",\"addresses\":{\"webpush\":" + pushService.subscribe(Browser.create("wk-2")).encode() + "}}";

        JsonPath report = given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).extract().jsonPath();

        assertEquals(1, report.getInt("rejectedCount"));
        assertEquals(1, report.getInt("rejected[0].line"));
        assertEquals("address webpush: keys are missing (p256dh and auth)", report.getString("rejected[0].reason"));
    }

    @Test
    void theSubscribeExampleIsServedToAnyoneForSitesToCopy() {
        given().auth().none().get("/webpush/example.html").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("<script src=\"subscribe.js\"></script>"));
        given().auth().none().get("/webpush/subscribe.js").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.containsString("javascript"))
                .body(org.hamcrest.Matchers.containsString("pushManager.subscribe"));
        given().auth().none().get("/webpush/sw.js").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.containsString("javascript"))
                .body(org.hamcrest.Matchers.containsString("showNotification"));
    }

    @Test
    void aMemberWithTwoBrowsersGetsOnePushOnEachAndAGoneSubscriptionDeactivatesItsBrowserAlone() {
        configure("wp-devices");
        List<String> ids = List.of("wd-1", "wd-2");
        for (String id : ids) {
            for (String device : List.of("laptop", "phone")) {
                Browser browser = Browser.create(id + "-" + device);
                given().contentType(ContentType.JSON).body(new JsonObject().put("channel", "webpush")
                                .put("subscription", pushService.subscribe(browser)).put("platform", "web").encode())
                        .put("/api/members/" + id + "/devices/" + device).then().statusCode(201);
            }
        }
        pushService.answer("wd-1-phone", 410);
        long audience = Api.builtAudience(ids);

        JsonPath first = run(audience, "wp-devices");

        assertEquals(2, first.getLong("progress.sent"), "each member's outcome is the best of its browsers'");
        assertEquals(List.of("wd-1-laptop", "wd-2-laptop", "wd-2-phone"),
                pushService.received().stream().map(LoopbackPushService.Received::browser).sorted().toList(),
                "one push decrypted by each browser, none twice");
        given().get("/api/campaigns/" + first.getLong("id") + "/deliveries/wd-1").then().statusCode(200)
                .body("state", equalTo("sent")).body("devices.device", equalTo(List.of("laptop", "phone")))
                .body("devices.state", equalTo(List.of("sent", "failed")))
                .body("devices[1].reason", equalTo("subscription gone (410 Gone)"));
        given().get("/api/members/wd-1/devices").then().body("active", equalTo(List.of(true, false)));

        pushService.reset();
        run(audience, "wp-devices");

        assertEquals(List.of("wd-1-laptop", "wd-2-laptop", "wd-2-phone"),
                pushService.received().stream().map(LoopbackPushService.Received::browser).sorted().toList(),
                "the gone browser is not pushed to again; the member's other browser is");
    }

    private static void importSubscribers(Map<String, Browser> browsers) {
        String lines = browsers.values().stream()
                .map(b -> new JsonObject().put("id", b.id()).put("attributes", new JsonObject().put("firstName", "F" + b.id()))
                        .put("addresses", new JsonObject().put("webpush", pushService.subscribe(b))).encode())
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200).body("rejectedCount", equalTo(0));
    }

    private static JsonPath run(long audience, String channel) {
        Map<String, Object> message = new HashMap<>(Map.of("title", "Hi {member.attributes.firstName}", "body", "b",
                "link", "https://x.example/l"));
        long c = given().contentType(ContentType.JSON)
                .body(Map.of("name", "webpush", "audienceId", audience, "channel", channel, "message", message,
                        "workers", 2, "errorBudget", 100))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.command("campaigns", c, "start", 200);
        return Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));
    }
}
