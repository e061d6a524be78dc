package dev.push.member;

import dev.push.time.MovableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What app back ends do with a member's devices through the API, and what the import does with them. */
@QuarkusTest
class DeviceRoutesTest {
    /** A browser's subscription as PushSubscription.toJSON() gives it (a P-256 point of 65 bytes, 16 bytes of auth). */
    static final Map<String, Object> SUBSCRIPTION = Map.of("endpoint", "https://push.example.net/s/abc",
            "keys", Map.of("p256dh", "B" + "A".repeat(86), "auth", "A".repeat(22)));

    @Inject
    MovableClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    static String put(String member, String device, Map<String, Object> body, int status) {
        return given().contentType(ContentType.JSON).body(body).put("/api/members/" + member + "/devices/" + device)
                .then().statusCode(status).extract().asString();
    }

    static List<Map<String, Object>> devices(String member) {
        return given().get("/api/members/" + member + "/devices").then().statusCode(200).extract().jsonPath().getList("$");
    }

    static String token(List<String> roles) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "devices-test", "owner", "admin", "roles", roles))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
    }

    @Test
    void registeringADeviceCreatesItWithLastSeenFromTheClockAndRegisteringAgainRefreshesIt() {
        clock.advance(Duration.ofDays(3));
        Instant before = clock.instant();
        put("dev-r1", "phone", Map.of("channel", "fcm", "token", "tok-1", "app", "shop", "platform", "android", "locale", "fr-FR"), 201);

        Map<String, Object> phone = devices("dev-r1").get(0);
        assertEquals(Map.of("id", "phone", "channel", "fcm", "token", "tok-1", "app", "shop", "platform", "android",
                "locale", "fr-FR", "active", true), without(phone, "lastSeen"));
        Instant seen = Instant.parse((String) phone.get("lastSeen"));
        assertFalse(seen.isBefore(before), "lastSeen is the injected clock's time, 3 days ahead of the system's");

        clock.advance(Duration.ofDays(1));
        put("dev-r1", "phone", Map.of("channel", "fcm", "token", "tok-2", "app", "shop", "platform", "android"), 200);

        List<Map<String, Object>> after = devices("dev-r1");
        assertEquals(1, after.size(), "a refresh replaces the device, never adds one");
        assertEquals("tok-2", after.get(0).get("token"));
        assertEquals(Duration.ofDays(1).toSeconds(), Duration.between(seen, Instant.parse((String) after.get(0).get("lastSeen"))).toSeconds(), 60);
    }

    @Test
    void aWebPushDeviceKeepsTheBrowsersSubscriptionAndTheMemberPageShowsEveryDevice() {
        put("dev-r2", "laptop", Map.of("channel", "webpush", "subscription", SUBSCRIPTION, "platform", "web"), 201);
        put("dev-r2", "phone", Map.of("channel", "apns", "token", "a".repeat(64), "platform", "ios"), 201);

        JsonPath member = given().get("/api/members/dev-r2").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("laptop", "phone"), member.getList("devices.id"));
        assertEquals(SUBSCRIPTION, member.getMap("devices[0].subscription"));
        assertEquals(null, (Object) member.get("devices[0].token"));
    }

    @Test
    void removingADeviceLeavesTheOthersAndASecondRemoveIsNotFound() {
        put("dev-r3", "a", Map.of("channel", "fcm", "token", "ta"), 201);
        put("dev-r3", "b", Map.of("channel", "fcm", "token", "tb"), 201);

        given().delete("/api/members/dev-r3/devices/a").then().statusCode(204);
        given().delete("/api/members/dev-r3/devices/a").then().statusCode(404);

        assertEquals(List.of("b"), devices("dev-r3").stream().map(d -> d.get("id")).toList());
    }

    @Test
    void aMemberHasAtMostTwentyDevicesAndRefreshingOneAtTheLimitStillWorks() {
        for (int i = 1; i <= 20; i++) {
            put("dev-r4", "d" + i, Map.of("channel", "fcm", "token", "t" + i), 201);
        }

        String refused = put("dev-r4", "d21", Map.of("channel", "fcm", "token", "t21"), 400);

        assertTrue(refused.contains("\"field\":\"devices\"") && refused.contains("20 devices"), refused);
        put("dev-r4", "d20", Map.of("channel", "fcm", "token", "t20-new"), 200);
        assertEquals(20, devices("dev-r4").size());
    }

    @Test
    void aDevicesTokenMayRegisterAndRemoveDevicesButNotReadProfilesOrImport() {
        String bearer = "Bearer " + token(List.of("devices"));

        given().auth().none().header("Authorization", bearer).contentType(ContentType.JSON)
                .body(Map.of("channel", "fcm", "token", "tok")).put("/api/members/dev-r5/devices/p").then().statusCode(201);
        given().auth().none().header("Authorization", bearer).get("/api/members/dev-r5/devices").then().statusCode(200)
                .body("size()", equalTo(1));
        given().auth().none().header("Authorization", bearer).get("/api/members/dev-r5").then().statusCode(403);
        given().auth().none().header("Authorization", bearer).contentType("application/x-ndjson").body("{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(403);
        given().auth().none().header("Authorization", bearer).delete("/api/members/dev-r5/devices/p").then().statusCode(204);
        given().auth().none().contentType(ContentType.JSON).body(Map.of("channel", "fcm", "token", "tok"))
                .put("/api/members/dev-r5/devices/p").then().statusCode(401);
    }

    @Test
    void anImportLineWithDevicesReplacesTheMembersDevicesAndALineWithoutKeepsThem() {
        put("dev-r6", "old", Map.of("channel", "fcm", "token", "t-old"), 201);
        String withDevices = "{\"id\":\"dev-r6\",\"attributes\":{\"n\":1},\"devices\":[{\"id\":\"tablet\",\"channel\":\"fcm\","
                + "\"token\":\"t-tab\",\"platform\":\"android\",\"lastSeen\":\"2026-01-02T03:04:05Z\"},{\"id\":\"web\","
                + "\"channel\":\"webpush\",\"subscription\":" + new io.vertx.core.json.JsonObject(SUBSCRIPTION).encode() + "}]}";
        importLines(withDevices).body("rejectedCount", equalTo(0)).body("updated", equalTo(1));
        assertEquals(List.of("tablet", "web"), devices("dev-r6").stream().map(d -> d.get("id")).toList());
        assertEquals("2026-01-02T03:04:05Z", devices("dev-r6").get(0).get("lastSeen"));

        importLines("{\"id\":\"dev-r6\",\"attributes\":{\"n\":2}}").body("rejectedCount", equalTo(0)).body("updated", equalTo(1));

        assertEquals(List.of("tablet", "web"), devices("dev-r6").stream().map(d -> d.get("id")).toList());
        assertEquals(2, given().get("/api/members/dev-r6").then().extract().jsonPath().getInt("attributes.n"));
    }

    @Test
    void anImportLineWithABadDeviceIsRejectedNamingTheDevicesField() {
        importLines("{\"id\":\"dev-r7\",\"devices\":[{\"id\":\"p\",\"channel\":\"fcm\",\"token\":\"t\"},{\"id\":\"q\",\"channel\":\"sms\",\"token\":\"t\"}]}")
                .body("rejectedCount", equalTo(1)).body("rejected[0].reason", org.hamcrest.Matchers.startsWith("devices[1].channel: unknown channel \"sms\""));
        given().get("/api/members/dev-r7").then().statusCode(404);
    }

    @Test
    void theDeviceRoutesAreDocumentedInTheOpenApiDocument() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();

        Map<String, Object> device = api.getMap("paths.'/api/members/{id}/devices/{deviceId}'");
        assertTrue(device.containsKey("put") && device.containsKey("delete"), device.keySet().toString());
        assertEquals("Register or refresh a device", api.getString("paths.'/api/members/{id}/devices/{deviceId}'.put.summary"));
        assertTrue(api.getMap("paths.'/api/members/{id}/devices/{deviceId}'.put.responses").containsKey("400"));
    }

    @Test
    void anAudienceQueryPicksMembersByTheirDevicesPlatformAppAndLastSeen() {
        put("dev-q1", "p", Map.of("channel", "fcm", "token", "q1", "app", "shop", "platform", "android"), 201);
        put("dev-q1", "t", Map.of("channel", "apns", "token", "q1t", "app", "news", "platform", "ios"), 201);
        put("dev-q2", "p", Map.of("channel", "fcm", "token", "q2", "app", "shop", "platform", "android"), 201);
        clock.advance(Duration.ofDays(30));
        Instant recently = clock.instant().minus(Duration.ofDays(1));
        put("dev-q3", "p", Map.of("channel", "apns", "token", "q3", "app", "shop", "platform", "ios"), 201);
        Map<String, Object> ours = Map.of("id", Map.of("$in", List.of("dev-q1", "dev-q2", "dev-q3")));

        assertEquals(List.of("dev-q1", "dev-q3"), matching(ours, Map.of("devices.platform", "ios")));
        assertEquals(List.of("dev-q1"), matching(ours, Map.of("devices.app", "news")));
        assertEquals(List.of("dev-q3"), matching(ours, Map.of("devices.lastSeen", Map.of("$gte", recently.toString()))));
        assertEquals(List.of("dev-q1", "dev-q2"), matching(ours, Map.of("devices.lastSeen", Map.of("$lt", recently.toString()))));
    }

    /** The members of a query audience built over {@code ours} and {@code filter}, sorted. */
    static List<String> matching(Map<String, Object> ours, Map<String, Object> filter) {
        long audience = given().contentType(ContentType.JSON).body(Map.of("name", "by devices", "source",
                Map.of("kind", "query", "filter", Map.of("$and", List.of(ours, filter))))).post("/api/audiences")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        dev.push.Api.command("audiences", audience, "start", 200);
        dev.push.Api.awaitState("audiences", audience, "finished", Duration.ofSeconds(60));
        List<String> members = given().get("/api/audiences/" + audience + "/members").then().statusCode(200).extract()
                .jsonPath().getList("members");
        return members.stream().sorted().toList();
    }

    static io.restassured.response.ValidatableResponse importLines(String lines) {
        return given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
    }

    static Map<String, Object> without(Map<String, Object> m, String key) {
        Map<String, Object> out = new java.util.HashMap<>(m);
        out.remove(key);
        return out;
    }
}
