package dev.push.fatigue;

import dev.push.Api;
import dev.push.channel.LogChannel;
import dev.push.storage.PushDatabase;
import dev.push.time.MovableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14, fatigue: a member at a category's frequency cap is skipped as "frequency cap" and not sent; the rolling
 * windows free slots as time passes (on the injected clock); a critical campaign bypasses the cap and counts toward it.
 * Each test caps the news category and removes its policy afterwards.
 */
@QuarkusTest
class FrequencyCapTest {
    @Inject
    LogChannel log;

    @Inject
    MovableClock clock;

    @Inject
    PushDatabase database;

    @AfterEach
    void removePolicyAndResetClock() {
        given().queryParam("category", "news").delete("/api/frequency-caps");
        given().queryParam("category", "news").queryParam("channel", "log").delete("/api/frequency-caps");
        clock.reset();
    }

    static void cap(String channel, List<Map<String, Object>> limits) {
        Map<String, Object> body = new HashMap<>(Map.of("category", "news", "limits", limits));
        if (channel != null) {
            body.put("channel", channel);
        }
        given().contentType(ContentType.JSON).body(body).put("/api/frequency-caps").then().statusCode(200)
                .body("category", equalTo("news"));
    }

    static long newsCampaign(long audience, boolean critical) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "capped", "audienceId", audience, "channel", "log",
                "category", "news", "message", Map.of("title", "Today's news"), "workers", 2, "batchSize", 7));
        if (critical) {
            body.put("critical", true);
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    static Map<String, String> outcomes(long campaign) {
        return Api.deliveries(campaign).stream().collect(Collectors.toMap(r -> (String) r.get("memberId"),
                r -> r.get("state") + (r.get("reason") == null ? "" : ": " + r.get("reason"))));
    }

    /** The slots a member holds under the news policy over all channels, as the ledger stores them. */
    static int slotsOf(PushDatabase database, String member) {
        CapPolicy news = new CapPolicy("news", null, List.of());
        Document state = database.get(CapSlots.COLLECTION).find(new Document("_id", CapSlots.key(news, member))).first();
        return state == null ? 0 : state.getList("at", java.util.Date.class).size();
    }

    /** Runs a news campaign over the audience; answers how many members it sent, checking each member's outcome is one of the two. */
    int run(long audience, List<String> ids, boolean critical) {
        long campaign = newsCampaign(audience, critical);
        JsonPath done = Api.startAndFinish(campaign);
        Set<String> sent = new HashSet<>(log.deliveredMembers(campaign));
        Map<String, String> outcomes = outcomes(campaign);
        for (String id : ids) {
            assertEquals(sent.contains(id) ? "sent" : "skipped: " + FrequencyCapped.REASON, outcomes.get(id), id);
        }
        assertEquals(sent.size(), log.deliveredMembers(campaign).size(), "each member sent at most once");
        assertEquals(sent.size(), done.getLong("progress.sent"));
        assertEquals(ids.size() - sent.size(), done.getLong("progress.skipped"));
        assertEquals(ids.size(), done.getLong("progress.processed"));
        return sent.size();
    }

    @Test
    void aMemberAtTheCapIsSkippedAsFrequencyCapAndNotSent() {
        cap(null, List.of(Map.of("max", 2, "window", "PT24H"), Map.of("max", 5, "window", "P7D")));
        List<String> ids = Api.memberIds("cap-a-", 30);
        long audience = Api.builtAudience(ids);

        assertEquals(30, run(audience, ids, false));
        assertEquals(30, run(audience, ids, false));
        assertEquals(0, run(audience, ids, false), "the third news push within 24 hours is capped for every member");
    }

    @Test
    void theRollingWindowsFreeASlotWhenTheClockMoves() {
        cap(null, List.of(Map.of("max", 1, "window", "PT24H"), Map.of("max", 2, "window", "P7D")));
        List<String> ids = Api.memberIds("cap-b-", 20);
        long audience = Api.builtAudience(ids);

        assertEquals(20, run(audience, ids, false));
        assertEquals(0, run(audience, ids, false), "1 per 24 hours");
        clock.advance(Duration.ofHours(25));
        assertEquals(20, run(audience, ids, false), "the first push left the 24-hour window");
        clock.advance(Duration.ofHours(25));
        assertEquals(0, run(audience, ids, false), "2 per 7 days: both pushes are within the week");
        clock.advance(Duration.ofDays(5));
        assertEquals(20, run(audience, ids, false), "the first push left the 7-day window");
    }

    @Test
    void aCriticalCampaignBypassesTheCapAndCountsTowardIt() {
        cap(null, List.of(Map.of("max", 1, "window", "PT24H")));
        List<String> ids = Api.memberIds("cap-c-", 15);
        long audience = Api.builtAudience(ids);

        assertEquals(15, run(audience, ids, true));
        assertEquals(15, run(audience, ids, true), "a critical campaign is not capped");
        assertEquals(0, run(audience, ids, false), "the critical pushes count toward the cap");
        assertEquals(2, slotsOf(database, "cap-c-0"), "both critical pushes were counted");
    }

    @Test
    void aCriticalCampaignIsMarkedAndAudited() {
        long campaign = newsCampaign(Api.builtAudience(List.of("cap-d-0")), true);
        given().get("/api/campaigns/" + campaign).then().statusCode(200).body("critical", equalTo(true));
        JsonPath audit = given().queryParam("target", "campaigns/" + campaign).get("/api/audit").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("create critical campaign"), audit.getList("action"), audit.prettify());
        assertEquals(true, audit.getBoolean("[0].after.critical"));
        assertEquals("admin", audit.getString("[0].actor"));
    }

    @Test
    void theRoutesAreInTheOpenApiDocument() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Object> caps = api.getMap("paths.'/api/frequency-caps'");
        assertEquals(Set.of("get", "put", "delete"), caps.keySet());
        assertEquals(List.of("Frequency caps"), api.getList("paths.'/api/frequency-caps'.put.tags"));
        assertEquals(Set.of("category", "channel", "limits"), api.getMap("components.schemas.CapPolicyRequest.properties").keySet());
        assertEquals("boolean", api.getString("components.schemas.CampaignRequest.properties.critical.type"));
    }

    @Test
    void aPolicyOverOneChannelCountsOnlyThatChannelsPushesAndIsPreferredToTheAllChannelsOne() {
        cap(null, List.of(Map.of("max", 1, "window", "PT24H")));
        cap("log", List.of(Map.of("max", 2, "window", "PT24H")));
        given().get("/api/frequency-caps").then().statusCode(200)
                .body("findAll { it.category == 'news' }.channel", equalTo(java.util.Arrays.asList(null, "log")));
        List<String> ids = Api.memberIds("cap-e-", 10);
        long audience = Api.builtAudience(ids);

        assertEquals(10, run(audience, ids, false));
        assertEquals(10, run(audience, ids, false), "the log channel's own policy (2 a day) applies, not the 1 of all channels");
        assertEquals(0, run(audience, ids, false));
        assertEquals(null, database.get(CapSlots.COLLECTION).find(new Document("_id", "news:*|cap-e-0")).first(),
                "nothing counted under the all-channels policy");
    }
}
