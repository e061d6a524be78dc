package dev.push.consent;

import dev.push.Api;
import dev.push.channel.LogChannel;
import dev.push.channel.webhook.WebhookSink;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 14, consent: members opted out of a campaign's category, or of everything, by preferences, a suppression list
 * of ids or of addresses, or an import, are skipped as "opted out" and never sent; the rest are sent once.
 */
@QuarkusTest
class ConsentTest {
    static WebhookSink sink;

    @Inject
    LogChannel log;

    @BeforeAll
    static void startSink() throws Exception {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    static void importMembers(List<String> ndjsonLines) {
        given().contentType("application/x-ndjson").body(String.join("\n", ndjsonLines).getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("rejectedCount", equalTo(0));
    }

    static void preferences(String member, List<String> categories, boolean all) {
        given().contentType(ContentType.JSON).body(Map.of("optedOutOf", categories, "optedOutOfAll", all))
                .put("/api/members/" + member + "/preferences").then().statusCode(200)
                .body("optedOutOf", equalTo(categories)).body("optedOutOfAll", equalTo(all));
    }

    static long campaign(long audience, String channel, String category) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "consent", "audienceId", audience, "channel", channel,
                "message", Map.of("title", "Sale", "body", "Our sale"), "workers", 2, "batchSize", 7));
        if (category != null) {
            body.put("category", category);
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/campaigns").then().statusCode(201)
                .extract().jsonPath().getLong("id");
    }

    static Map<String, String> outcomes(long campaign) {
        return Api.deliveries(campaign).stream().collect(Collectors.toMap(r -> (String) r.get("memberId"),
                r -> r.get("state") + (r.get("reason") == null ? "" : ": " + r.get("reason"))));
    }

    @Test
    void membersOptedOutOfThePromotionsCategoryOrOfEverythingAreSkippedAndNeverSent() {
        List<String> ids = Api.memberIds("cons-a-", 30);
        importMembers(ids.stream().map(id -> "{\"id\": \"" + id + "\"" + (id.equals("cons-a-29") ? ", \"optOut\": [\"promotions\"]" : "") + "}").toList());
        for (int i = 0; i < 5; i++) {
            preferences("cons-a-" + i, List.of("promotions"), false);
        }
        preferences("cons-a-5", List.of("news", "account"), false);
        preferences("cons-a-6", List.of(), true);
        given().contentType(ContentType.TEXT).body("cons-a-7\ncons-a-8\n").post("/api/members/suppressions")
                .then().statusCode(200).body("suppressed", equalTo(2)).body("rejectedCount", equalTo(0));
        Set<String> optedOut = Set.of("cons-a-0", "cons-a-1", "cons-a-2", "cons-a-3", "cons-a-4", "cons-a-6", "cons-a-7",
                "cons-a-8", "cons-a-29");

        long campaign = campaign(Api.builtAudience(ids), "log", null);
        JsonPath done = Api.startAndFinish(campaign);

        Set<String> expected = new HashSet<>(ids);
        expected.removeAll(optedOut);
        assertEquals(expected, new HashSet<>(log.deliveredMembers(campaign)), "exactly the members who did not opt out");
        assertEquals(21, log.deliveredMembers(campaign).size(), "each once");
        assertEquals("promotions", done.getString("category"));
        assertEquals(21, done.getInt("progress.sent"));
        assertEquals(9, done.getInt("progress.skipped"));
        Map<String, String> outcomes = outcomes(campaign);
        for (String id : ids) {
            assertEquals(optedOut.contains(id) ? "skipped: opted out" : "sent", outcomes.get(id), id);
        }
    }

    @Test
    void aNewsCampaignSkipsOnlyThoseOptedOutOfNewsOrOfEverything() {
        List<String> ids = Api.memberIds("cons-b-", 4);
        importMembers(ids.stream().map(id -> "{\"id\": \"" + id + "\"}").toList());
        preferences("cons-b-0", List.of("promotions"), false);
        preferences("cons-b-1", List.of("news"), false);
        preferences("cons-b-2", List.of(), true);

        long campaign = campaign(Api.builtAudience(ids), "log", "news");
        Api.startAndFinish(campaign);

        assertEquals(Set.of("cons-b-0", "cons-b-3"), new HashSet<>(log.deliveredMembers(campaign)));
        assertEquals(Map.of("cons-b-0", "sent", "cons-b-1", "skipped: opted out", "cons-b-2", "skipped: opted out",
                "cons-b-3", "sent"), outcomes(campaign));
    }

    @Test
    void aSuppressedAddressIsNeverSentWhicheverMemberHasIt() {
        List<String> ids = Api.memberIds("cons-c-", 6);
        importMembers(ids.stream().map(id -> "{\"id\": \"" + id + "\", \"addresses\": {\"webhook\": \"" + sink.url("/" + id) + "\"}}").toList());
        given().contentType(ContentType.JSON).body(Map.of("name", "consent-hook", "type", "webhook",
                        "credentials", Map.of("secret", "consent-test-secret-0123")))
                .post("/api/channels").then().statusCode(201);
        given().contentType(ContentType.TEXT).queryParam("kind", "webhook")
                .body(sink.url("/cons-c-1") + "\n" + sink.url("/cons-c-4") + "\nnot a url\n").post("/api/members/suppressions")
                .then().statusCode(200).body("suppressed", equalTo(2)).body("rejected[0].line", equalTo(3));

        long campaign = campaign(Api.builtAudience(ids), "consent-hook", null);
        Api.startAndFinish(campaign);

        Set<String> received = sink.received().stream().map(r -> r.path().substring(1)).collect(Collectors.toSet());
        assertEquals(Set.of("cons-c-0", "cons-c-2", "cons-c-3", "cons-c-5"), received);
        assertEquals(4, sink.received().size(), "one request per member sent");
        assertEquals("skipped: opted out", outcomes(campaign).get("cons-c-4"));
    }

    @Test
    void aTriggeredSendOfTheAccountCategoryRespectsOptOutsOfAccountOnly() {
        List<String> ids = Api.memberIds("cons-d-", 3);
        importMembers(ids.stream().map(id -> "{\"id\": \"" + id + "\"}").toList());
        preferences("cons-d-0", List.of("promotions"), false);
        preferences("cons-d-1", List.of("account"), false);

        JsonPath send = given().contentType(ContentType.JSON).header("Idempotency-Key", "consent-d-1")
                .body(Map.of("members", ids, "channel", "log", "message", Map.of("title", "Your receipt")))
                .post("/api/sends").then().extract().jsonPath();

        assertEquals("account", send.getString("category"));
        assertEquals(List.of("sent", "skipped", "sent"), ids.stream()
                .map(id -> send.getString("members.find { it.member == '" + id + "' }.state")).toList());
        assertEquals("opted out", send.getString("members.find { it.member == 'cons-d-1' }.reason"));
    }

    @Test
    void optingBackInIsDoneWithPreferencesAndSendsAgain() {
        importMembers(List.of("{\"id\": \"cons-e-0\"}"));
        preferences("cons-e-0", List.of("promotions"), true);
        preferences("cons-e-0", List.of(), false);

        long campaign = campaign(Api.builtAudience(List.of("cons-e-0")), "log", null);
        Api.startAndFinish(campaign);

        assertEquals(List.of("cons-e-0"), log.deliveredMembers(campaign));
        given().get("/api/members/cons-e-0/preferences").then().statusCode(200)
                .body("optedOutOf", equalTo(List.of())).body("optedOutOfAll", equalTo(false));
    }
}
