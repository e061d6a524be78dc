package dev.push;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** The REST calls tests make over and over, spelled once. */
public final class Api {
    private Api() {
    }

    public static List<String> memberIds(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }

    public static long idsAudience(List<String> ids) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "ids audience", "source", Map.of("kind", "ids", "ids", ids), "workers", 4))
                .post("/api/audiences").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Creates an audience of the given ids and builds it; answers its id once finished. */
    public static long builtAudience(List<String> ids) {
        long id = idsAudience(ids);
        command("audiences", id, "start", 200);
        awaitState("audiences", id, "finished", Duration.ofSeconds(60));
        return id;
    }

    public static long campaign(long audienceId, String channel, int workers, int qps, int batchSize, int errorBudget) {
        Map<String, Object> body = Map.of("name", "campaign", "audienceId", audienceId, "channel", channel,
                "message", Map.of("title", "Hello", "body", "A promotion", "link", "https://example.org/p"),
                "workers", workers, "qps", qps, "batchSize", batchSize, "errorBudget", errorBudget);
        return given().contentType(ContentType.JSON).body(body).post("/api/campaigns")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /**
     * Creates an A/B campaign: the body "Our sale" with a tracked link, variants A ("Variant A") and B ("Variant B")
     * with {@code split} percent each, and {@code winner} mode's settings; answers its id.
     */
    public static long abCampaign(long audienceId, String channel, int split, Map<String, Object> winner) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "ab", "audienceId", audienceId, "channel", channel,
                        "message", Map.of("body", "Our sale", "link", "https://shop.example/{member.id}"),
                        "variants", List.of(Map.of("name", "A", "title", "Variant A", "split", split),
                                Map.of("name", "B", "title", "Variant B", "split", split)),
                        "winner", winner, "workers", 2, "batchSize", 20))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    public static JsonPath command(String kinds, long id, String command, int status) {
        return given().post("/api/" + kinds + "/" + id + "/" + command).then().statusCode(status).extract().jsonPath();
    }

    /** Sets a task's pace (sends or members a second; 0: unpaced), as an operator edits it while it runs. */
    public static void pace(String kinds, long id, int qps) {
        given().contentType(ContentType.JSON).body(Map.of("qps", qps)).patch("/api/" + kinds + "/" + id).then().statusCode(200);
    }

    public static JsonPath get(String kinds, long id) {
        return given().get("/api/" + kinds + "/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Starts a campaign and answers it once finished (within a minute). */
    public static JsonPath startAndFinish(long campaign) {
        command("campaigns", campaign, "start", 200);
        return awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));
    }

    public static JsonPath awaitState(String kinds, long id, String state, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100))
                .until(() -> state.equals(get(kinds, id).getString("state")));
        return get(kinds, id);
    }

    /** Every delivery record of a campaign, walking the pages. */
    public static List<Map<String, Object>> deliveries(long campaignId) {
        List<Map<String, Object>> out = new ArrayList<>();
        String after = "";
        while (after != null) {
            JsonPath page = given().queryParam("after", after).queryParam("limit", 5000)
                    .get("/api/campaigns/" + campaignId + "/deliveries").then().statusCode(200).extract().jsonPath();
            out.addAll(page.getList("items"));
            after = page.getString("next");
        }
        return out;
    }
}
