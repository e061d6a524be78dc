package dev.push.template;

import dev.push.Api;
import dev.push.channel.webhook.WebhookSink;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 17, saved templates: {@code /api/templates} saves messages with variants per locale; sends and campaigns name
 * them; a member gets the variant of their locale, with a fallback; a campaign keeps the copy it took.
 */
@QuarkusTest
class TemplatesTest {
    static WebhookSink sink;

    @BeforeAll
    static void startSink() throws Exception {
        sink = new WebhookSink();
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    static String name() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A greeting in English by default, in French, and in Canadian French. */
    static Map<String, Object> greeting(String name, String english) {
        return Map.of("name", name, "title", english, "body", "Hi {member.attributes.firstName ?: 'there'}",
                "link", "https://shop.example/en", "data", Map.of("kind", "greeting"),
                "locales", Map.of("fr", Map.of("title", "Bonjour", "link", "https://shop.example/fr"),
                        "fr-CA", Map.of("title", "Allô")));
    }

    static JsonPath create(Map<String, Object> template) {
        return given().contentType(ContentType.JSON).body(template).post("/api/templates").then().statusCode(201)
                .extract().jsonPath();
    }

    @Test
    void aTemplateIsSavedReadChangedAndDeleted() {
        String name = name();
        JsonPath saved = create(greeting(name, "Hello"));
        assertEquals(1, saved.getLong("version"));
        assertEquals(java.util.Set.of("fr", "fr-ca"), saved.getMap("locales").keySet(), "tags stored in lower case");
        JsonPath read = given().get("/api/templates/" + name).then().statusCode(200).extract().jsonPath();
        assertEquals(saved.getMap(""), read.getMap(""));
        assertEquals(1, given().get("/api/templates").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.name == '" + name + "' }").size());

        given().contentType(ContentType.JSON).body(greeting(name, "Hello")).post("/api/templates").then().statusCode(409);
        JsonPath changed = given().contentType(ContentType.JSON).body(greeting(name, "Welcome")).put("/api/templates/" + name)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(2, changed.getLong("version"));
        assertEquals("Welcome", changed.getString("title"));

        given().delete("/api/templates/" + name).then().statusCode(204);
        given().get("/api/templates/" + name).then().statusCode(404);
        given().delete("/api/templates/" + name).then().statusCode(404);
    }

    @Test
    void viewersReadTemplatesAndOnlyOperatorsChangeThem() {
        String name = name();
        create(greeting(name, "Hello"));
        String viewer = given().contentType(ContentType.JSON).body(Map.of("name", "reader", "roles", List.of("viewer")))
                .post("/api/tokens").then().statusCode(201).extract().jsonPath().getString("token");
        given().auth().none().header("Authorization", "Bearer " + viewer).get("/api/templates/" + name).then().statusCode(200);
        given().auth().none().header("Authorization", "Bearer " + viewer).contentType(ContentType.JSON)
                .body(greeting(name(), "Hello")).post("/api/templates").then().statusCode(403);
        given().auth().none().header("Authorization", "Bearer " + viewer).delete("/api/templates/" + name).then().statusCode(403);
        given().get("/api/templates/" + name).then().statusCode(200);
    }

    @Test
    void aSendNamingATemplateGivesEachMemberTheVariantOfTheirLocaleWithAFallback() {
        String name = name();
        create(greeting(name, "Hello"));
        String channel = "tpl-hook-" + UUID.randomUUID().toString().substring(0, 6);
        given().contentType(ContentType.JSON).body(Map.of("name", channel, "type", "webhook",
                "credentials", Map.of("secret", "a-webhook-secret-of-some-length"))).post("/api/channels").then().statusCode(201);
        String prefix = "tpl-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        Map<String, String> locales = Map.of("canada", "fr_CA", "belgium", "fr-BE", "france", "fr", "germany", "de-DE",
                "none", "");
        StringBuilder ndjson = new StringBuilder();
        locales.forEach((who, locale) -> ndjson.append(new JsonObject().put("id", prefix + who)
                .put("attributes", locale.isEmpty() ? new JsonObject().put("firstName", "Ann")
                        : new JsonObject().put("locale", locale).put("firstName", "Ann"))
                .put("addresses", new JsonObject().put("webhook", sink.url("/" + prefix + who))).encode()).append('\n'));
        given().contentType("application/x-ndjson").body(ndjson.toString().getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);

        List<String> members = locales.keySet().stream().map(w -> prefix + w).sorted().toList();
        JsonPath sent = given().contentType(ContentType.JSON).header("Idempotency-Key", "k-" + UUID.randomUUID())
                .body(Map.of("members", members, "channel", channel, "template", name)).post("/api/sends")
                .then().statusCode(202).extract().jsonPath();
        assertEquals(Map.of("sent", 5), sent.getMap("counts"));

        Map<String, JsonObject> byMember = new HashMap<>();
        sink.received().stream().filter(r -> r.path().startsWith("/" + prefix))
                .forEach(r -> byMember.put(r.path().substring(prefix.length() + 1), new JsonObject(r.text())));
        assertEquals("Allô", byMember.get("canada").getString("title"), "fr_CA is fr-CA");
        assertEquals("https://shop.example/fr", byMember.get("canada").getString("link"), "fr-CA's link is fr's");
        assertEquals("Bonjour", byMember.get("belgium").getString("title"), "fr-BE falls back to fr");
        assertEquals("Bonjour", byMember.get("france").getString("title"));
        assertEquals("Hello", byMember.get("germany").getString("title"), "no German: the default");
        assertEquals("https://shop.example/en", byMember.get("germany").getString("link"));
        assertEquals("Hello", byMember.get("none").getString("title"), "no locale: the default");
        byMember.values().forEach(m -> assertEquals("Hi Ann", m.getString("body"), "the default body in every locale"));
        assertEquals(5, byMember.size());
    }

