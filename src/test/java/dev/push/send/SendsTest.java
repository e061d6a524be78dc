package dev.push.send;

import dev.push.Api;
import dev.push.campaign.CampaignRequest;
import dev.push.channel.LogChannel;
import dev.push.engine.WorkerThreads;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17, triggered sends: {@code POST /api/sends} pushes now through a named channel, once per
 * {@code Idempotency-Key}, and {@code GET /api/sends/{id}} answers each member's outcome.
 */
@QuarkusTest
class SendsTest {
    @Inject
    WorkerThreads workerThreads;

    @Inject
    LogChannel log;

    @Inject
    Sends sends;

    @Inject
    TriggeredSend triggered;

    @Inject
    ExpiredSends expired;

    static Map<String, Object> body(List<String> members, String title) {
        return Map.of("members", members, "channel", "log", "message", Map.of("title", title, "body", "Hi {member.id}"));
    }

    static Response post(String key, Object body) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/api/sends");
    }

    static String key() {
        return "k-" + UUID.randomUUID();
    }

    @Test
    void aSendPushesEachMemberOnceAndAnswersTheirOutcomes() {
        Response answer = post(key(), body(List.of("ts-a", "ts-b"), "Your code"));
        assertEquals(202, answer.statusCode(), answer.asString());
        JsonPath sent = answer.jsonPath();
        long id = sent.getLong("id");
        assertTrue(answer.header("Location").endsWith("/api/sends/" + id), answer.header("Location"));
        assertEquals("done", sent.getString("state"));
        assertEquals("account", sent.getString("category"), "the category when none is given");
        assertEquals(List.of("ts-a", "ts-b"), sent.getList("members.member"));
        assertEquals(List.of("sent", "sent"), sent.getList("members.state"));
        assertEquals(List.of("ts-a", "ts-b"), log.deliveredMembers(id));
        JsonPath read = given().get("/api/sends/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(sent.getMap(""), read.getMap(""));
    }

    @Test
    void aSendOfACappedCategoryTakesTheMembersSlotAndIsSkippedOnceTheCapIsReached() {
        given().contentType(ContentType.JSON).body(Map.of("category", "news", "channel", "log",
                "limits", List.of(Map.of("max", 1, "window", "PT24H")))).put("/api/frequency-caps").then().statusCode(200);
        try {
            Map<String, Object> news = Map.of("members", List.of("ts-cap-1", "ts-cap-2"), "channel", "log", "category", "news",
                    "message", Map.of("title", "News", "body", "b"));
            JsonPath first = post(key(), news).then().statusCode(202).extract().jsonPath();
            assertEquals(List.of("sent", "sent"), first.getList("members.state"));
            Map<String, Object> again = Map.of("members", List.of("ts-cap-2", "ts-cap-3"), "channel", "log", "category", "news",
                    "message", Map.of("title", "More news", "body", "b"));
            JsonPath second = post(key(), again).then().statusCode(202).extract().jsonPath();
            assertEquals(List.of("ts-cap-2", "ts-cap-3"), second.getList("members.member"));
            assertEquals(List.of("skipped", "sent"), second.getList("members.state"));
            assertEquals("frequency cap", second.getString("members[0].reason"));
            assertEquals(List.of("ts-cap-3"), log.deliveredMembers(second.getLong("id")), "the capped member is not pushed");
            JsonPath account = post(key(), body(List.of("ts-cap-1"), "Your code")).then().statusCode(202).extract().jsonPath();
            assertEquals("sent", account.getString("members[0].state"), "another category has no cap");
        } finally {
            given().queryParam("category", "news").queryParam("channel", "log").delete("/api/frequency-caps");
        }
    }

    @Test
    void aSendHandedToItsChannelIsTimedFromItsArrivalAndTheSameKeyGivenAgainIsNot() {
        double before = handoffsTimed();
        String key = key();
        post(key, body(List.of("ts-timed"), "Timed")).then().statusCode(202);
        assertEquals(before + 1, handoffsTimed(), "the send handed to its channel is timed");
        post(key, body(List.of("ts-timed"), "Timed")).then().statusCode(202);
        assertEquals(before + 1, handoffsTimed(), "the key given again handed nothing over");
        String metrics = metrics();
        assertTrue(metrics.contains("push_sends_handoff_seconds_bucket{le=\"0.005\"}"), "a bucket ends at the 5 ms target");
        assertTrue(metrics.contains("push_sends_handoff_seconds_bucket{le=\"0.05\"}"), "a bucket ends at the 50 ms target");
    }

    @Test
    void aSendBeingServedMakesCampaignWorkersYield() {
        long before = workerThreads.wayMadeAt();
        long sentAt = System.nanoTime();

        post(key(), body(List.of("ts-way"), "Way")).then().statusCode(202);

        assertTrue(workerThreads.wayMadeAt() - sentAt > 0, "the way was made while the send was served (before: "
                + before + ", sent at " + sentAt + ", made at " + workerThreads.wayMadeAt() + ")");
    }

    @Test
    void aSendWhoseEveryMemberIsSkippedReachesNoChannelAndIsNotTimed() {
        String member = "ts-untimed-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType("application/x-ndjson").body(("{\"id\": \"" + member + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("optedOutOf", List.of("account"), "optedOutOfAll", false))
                .put("/api/members/" + member + "/preferences").then().statusCode(200);
        double before = handoffsTimed();
        JsonPath sent = post(key(), body(List.of(member), "Untimed")).then().statusCode(202).extract().jsonPath();
        assertEquals("skipped", sent.getString("members[0].state"));
        assertEquals(before, handoffsTimed(), "nothing was handed to a channel");
    }

    static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    static double handoffsTimed() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^push_sends_handoff_seconds_count(?:\\{[^}]*})? (\\S+)$",
                java.util.regex.Pattern.MULTILINE).matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void theSameKeyAnswersTheFirstSendAndSendsNothingAgain() {
        String key = key();
        long first = post(key, body(List.of("ts-again"), "Once")).then().statusCode(202).extract().jsonPath().getLong("id");
        JsonPath again = post(key, body(List.of("ts-again"), "Once")).then().statusCode(202).extract().jsonPath();
        assertEquals(first, again.getLong("id"));
        assertEquals("sent", again.getString("members[0].state"));
        assertEquals(List.of("ts-again"), log.deliveredMembers(first), "pushed once");
    }

    @Test
    void twoConcurrentRequestsWithOneKeySendOnce() throws Exception {
        String key = key();
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return post(key, body(List.of("ts-race-1", "ts-race-2"), "Race"));
                }));
            }
            go.countDown();
            List<Long> ids = new ArrayList<>();
            for (Future<Response> f : answers) {
                Response r = f.get();
                assertEquals(202, r.statusCode(), r.asString());
                ids.add(r.jsonPath().getLong("id"));
            }
            assertEquals(1, ids.stream().distinct().count(), "every request answers the one send: " + ids);
            assertEquals(List.of("ts-race-1", "ts-race-2"), log.deliveredMembers(ids.get(0)), "pushed once");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentSendsLookUpConsentTogetherAndEachSkipsOnlyItsOwnOptedOutMember() throws Exception {
        String prefix = "ts-cc-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        int callers = 12;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            lines.add("{\"id\": \"" + prefix + i + "\"}");
        }
        given().contentType("application/x-ndjson").body(String.join("\n", lines).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        for (int i = 0; i < callers; i += 2) {
            given().contentType(ContentType.JSON).body(Map.of("optedOutOf", List.of("account"), "optedOutOfAll", false))
                    .put("/api/members/" + prefix + i + "/preferences").then().statusCode(200);
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String member = prefix + i;
                answers.add(pool.submit(() -> {
                    go.await();
                    return post(key(), body(List.of(member), "Consent"));
                }));
            }
            go.countDown();
            for (int i = 0; i < callers; i++) {
                Response r = answers.get(i).get();
                assertEquals(202, r.statusCode(), r.asString());
                JsonPath send = r.jsonPath();
                assertEquals(List.of(prefix + i), send.getList("members.member"));
                if (i % 2 == 0) {
                    assertEquals(List.of("skipped"), send.getList("members.state"), r.asString());
                    assertEquals(List.of("opted out"), send.getList("members.reason"), r.asString());
                    assertEquals(List.of(), log.deliveredMembers(send.getLong("id")));
                } else {
                    assertEquals(List.of("sent"), send.getList("members.state"), r.asString());
                    assertEquals(List.of(prefix + i), log.deliveredMembers(send.getLong("id")));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keysBelongToTheirCallerSoAnotherCallersSameKeyIsAnotherSend() {
        String key = key();
        long admin = post(key, body(List.of("ts-scope"), "Scoped")).then().statusCode(202).extract().jsonPath().getLong("id");
        String owner = "ts-app-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body(Map.of("name", owner, "password", "a-long-enough-password-1",
                "roles", List.of("operator"))).post("/api/users").then().statusCode(201);
        String app = given().contentType(ContentType.JSON).body(Map.of("name", "app", "owner", owner, "roles", List.of("sends")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
        long other = given().auth().none().header("Authorization", "Bearer " + app).contentType(ContentType.JSON)
                .header("Idempotency-Key", key).body(body(List.of("ts-scope"), "Scoped")).post("/api/sends")
                .then().statusCode(202).extract().jsonPath().getLong("id");
        assertTrue(admin != other, "two sends");
        assertEquals(List.of("ts-scope"), log.deliveredMembers(other));
    }

    @Test
    void theSendsRoleSendsAndReadsSendsButNothingElse() {
        String app = sendsToken();
        long id = given().auth().none().header("Authorization", "Bearer " + app).contentType(ContentType.JSON)
                .header("Idempotency-Key", key()).body(body(List.of("ts-app"), "From the app")).post("/api/sends")
                .then().statusCode(202).extract().jsonPath().getLong("id");
        given().auth().none().header("Authorization", "Bearer " + app).get("/api/sends/" + id).then().statusCode(200);
        given().auth().none().header("Authorization", "Bearer " + app).get("/api/campaigns").then().statusCode(403);
        String viewer = given().contentType(ContentType.JSON).body(Map.of("name", "reader", "roles", List.of("viewer")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
        given().auth().none().header("Authorization", "Bearer " + viewer).contentType(ContentType.JSON)
                .header("Idempotency-Key", key()).body(body(List.of("ts-app"), "x")).post("/api/sends").then().statusCode(403);
        given().auth().none().header("Authorization", "Bearer " + viewer).get("/api/sends/" + id).then().statusCode(200);
        given().auth().none().contentType(ContentType.JSON).header("Idempotency-Key", key())
                .body(body(List.of("ts-app"), "x")).post("/api/sends").then().statusCode(401);
    }

    @Test
    void aSendReservedButNeverCommittedIsUnknownAndNeverSentAgain() {
        // What an instance killed while its channel had the send leaves behind: the reservation, no outcomes.
        String key = key();
        SendRequest request = new SendRequest(List.of("ts-crash"), "log",
                new CampaignRequest.Message("Crashed", null, null, null, null, null), null, null);
        long id = 990_000_000L + (System.nanoTime() & 0xffff);
        sends.reserve(new Document("_id", Sends.keyOf("admin", key)).append("id", id)
                .append("fingerprint", triggered.fingerprint(request)).append("by", "admin").append("channel", "log")
                .append("category", "account").append("message", new Document("title", "Crashed"))
                .append("members", List.of("ts-crash")).append("state", Sends.RESERVED)
                .append("at", new Date(System.currentTimeMillis() - TriggeredSend.LIMIT.toMillis() - 60_000)));

        JsonPath again = post(key, Map.of("members", List.of("ts-crash"), "channel", "log",
                "message", Map.of("title", "Crashed"))).then().statusCode(202).extract().jsonPath();
        assertEquals(id, again.getLong("id"));
        assertEquals("unknown", again.getString("state"));
        assertEquals("unknown", again.getString("members[0].state"));
        assertEquals(List.of(), log.deliveredMembers(id), "never pushed again");
    }

    @Test
    void aKeyExpiresWithItsSendAfterTheRetention() {
        String key = key();
        long first = post(key, body(List.of("ts-expiry"), "Day one")).then().statusCode(202).extract().jsonPath().getLong("id");
        assertTrue(expired.sweep(new Date(System.currentTimeMillis() + Duration.ofHours(25).toMillis())) >= 1);
        given().get("/api/sends/" + first).then().statusCode(404);
        long second = post(key, body(List.of("ts-expiry"), "Day one")).then().statusCode(202).extract().jsonPath().getLong("id");
        assertTrue(second != first, "the key names a new send");
        assertEquals(List.of("ts-expiry"), log.deliveredMembers(second));
    }

    @Test
    void aSendDuringARunning20000MemberCampaignCompletes() {
        long audience = Api.builtAudience(Api.memberIds("ts-big-", 20_000));
        // 500 messages a second: the campaign runs for about 40 s.
        long campaign = Api.campaign(audience, "log", 4, 500, 100, 10);
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "started", Duration.ofSeconds(60));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> log.delivered(campaign) > 0);

        JsonPath sent = post(key(), body(List.of("ts-during"), "Now")).then().statusCode(202).extract().jsonPath();
        long deliveredThen = log.delivered(campaign);

        assertEquals("done", sent.getString("state"));
        assertEquals("sent", sent.getString("members[0].state"));
        assertEquals(List.of("ts-during"), log.deliveredMembers(sent.getLong("id")));
        assertTrue(deliveredThen < 20_000, "the campaign was still running: " + deliveredThen + " of 20,000 delivered");
        assertEquals("started", Api.get("campaigns", campaign).getString("state"));
        Api.command("campaigns", campaign, "stop", 200);
    }

    static String sendsToken() {
        return given().contentType(ContentType.JSON).body(Map.of("name", "app back end", "roles", List.of("sends")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
    }
}
