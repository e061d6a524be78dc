package dev.push.api;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bad input is answered 400 problem+json naming the field, and creates nothing. */
@QuarkusTest
class BadInputTest {

    Map<String, Object> campaign(long audience) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "c");
        body.put("audienceId", audience);
        body.put("channel", "log");
        body.put("message", Map.of("title", "t"));
        return body;
    }

    void refused(String path, Object body, String field) {
        long before = given().get(path).then().statusCode(200).extract().jsonPath().getLong("total");
        given().contentType(ContentType.JSON).body(body).post(path).then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
        long after = given().get(path).then().statusCode(200).extract().jsonPath().getLong("total");
        assertEquals(before, after, "nothing was created");
    }

    @Test
    void campaignFieldsAreValidated() {
        long audience = Api.idsAudience(List.of("b-1"));
        Map<String, Object> noName = campaign(audience);
        noName.remove("name");
        refused("/api/campaigns", noName, "name");
        Map<String, Object> zeroWorkers = campaign(audience);
        zeroWorkers.put("workers", 0);
        refused("/api/campaigns", zeroWorkers, "workers");
        Map<String, Object> negativeQps = campaign(audience);
        negativeQps.put("qps", -1);
        refused("/api/campaigns", negativeQps, "qps");
        Map<String, Object> unknownChannel = campaign(audience);
        unknownChannel.put("channel", "carrier-pigeon");
        refused("/api/campaigns", unknownChannel, "channel");
        Map<String, Object> unknownAudience = campaign(audience);
        unknownAudience.put("audienceId", 987654);
        refused("/api/campaigns", unknownAudience, "audienceId");
        Map<String, Object> emptyMessage = campaign(audience);
        emptyMessage.put("message", Map.of("link", "https://x.org"));
        refused("/api/campaigns", emptyMessage, "message");
    }

    @Test
    void audienceFieldsAreValidated() {
        refused("/api/audiences", Map.of("name", "a", "source", Map.of("kind", "telepathy")), "source.kind");
        refused("/api/audiences", Map.of("name", "a", "source", Map.of("kind", "ids", "ids", List.of("ok", "not ok"))),
                "source.ids[1]");
        refused("/api/audiences", Map.of("source", Map.of("kind", "upload")), "name");
        refused("/api/audiences", Map.of("name", "a", "source", Map.of("kind", "combine", "op", "union",
                "audiences", List.of(123456, 123457))), "source.audiences[0]");
    }

    @Test
    void malformedJsonIsA400NotA500() {
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", ").post("/api/campaigns").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("JSON"));
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"workers\": \"many\"}").post("/api/audiences")
                .then().statusCode(400).body("errors.field", hasItem("workers"));
    }
}