    @Test
    void aCampaignCopiesItsTemplateWhenCreatedSoChangingOrDeletingTheTemplateChangesNothingItSends() {
        String name = name();
        create(greeting(name, "Hello"));
        long audience = Api.idsAudience(List.of("tpl-copy-1"));
        JsonPath campaign = given().contentType(ContentType.JSON).body(Map.of("name", "from a template", "audienceId", audience,
                "channel", "log", "template", name)).post("/api/campaigns").then().statusCode(201).extract().jsonPath();
        long id = campaign.getLong("id");
        assertEquals(Map.of("name", name, "version", 1), campaign.getMap("message.template"), "the copy names what it copied");

        given().contentType(ContentType.JSON).body(greeting(name, "Changed")).put("/api/templates/" + name).then().statusCode(200);
        assertEquals("Hello", preview(id, "de").getString("title"), "the campaign keeps its copy");
        given().delete("/api/templates/" + name).then().statusCode(204);
        assertEquals("Hello", preview(id, "de").getString("title"));
        assertEquals("Allô", preview(id, "fr-CA").getString("title"), "the copy keeps its locale variants");
        assertEquals("Bonjour", preview(id, "fr-FR").getString("title"));

        Api.command("audiences", audience, "start", 200);
        Api.awaitState("audiences", audience, "finished", java.time.Duration.ofSeconds(60));
        Api.command("campaigns", id, "start", 200);
        JsonPath done = Api.awaitState("campaigns", id, "finished", java.time.Duration.ofSeconds(60));
        assertEquals(1, done.getInt("progress.sent"), "a campaign whose template was deleted still sends");
    }

    @Test
    void aSendOrCampaignNamingNoSavedTemplateIsRefusedNamingTheField() {
        String missing = name();
        assertEquals("template", given().contentType(ContentType.JSON).header("Idempotency-Key", "k-" + UUID.randomUUID())
                .body(Map.of("members", List.of("tpl-x"), "channel", "log", "template", missing)).post("/api/sends")
                .then().statusCode(400).contentType("application/problem+json")
                .extract().jsonPath().getString("errors[0].field"));
        long audience = Api.idsAudience(List.of("tpl-none"));
        JsonPath problem = given().contentType(ContentType.JSON).body(Map.of("name", "c", "audienceId", audience,
                "channel", "log", "template", missing)).post("/api/campaigns").then().statusCode(400).extract().jsonPath();
        assertEquals("template", problem.getString("errors[0].field"));
        assertNull(given().get("/api/templates/" + missing).then().statusCode(404).extract().jsonPath().getString("name"));
    }

    static JsonPath preview(long campaign, String locale) {
        return given().contentType(ContentType.JSON).body(Map.of("attributes", Map.of("locale", locale)))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200).extract().jsonPath();
    }
}
