package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.LogChannel;
import dev.push.channel.webhook.WebhookSink;
import dev.push.variant.VariantAssignment;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, A/B variants: the test split is sent, the holdout waits; the winner is decided on the members' clicks
 * (chi-squared) and sent to the holdout; each member gets exactly one variant, once.
 */
@QuarkusTest
class AbCampaignTest {
    static WebhookSink sink;

    @Inject
    WinnerDecisions decisions;

    @Inject
    Clock clock;

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

    static void membersOnTheSink(List<String> ids) {
        String lines = ids.stream().map(id -> new JsonObject().put("id", id)
                .put("addresses", new JsonObject().put("webhook", sink.url("/m/" + id))).encode())
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);
    }

    /** What each member received: member → titles, in arrival order. */
    static Map<String, List<String>> received(String prefix) {
        Map<String, List<String>> out = new HashMap<>();
        for (WebhookSink.Received r : sink.received()) {
            JsonObject m = new JsonObject(r.text());
            if (m.getString("member").startsWith(prefix)) {
                out.computeIfAbsent(m.getString("member"), k -> new java.util.ArrayList<>()).add(m.getString("title"));
            }
        }
        return out;
    }

    static void click(String link) {
        given().auth().none().redirects().follow(false).get(link.substring(link.indexOf("/c/"))).then().statusCode(302);
    }

    @Test
    void clicksFavouringBMakeBTheWinnerWhichTheHoldoutAloneReceives() {
        String prefix = "ab-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = Api.memberIds(prefix, 300);
        membersOnTheSink(ids);
        given().contentType(ContentType.JSON).body(Map.of("name", "hook-ab-" + prefix, "type", "webhook", "settings", Map.of()))
                .post("/api/channels").then().statusCode(201);
        long c = Api.abCampaign(Api.builtAudience(ids), "hook-ab-" + prefix, 15,
                Map.of("holdout", 70, "metric", "clicked", "wait", "PT1H", "fallback", "A"));
        VariantAssignment assignment = new VariantAssignment(c, List.of(15, 15), 0);
        Map<String, Integer> tested = ids.stream().collect(Collectors.toMap(id -> id, assignment::tested));
        long inA = tested.values().stream().filter(v -> v == 1).count();
        long inB = tested.values().stream().filter(v -> v == 2).count();

        Api.command("campaigns", c, "start", 200);
        JsonPath paused = Api.awaitState("campaigns", c, "paused", Duration.ofSeconds(60));
        assertTrue(paused.getString("stateReason").startsWith("A/B test split sent; the winner is decided at"),
                paused.getString("stateReason"));
        assertEquals("waiting", paused.getString("winner.phase"));
        Map<String, List<String>> afterTest = received(prefix);
        assertEquals(inA + inB, afterTest.size(), "only the test split was sent");
        for (String id : ids) {
            int v = tested.get(id);
            assertEquals(v == VariantAssignment.HOLDOUT ? null : List.of(v == 1 ? "Variant A" : "Variant B"),
                    afterTest.get(id), id);
        }

        // B's members click far more: 4 in 5 of them, against 1 in 10 of A's.
        Map<String, String> links = new HashMap<>();
        sink.received().forEach(r -> links.put(new JsonObject(r.text()).getString("member"), new JsonObject(r.text()).getString("link")));
        long clickedA = 0;
        long clickedB = 0;
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if ((tested.get(id) == 2 && i % 5 != 0) || (tested.get(id) == 1 && i % 10 == 0)) {
                click(links.get(id));
                clickedA += tested.get(id) == 1 ? 1 : 0;
                clickedB += tested.get(id) == 2 ? 1 : 0;
            }
        }
        long a = clickedA;
        long b = clickedB;
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonPath f = given().get("/api/campaigns/" + c + "/funnel").then().extract().jsonPath();
            return f.getLong("variants[0].clicked") == a && f.getLong("variants[1].clicked") == b;
        });

        // The wait is an hour: the decision is asked for as of two hours from now.
        decisions.decideDue(clock.millis() + Duration.ofHours(2).toMillis());
        JsonPath done = Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));

        Map<String, List<String>> all = received(prefix);
        assertEquals(ids.size(), all.size(), "every member of the audience was sent a message");
        for (String id : ids) {
            int v = tested.get(id);
            String expected = v == 1 ? "Variant A" : "Variant B";
            assertEquals(List.of(expected), all.get(id), id + " received exactly one message, of its variant ("
                    + (v == VariantAssignment.HOLDOUT ? "holdout: the winner" : "tested") + ")");
        }
        assertEquals(ids.size(), done.getLong("progress.sent"));
        assertEquals("winner", done.getString("winner.phase"));
        assertEquals(2, done.getInt("winner.variant"));
        Map<String, Object> decision = done.getList("history", Map.class).stream()
                .filter(h -> h.get("details") != null).findFirst().orElseThrow();
        assertTrue(decision.get("reason").toString().startsWith("A/B winner B (clicked: A " + a + "/" + inA),
                decision.get("reason").toString());
        Map<?, ?> details = (Map<?, ?>) decision.get("details");
        assertEquals("B", details.get("winner"));
        assertTrue(((Number) details.get("pValue")).doubleValue() < 0.05, "p = " + details.get("pValue"));
        List<?> figures = (List<?>) details.get("variants");
        assertEquals(List.of("A", (int) inA, (int) a), List.of(((Map<?, ?>) figures.get(0)).get("variant"),
                ((Map<?, ?>) figures.get(0)).get("sent"), ((Map<?, ?>) figures.get(0)).get("clicked")));
        assertEquals(List.of("B", (int) inB, (int) b), List.of(((Map<?, ?>) figures.get(1)).get("variant"),
                ((Map<?, ?>) figures.get(1)).get("sent"), ((Map<?, ?>) figures.get(1)).get("clicked")));
        List<Map<String, Object>> deliveries = Api.deliveries(c);
        assertEquals(ids.size(), deliveries.size());
        for (Map<String, Object> d : deliveries) {
            int v = tested.get((String) d.get("memberId"));
            assertEquals(List.of("sent", v == 1 ? "A" : "B"), List.of(d.get("state"), d.get("variant")), d.toString());
        }
        // An app back end reports a conversion without the member's token: it counts under the variant the member got.
        String holdoutMember = ids.stream().filter(id -> tested.get(id) == VariantAssignment.HOLDOUT).findFirst().orElseThrow();
        String app = given().contentType(ContentType.JSON).body(Map.of("name", "ab app", "roles", List.of("events")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
        given().auth().none().header("Authorization", "Bearer " + app).contentType(ContentType.JSON)
                .body(List.of(Map.of("campaign", c, "member", holdoutMember, "type", "converted")))
                .post("/api/events").then().statusCode(200).body("recorded", org.hamcrest.Matchers.equalTo(1));
        JsonPath funnel = given().get("/api/campaigns/" + c + "/funnel").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(0, 1), funnel.getList("variants.converted"));
        assertEquals(List.of("A", "B"), funnel.getList("variants.name"));
        assertEquals(List.of(false, true), funnel.getList("variants.winner"));
        assertEquals(List.of((int) inA, (int) (ids.size() - inA)), funnel.getList("variants.sent"));
    }

    @Test
    void pauseResumeStopAndStartInTheTestPhaseMoveNoMemberAndSendNobodyTwice() {
        String prefix = "abp-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = Api.memberIds(prefix, 1200);
        long c = Api.abCampaign(Api.builtAudience(ids), "log", 25, Map.of("holdout", 50, "wait", "PT1H", "fallback", "A"));
        Api.pace("campaigns", c, 200);
        VariantAssignment assignment = new VariantAssignment(c, List.of(25, 25), 0);
        long tested = ids.stream().filter(id -> assignment.tested(id) != VariantAssignment.HOLDOUT).count();

        Api.command("campaigns", c, "start", 200);
        CampaignDeliveryTest.awaitProcessed(c, 100);
        Api.command("campaigns", c, "pause", 200);
        long atPause = CampaignDeliveryTest.awaitQuiet(c);
        Api.command("campaigns", c, "resume", 200);
        CampaignDeliveryTest.awaitProcessed(c, atPause + 100);
        Api.command("campaigns", c, "stop", 200);
        long atStop = CampaignDeliveryTest.awaitQuiet(c);
        assertTrue(atPause < atStop && atStop < tested, atPause + " < " + atStop + " < " + tested);
        Api.command("campaigns", c, "start", 200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> "waiting".equals(Api.get("campaigns", c).getString("winner.phase")));
        assertEquals(tested, log.deliveredMembers(c).size(), "the test split, each once, whatever the commands");

        decisions.decideDue(clock.millis() + Duration.ofHours(2).toMillis());
        Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));
        CampaignDeliveryTest.assertExactlyOnce(ids, log.deliveredMembers(c));
        Map<String, String> exported = new java.util.HashMap<>();
        String[] lines = given().accept("text/csv").get("/api/campaigns/" + c + "/deliveries").then().statusCode(200)
                .extract().asString().split("\r\n");
        int variant = List.of(lines[0].split(",")).indexOf("variant");
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            exported.put(cells[0], cells[variant]);
        }
        for (Map<String, Object> d : Api.deliveries(c)) {
            int v = assignment.tested((String) d.get("memberId"));
            assertEquals(List.of("sent", v == 2 ? "B" : "A"), List.of(d.get("state"), d.get("variant")), d.toString());
            assertEquals(d.get("variant"), exported.get((String) d.get("memberId")), "the CSV export names the same variant");
        }
        assertEquals(ids.size(), exported.size(), "one exported line per member");
    }

    @Test
    void withoutASignificantWinnerTheStopFallbackAsksTheOperatorWhoPicksOne() {
        String prefix = "abs-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        List<String> ids = Api.memberIds(prefix, 80);
        long c = Api.abCampaign(Api.builtAudience(ids), "log", 25, Map.of("holdout", 50, "wait", "PT1S", "fallback", "stop"));

        Api.command("campaigns", c, "start", 200);
        // Nobody clicks; a second after the test split is sent the scheduled decision finds no winner and asks.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "asking".equals(Api.get("campaigns", c).getString("winner.phase")));
        JsonPath asking = Api.get("campaigns", c);
        assertEquals("paused", asking.getString("state"));
        assertTrue(asking.getString("stateReason").contains("nothing to test")
                && asking.getString("stateReason").endsWith("pick the winner: POST /api/campaigns/" + c + "/winner"),
                asking.getString("stateReason"));
        int tested = log.deliveredMembers(c).size();

        given().contentType(ContentType.JSON).body(Map.of("variant", "C")).post("/api/campaigns/" + c + "/winner")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", org.hamcrest.Matchers.equalTo("variant"));
        given().contentType(ContentType.JSON).body(Map.of("variant", "A")).post("/api/campaigns/" + c + "/winner")
                .then().statusCode(200).body("winner.variant", org.hamcrest.Matchers.equalTo(1));
        Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));

        List<String> delivered = log.deliveredMembers(c);
        assertEquals(ids.size(), delivered.size(), "every member once, nobody twice");
        assertEquals(Set.copyOf(ids), Set.copyOf(delivered));
        assertTrue(tested > 0 && tested < ids.size(), "the test split (" + tested + ") came before the rest");
        given().get("/api/campaigns/" + c).then().body("history.reason", org.hamcrest.Matchers.hasItem(
                containsString("A/B winner A picked by")));
        given().contentType(ContentType.JSON).body(Map.of("variant", "A")).post("/api/campaigns/" + c + "/winner")
                .then().statusCode(409);
    }
}
