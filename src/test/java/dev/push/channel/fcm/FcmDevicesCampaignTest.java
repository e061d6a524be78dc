package dev.push.channel.fcm;

import dev.push.Api;
import dev.push.engine.Master;
import dev.push.engine.TestMasters;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 §1 on the FCM channel, against the fake FCM on loopback: a member with a phone, a tablet (and on every
 * other member a third device) receives one push on each active device, once, across a worker take-over; a token FCM
 * rejects deactivates only its device. Two masters in one process, ticked by the test (as in WorkerTakeoverTest).
 */
@QuarkusTest
@TestProfile(TestMasters.ManualEngine.class)
class FcmDevicesCampaignTest {
    static final int MEMBERS = 60;
    static final int BATCH = 6;
    static FakeFcm fcm;
    final List<Master> masters = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fcm = new FakeFcm();
    }

    @AfterAll
    static void stop() throws Exception {
        fcm.close();
    }

    @AfterEach
    void stopMasters() {
        fcm.reset();
        masters.forEach(m -> m.drain(2_000));
        masters.clear();
    }

    Master master(String name) {
        Master m = TestMasters.master(name, java.time.Clock.systemUTC(), List.of());
        masters.add(m);
        return m;
    }

    static void tickUntil(Master m, String kinds, long id, String state) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
            m.tick();
            return state.equals(Api.get(kinds, id).getString("state"));
        });
    }

    static void channel(String name) {
        given().contentType(ContentType.JSON).body(Map.of("name", name, "type", "fcm", "settings", Map.of("endpoint", fcm.url("")),
                "credentials", Map.of("serviceAccount", fcm.serviceAccount()))).post("/api/channels").then().statusCode(201);
    }

    /** Imports the members: each has an FCM phone and tablet, every other one an FCM watch too, and an APNs device. */
    static Map<String, String> importMembers(String prefix, List<String> ids) {
        Map<String, String> activeTokens = new LinkedHashMap<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            String m = ids.get(i);
            List<String> devices = new ArrayList<>();
            for (String d : i % 2 == 0 ? List.of("phone", "tablet", "watch") : List.of("phone", "tablet")) {
                String token = prefix + "tok-" + m + "-" + d;
                devices.add("{\"id\":\"" + d + "\",\"channel\":\"fcm\",\"token\":\"" + token + "\",\"platform\":\"android\"}");
                activeTokens.put(token, m);
            }
            devices.add("{\"id\":\"ipad\",\"channel\":\"apns\",\"token\":\"" + "a".repeat(64) + "\",\"platform\":\"ios\"}");
            devices.add("{\"id\":\"old\",\"channel\":\"fcm\",\"token\":\"" + prefix + "tok-" + m + "-old\",\"active\":false}");
            lines.append("{\"id\":\"").append(m).append("\",\"devices\":[").append(String.join(",", devices)).append("]}\n");
        }
        given().contentType("application/x-ndjson").body(lines.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
        return activeTokens;
    }

    static Map<String, Integer> pushesPerToken() {
        Map<String, Integer> times = new HashMap<>();
        fcm.sent().forEach(s -> times.merge(s.token(), 1, Integer::sum));
        return times;
    }

    long builtAudience(Master m, List<String> ids) {
        long audience = Api.idsAudience(ids);
        Api.command("audiences", audience, "start", 200);
        tickUntil(m, "audiences", audience, "finished");
        return audience;
    }

    @Test
    void eachActiveDeviceGetsExactlyOnePushAcrossAWorkerTakeOver() {
        channel("fcm-devices");
        List<String> ids = Api.memberIds("devc-", MEMBERS);
        Map<String, String> active = importMembers("tk-", ids);
        given().contentType("application/x-ndjson").body("{\"id\":\"devc-single\",\"addresses\":{\"fcm\":\"tk-single\"}}"
                .getBytes(StandardCharsets.UTF_8)).post("/api/members/import").then().statusCode(200);
        List<String> audienceIds = new ArrayList<>(ids);
        audienceIds.add("devc-single");
        Master a = master("instance-a");
        Master b = master("instance-b");
        long audience = builtAudience(b, audienceIds);
        // Instance A's worker hangs on the sub-batch holding the 17th member: FCM never answers its pushes (3 devices).
        String hung = ids.get(16);
        fcm.hold(s -> s.message().getJsonObject("data").getString("idempotencyKey").endsWith(":" + hung));
        long campaign = Api.campaign(audience, "fcm-devices", 1, 0, BATCH, 100);
        Api.command("campaigns", campaign, "start", 200);

        long hungDevices = active.values().stream().filter(hung::equals).count();
        a.tick();
        await().atMost(Duration.ofSeconds(60)).until(() -> fcm.sent().stream().filter(s -> hung.equals(active.get(s.token())))
                .count() == hungDevices);
        tickUntil(b, "campaigns", campaign, "finished");

        JsonPath done = Api.get("campaigns", campaign);
        assertEquals(List.of("ready", "started", "reboot", "started", "finished"), done.getList("history.to"),
                "instance B took the dead worker's unit over");
        long unknown = done.getLong("progress.unknown");
        assertTrue(unknown >= 1 && unknown <= BATCH, "the hung sub-batch, at most " + BATCH + " members, is unknown: " + unknown);
        assertEquals(MEMBERS + 1 - unknown, done.getLong("progress.sent"));
        given().get("/api/campaigns/" + campaign + "/deliveries/" + hung).then().statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("unknown"));

        Map<String, Integer> times = pushesPerToken();
        Map<String, Integer> expected = new HashMap<>();
        active.keySet().forEach(t -> expected.put(t, 1));
        expected.put("tk-single", 1);
        assertEquals(expected, times, "one push on each active FCM device (the held ones included), none on inactive"
                + " or APNs devices, none twice");
        assertEquals(active.size() + 1, fcm.sent().size());

        // A member of three devices outside the hung sub-batch (those members are unknown, with no record).
        JsonPath sent = java.util.stream.IntStream.range(0, MEMBERS).filter(i -> i % 2 == 0)
                .mapToObj(i -> given().get("/api/campaigns/" + campaign + "/deliveries/" + ids.get(i)).then().statusCode(200)
                        .extract().jsonPath())
                .filter(d -> "sent".equals(d.getString("state"))).findFirst().orElseThrow();
        assertEquals(List.of("phone", "tablet", "watch"), sent.getList("devices.device"));
        assertEquals(List.of("sent", "sent", "sent"), sent.getList("devices.state"));
        JsonPath single = given().get("/api/campaigns/" + campaign + "/deliveries/devc-single").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("sent", single.getString("state"));
        assertEquals(null, (Object) single.get("devices"), "a single address is sent as before, with no device record");
    }

    @Test
    void aMemberWithSeveralDevicesIsOnePushToTheFrequencyCap() {
        channel("fcm-capped");
        given().contentType(ContentType.JSON).body(Map.of("category", "promotions", "channel", "fcm-capped",
                "limits", List.of(Map.of("max", 1, "window", "PT24H")))).put("/api/frequency-caps").then().statusCode(200);
        try {
            List<String> ids = List.of("devcap-1", "devcap-2", "devcap-3", "devcap-4");
            Map<String, String> tokens = importMembers("cap-", ids);
            Master m = master("instance-cap");
            long audience = builtAudience(m, ids);

            long first = cappedCampaign(audience, m);
            assertEquals(tokens.keySet(), pushesPerToken().keySet(), "every active device of every member, once");
            assertEquals(tokens.size(), fcm.sent().size());
            assertEquals(4, Api.get("campaigns", first).getLong("progress.sent"));

            fcm.reset();
            long second = cappedCampaign(audience, m);
            assertEquals(0, fcm.sent().size(), "the cap of 1 a day was spent by the first push to all the member's devices");
            JsonPath done = Api.get("campaigns", second);
            assertEquals(0, done.getLong("progress.sent"));
            assertEquals(4, done.getLong("progress.skipped"), "one skipped outcome a member, not one a device");
            for (String id : ids) {
                given().get("/api/campaigns/" + second + "/deliveries/" + id).then()
                        .body("reason", org.hamcrest.Matchers.equalTo("frequency cap"));
            }
        } finally {
            given().queryParam("category", "promotions").queryParam("channel", "fcm-capped").delete("/api/frequency-caps");
        }
    }

    long cappedCampaign(long audience, Master m) {
        return finishedCampaign(m, Map.of("name", "capped devices", "audienceId", audience,
                "channel", "fcm-capped", "category", "promotions", "message", Map.of("title", "News")));
    }

    /** Creates the campaign {@code body} describes, starts it and ticks {@code m} until it is finished; answers its id. */
    static long finishedCampaign(Master m, Map<String, Object> body) {
        long campaign = given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        Api.command("campaigns", campaign, "start", 200);
        tickUntil(m, "campaigns", campaign, "finished");
        return campaign;
    }

    @Test
    void aSuppressedTokenKeepsThePushFromThatDeviceOnlyAndAMemberWithAllSuppressedIsOptedOut() {
        channel("fcm-suppressed");
        List<String> ids = List.of("devs-1", "devs-2", "devs-3");
        Map<String, String> tokens = importMembers("sup-", ids);
        // devs-1's tablet (not its first device) and both FCM tokens of devs-2 are on the suppression list.
        given().contentType(ContentType.TEXT).queryParam("kind", "fcm")
                .body("sup-tok-devs-1-tablet\nsup-tok-devs-2-phone\nsup-tok-devs-2-tablet\n").post("/api/members/suppressions")
                .then().statusCode(200).body("suppressed", org.hamcrest.Matchers.equalTo(3));
        Master m = master("instance-sup");
        long audience = builtAudience(m, ids);

        long campaign = finishedCampaign(m, Map.of("name", "suppressed devices", "audienceId", audience,
                "channel", "fcm-suppressed", "message", Map.of("title", "Sale")));

        Map<String, Integer> expected = new HashMap<>();
        tokens.forEach((token, member) -> {
            if (!member.equals("devs-2") && !token.equals("sup-tok-devs-1-tablet")) {
                expected.put(token, 1);
            }
        });
        assertEquals(expected, pushesPerToken(), "every device but the suppressed ones, once");
        JsonPath done = Api.get("campaigns", campaign);
        assertEquals(2, done.getLong("progress.sent"));
        assertEquals(1, done.getLong("progress.skipped"));
        given().get("/api/campaigns/" + campaign + "/deliveries/devs-2").then()
                .body("state", org.hamcrest.Matchers.equalTo("skipped"))
                .body("reason", org.hamcrest.Matchers.equalTo("opted out"));
    }

    @Test
    void aCampaignThatPicksAnAppSendsToThatAppsDevicesOnly() {
        channel("fcm-apps");
        String lines = "{\"id\":\"devp-1\",\"devices\":[{\"id\":\"phone\",\"channel\":\"fcm\",\"token\":\"ap-1-shop\",\"app\":\"shop\"},"
                + "{\"id\":\"tablet\",\"channel\":\"fcm\",\"token\":\"ap-1-news\",\"app\":\"news\"}]}\n"
                + "{\"id\":\"devp-2\",\"devices\":[{\"id\":\"phone\",\"channel\":\"fcm\",\"token\":\"ap-2-shop\",\"app\":\"shop\"}]}\n"
                + "{\"id\":\"devp-single\",\"addresses\":{\"fcm\":\"ap-single\"}}";
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200).body("rejectedCount", org.hamcrest.Matchers.equalTo(0));
        Master m = master("instance-p");
        long audience = builtAudience(m, List.of("devp-1", "devp-2", "devp-single"));

        long campaign = given().contentType(ContentType.JSON).body(Map.of("name", "shop only", "audienceId", audience,
                        "channel", "fcm-apps", "message", Map.of("title", "Sale"), "devices", Map.of("app", "shop")))
                .post("/api/campaigns").then().statusCode(201).body("devices.app", org.hamcrest.Matchers.equalTo("shop"))
                .extract().jsonPath().getLong("id");
        Api.command("campaigns", campaign, "start", 200);
        tickUntil(m, "campaigns", campaign, "finished");

        assertEquals(Map.of("ap-1-shop", 1, "ap-2-shop", 1), pushesPerToken());
        JsonPath done = Api.get("campaigns", campaign);
        assertEquals(2, done.getLong("progress.sent"));
        assertEquals(1, done.getLong("progress.skipped"));
        given().get("/api/campaigns/" + campaign + "/deliveries/devp-single").then()
                .body("state", org.hamcrest.Matchers.equalTo("skipped"))
                .body("reason", org.hamcrest.Matchers.equalTo("no fcm device of app shop"));
    }

    @Test
    void eachDeviceGetsTheMessageInItsOwnLocaleElseTheMembers() {
        channel("fcm-locales");
        given().contentType(ContentType.JSON).body(Map.of("name", "devices-hello", "title", "Hello",
                "locales", Map.of("fr", Map.of("title", "Bonjour"), "de", Map.of("title", "Hallo")))).post("/api/templates")
                .then().statusCode(201);
        String lines = "{\"id\":\"devl-1\",\"attributes\":{\"locale\":\"de\"},\"devices\":["
                + "{\"id\":\"phone\",\"channel\":\"fcm\",\"token\":\"lc-fr\",\"locale\":\"fr-FR\"},"
                + "{\"id\":\"tablet\",\"channel\":\"fcm\",\"token\":\"lc-none\"}]}";
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200).body("rejectedCount", org.hamcrest.Matchers.equalTo(0));
        Master m = master("instance-l");
        long audience = builtAudience(m, List.of("devl-1"));

        finishedCampaign(m, Map.of("name", "hello", "audienceId", audience, "channel", "fcm-locales", "template", "devices-hello"));

        assertEquals(Map.of("lc-fr", "Bonjour", "lc-none", "Hallo"), fcm.sent().stream().collect(Collectors.toMap(
                FakeFcm.Sent::token, s -> s.message().getJsonObject("notification").getString("title"))));
    }

    @Test
    void aTokenFcmRejectsDeactivatesOnlyItsDeviceAndTheOthersGetTheNextCampaign() {
        channel("fcm-rejects");
        List<String> ids = List.of("devr-1", "devr-2");
        Map<String, String> active = importMembers("rj-", ids);
        String rejected = "rj-tok-devr-1-tablet";
        fcm.answer(s -> s.token().equals(rejected)
                ? FakeFcm.Answer.error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.") : FakeFcm.Answer.ok());
        Master m = master("instance-r");
        long audience = builtAudience(m, ids);

        long first = Api.campaign(audience, "fcm-rejects", 1, 0, 10, 100);
        Api.command("campaigns", first, "start", 200);
        tickUntil(m, "campaigns", first, "finished");

        JsonPath delivery = given().get("/api/campaigns/" + first + "/deliveries/devr-1").then().statusCode(200).extract().jsonPath();
        assertEquals("sent", delivery.getString("state"), "the best of its devices: two of three were sent");
        assertEquals(List.of("sent", "failed", "sent"), delivery.getList("devices.state"));
        assertTrue(delivery.getString("devices[1].reason").contains("UNREGISTERED"), delivery.prettify());
        List<Map<String, Object>> devices = given().get("/api/members/devr-1/devices").then().statusCode(200).extract()
                .jsonPath().getList("$");
        assertEquals(Map.of("phone", true, "tablet", false, "watch", true, "ipad", true, "old", false),
                devices.stream().collect(Collectors.toMap(d -> (String) d.get("id"), d -> (Boolean) d.get("active"))));

        fcm.reset();
        long second = Api.campaign(audience, "fcm-rejects", 1, 0, 10, 100);
        Api.command("campaigns", second, "start", 200);
        tickUntil(m, "campaigns", second, "finished");

        Map<String, Integer> expected = new HashMap<>();
        active.keySet().stream().filter(t -> !t.equals(rejected)).forEach(t -> expected.put(t, 1));
        assertEquals(expected, pushesPerToken(), "the member's phone and watch, and the other member's devices, once each");
        assertEquals(2, Api.get("campaigns", second).getLong("progress.sent"));
    }
}
