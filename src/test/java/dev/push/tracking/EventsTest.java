package dev.push.tracking;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, receipts and conversions: app back ends report delivered, opened and converted with a token of the
 * {@code events} role; each (campaign, member, type) counts once, and an item that cannot be taken is answered on its
 * own while the rest of the batch is recorded.
 */
@QuarkusTest
class EventsTest {

    @Test
    void aBatchIsRecordedOncePerMemberAndTypeWithPerItemAnswers() {
        List<String> ids = Api.memberIds("ev-", 20);
        long campaign = TrackedLinksTest.trackedCampaign(Api.builtAudience(ids), "https://shop.example/e/{member.id}");
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));
        String app = eventsToken();
        String ev7Token = TrackedLinksTest.tokenOf(TrackedLinksTest.deliveredLink(campaign, "ev-7"));

        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(event(campaign, "ev-" + i, "delivered"));
        }
        for (int i = 0; i < 5; i++) {
            batch.add(event(campaign, "ev-" + i, "opened"));
        }
        Map<String, Object> conversion = event(campaign, "ev-0", "converted");
        conversion.put("value", 12.5);
        conversion.put("at", "2026-01-02T03:04:05Z");
        batch.add(conversion);
        batch.add(event(campaign, "ev-0", "opened"));
        batch.add(event(campaign, "stranger", "opened"));
        batch.add(event(campaign + 100_000, "ev-1", "opened"));
        batch.add(Map.of("token", ev7Token, "type", "opened"));

        JsonPath first = post(app, batch, 200);
        assertEquals(17, first.getInt("recorded"));
        assertEquals(1, first.getInt("duplicates"));
        assertEquals(2, first.getInt("rejected"));
        assertEquals("duplicate", first.getString("items[16].status"));
        assertEquals("rejected", first.getString("items[17].status"));
        assertEquals("events[17].member", first.getString("items[17].field"));
        assertTrue(first.getString("items[17].reason").contains("not in the audience of campaign " + campaign));
        assertEquals("events[18].campaign", first.getString("items[18].field"));
        assertEquals("recorded", first.getString("items[19].status"));

        JsonPath again = post(app, batch, 200);
        assertEquals(0, again.getInt("recorded"), "a batch sent again records nothing");
        assertEquals(18, again.getInt("duplicates"));

        JsonPath funnel = TrackedLinksTest.funnel(campaign);
        assertEquals(List.of(20, 10, 6, 0, 1), funnel.getList("stages.members"));
        assertEquals(0.5, funnel.getDouble("stages[1].rate"), 1e-9);
        assertEquals(12.5, funnel.getDouble("value"), 1e-9);
        JsonPath view = Api.get("campaigns", campaign);
        assertEquals(List.of(20, 10, 6, 0, 1), view.getList("funnel.stages.members"), "the task view carries the funnel");

        JsonPath ev0 = given().get("/api/campaigns/" + campaign + "/deliveries/ev-0").then().statusCode(200).extract().jsonPath();
        assertEquals("2026-01-02T03:04:05.000+00:00", ev0.getString("convertedAt"));
        assertEquals(12.5, ev0.getDouble("value"), 1e-9);
        assertTrue(ev0.getString("openedAt") != null && ev0.getString("deliveredAt") != null);
        assertEquals(null, ev0.getString("clickedAt"));
        assertEquals(6, TrackedLinksTest.membersWith(campaign, "opened").size());
        assertEquals(List.of("ev-0", "ev-1", "ev-2", "ev-3", "ev-4", "ev-7"),
                TrackedLinksTest.membersWith(campaign, "opened").stream().sorted().toList());
    }

    @Test
    void deliveriesExportAsCsvWithTheirEvents() {
        List<String> ids = Api.memberIds("csv-", 30);
        long campaign = TrackedLinksTest.trackedCampaign(Api.builtAudience(ids), "https://shop.example/csv");
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));
        post(eventsToken(), List.of(event(campaign, "csv-4", "opened"), event(campaign, "csv-9", "opened")), 200);

        String csv = given().accept("text/csv").get("/api/campaigns/" + campaign + "/deliveries")
                .then().statusCode(200).contentType("text/csv").extract().asString();
        String[] lines = csv.split("\r\n");
        assertEquals("member,state,reason,retryable,deliveredAt,openedAt,clickedAt,convertedAt,value,variant,releaseAt", lines[0]);
        assertEquals(31, lines.length, "a header and one line per member");
        Map<String, String> opened = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            assertEquals("sent", cells[1]);
            if (!cells[5].isEmpty()) {
                opened.put(cells[0], cells[5]);
            }
        }
        assertEquals(List.of("csv-4", "csv-9"), opened.keySet().stream().sorted().toList());
        String onlyOpened = given().accept("text/csv").queryParam("with", "opened")
                .get("/api/campaigns/" + campaign + "/deliveries").then().statusCode(200).extract().asString();
        assertEquals(3, onlyOpened.split("\r\n").length);
        given().accept("text/csv").get("/api/campaigns/999999999/deliveries").then().statusCode(404);
    }

    @Test
    void onlyTheEventsRoleReportsAndItReadsNothing() {
        String app = eventsToken();
        given().auth().none().header("Authorization", "Bearer " + app).get("/api/campaigns").then().statusCode(403);
        String viewer = given().contentType(ContentType.JSON).body(Map.of("name", "reader", "roles", List.of("viewer")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
        given().auth().none().header("Authorization", "Bearer " + viewer).contentType(ContentType.JSON).body("[]")
                .post("/api/events").then().statusCode(403);
        given().auth().none().contentType(ContentType.JSON).body("[]").post("/api/events").then().statusCode(401);
        post(app, List.of(), 200);
    }

    static Map<String, Object> event(long campaign, String member, String type) {
        Map<String, Object> e = new HashMap<>();
        e.put("campaign", campaign);
        e.put("member", member);
        e.put("type", type);
        return e;
    }

    static String eventsToken() {
        return given().contentType(ContentType.JSON).body(Map.of("name", "app back end", "roles", List.of("events")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
    }

    static JsonPath post(String token, List<Map<String, Object>> batch, int status) {
        return given().auth().none().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(batch)
                .post("/api/events").then().statusCode(status).extract().jsonPath();
    }
}
