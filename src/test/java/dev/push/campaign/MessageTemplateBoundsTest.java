package dev.push.campaign;

import dev.push.Api;
import dev.push.channel.webhook.WebhookSink;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Message templates within bounds (docs/security.md, "Message templates"): the templates that
 * exhausted an instance are refused at creation, and a stored template that goes beyond a bound
 * for one member's data fails that member only.
 */
@QuarkusTest
class MessageTemplateBoundsTest {
    /** The templates of issue 18: a billion-step loop, two nested 10,000-loops, a million characters. */
    static final List<String> EXHAUSTING = List.of(
            "{#for i in 1000000000}{/for}",
            "{#for i in 10000}{#for j in 10000}{/for}{/for}",
            "{#for i in 1000}{#for j in 1000}x{/for}{/for}");

    static WebhookSink sink;
    static long audience;

    @BeforeAll
    static void setUp() throws Exception {
        sink = new WebhookSink();
    }

    @BeforeEach
    void audience() {
        if (audience == 0) {
            audience = Api.idsAudience(List.of("tb-1"));
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        sink.close();
    }

    static Response create(Map<String, Object> message, String channel) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "bounds", "audienceId", audience, "channel", channel, "message", message))
                .post("/api/campaigns");
    }

    static long created(Map<String, Object> message, String channel) {
        return create(message, channel).then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static Response preview(long campaign, Map<String, Object> attributes) {
        return given().contentType(ContentType.JSON).body(Map.of("attributes", attributes))
                .post("/api/campaigns/" + campaign + "/preview");
    }

    @Test
    void eachExhaustingTemplateIsRefusedAtCreationInEveryField() {
        for (String template : EXHAUSTING) {
            for (String field : List.of("title", "body", "link")) {
                Map<String, Object> message = new HashMap<>(Map.of("title", "t"));
                message.put(field, template);
                create(message, "log").then().statusCode(400)
                        .contentType("application/problem+json")
                        .body("errors[0].field", equalTo("message." + field))
                        .body("errors[0].message", containsString("a loop goes over member data, not over"));
            }
        }
    }

    @Test
    void livenessStaysUpWhileExhaustingTemplatesAndOverlongPreviewsAreTriedConcurrently() throws Exception {
        long stored = created(Map.of("title", "{#for w in member.attributes.words}{w}{/for}"), "log");
        Map<String, Object> manyWords = Map.of("words", IntStream.range(0, 1_000).mapToObj(i -> "w" + i).toList());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<Integer>>> attempts = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                attempts.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int round = 0; round < 3; round++) {
                        if (thread % 2 == 0) {
                            for (String template : EXHAUSTING) {
                                statuses.add(create(Map.of("title", template), "log").statusCode());
                            }
                        } else {
                            statuses.add(preview(stored, manyWords).statusCode());
                        }
                    }
                    return statuses;
                }));
            }
            List<String> live = new ArrayList<>();
            while (!attempts.stream().allMatch(Future::isDone)) {
                Response r = given().auth().none().get("/q/health/live");
                live.add(r.statusCode() + " " + r.jsonPath().getString("status"));
            }
            live.add(given().auth().none().get("/q/health/live").statusCode() + " UP");
            assertEquals(List.of("200 UP"), live.stream().distinct().toList(), "liveness answered UP every time");
            List<Integer> creations = new ArrayList<>();
            List<Integer> previews = new ArrayList<>();
            for (int t = 0; t < attempts.size(); t++) {
                (t % 2 == 0 ? creations : previews).addAll(attempts.get(t).get());
            }
            assertEquals(27, creations.size());
            assertEquals(List.of(400), creations.stream().distinct().toList());
            assertEquals(9, previews.size());
            assertEquals(List.of(422), previews.stream().distinct().toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loopsOverMemberDataRenderWithinTheItemBudget() {
        long c = created(Map.of("title", "t", "body",
                "{#for tag in member.attributes.tags}{tag}{#if tag_hasNext}, {/if}{#else}no tags{/for}"), "log");

        preview(c, Map.of("tags", List.of("a", "b", "c"))).then().statusCode(200).body("body", equalTo("a, b, c"));
        preview(c, Map.of()).then().statusCode(200).body("body", equalTo("no tags"));
        preview(c, Map.of("tags", IntStream.range(0, 101).mapToObj(i -> "t" + i).toList())).then().statusCode(422)
                .body("errors[0].field", equalTo("message.body"))
                .body("errors[0].message", equalTo("visits more than 100 loop items (push.message.loop-items)"));
    }

    @Test
    void aLoopOverANumberInMemberDataFailsThatRender() {
        long c = created(Map.of("title", "{#for i in member.attributes.n}x{/for}"), "log");

        preview(c, Map.of("n", 1_000_000_000)).then().statusCode(422)
                .body("errors[0].field", equalTo("message.title"))
                .body("errors[0].message", containsString("a loop goes over a list of member data"));
    }

    @Test
    void loopsNestedDeeperThanTwoAreRefused() {
        String twoDeep = "{#for a in member.attributes.x}{#for b in a}{b}{/for}{/for}";
        String threeDeep = "{#for a in member.attributes.x}{#for b in a}{#for c in b}{c}{/for}{/for}{/for}";
        created(Map.of("title", twoDeep), "log");
        create(Map.of("title", threeDeep), "log").then().statusCode(400)
                .body("errors[0].field", equalTo("message.title"))
                .body("errors[0].message", equalTo("nests loops 3 deep, more than 2 (push.message.loop-depth)"));
    }

    @Test
    void sectionsAPushMessageDoesNotNeedAreRefused() {
        for (String template : List.of("{#eval member.attributes.t /}", "{#include other /}", "{#insert x}{/insert}",
                "{#with member}{id}{/with}", "{#fragment id=f}x{/fragment}")) {
            create(Map.of("title", template), "log").then().statusCode(400)
                    .body("errors[0].field", equalTo("message.title"))
                    .body("errors[0].message", containsString("is not a valid template"));
        }
    }

    @Test
    void aStaticTitleLongerThanItsRenderedLimitIsRefused() {
        created(Map.of("title", "{#if true}" + "x".repeat(480) + "{/if}"), "log");
        String tooLong = "{#let w='" + "z".repeat(200) + "'}{w}{w}{w}{w}{w}{w}{/let}";
        create(Map.of("title", tooLong), "log").then().statusCode(400)
                .body("errors[0].field", equalTo("message.title"))
                .body("errors[0].message", equalTo("renders longer than 1024 characters (push.message.rendered-title)"));
    }

    @Test
    void aStoredTemplateTooLongForOneMembersDataFailsOnlyThatMember() {
        given().contentType(ContentType.JSON).body(Map.of("name", "bounds-hook", "type", "webhook", "settings", Map.of()))
                .post("/api/channels").then().statusCode(201);
        String lines = List.of("tb-short", "tb-long").stream().map(id -> new JsonObject().put("id", id)
                        .put("attributes", new JsonObject().put("name", id.equals("tb-long") ? "n".repeat(2000) : "Ann"))
                        .put("addresses", new JsonObject().put("webhook", sink.url("/" + id))).encode())
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200).body("imported", equalTo(2));
        long members = Api.builtAudience(List.of("tb-short", "tb-long"));
        long c = given().contentType(ContentType.JSON).body(Map.of("name", "one too long", "audienceId", members,
                        "channel", "bounds-hook", "message", Map.of("title", "Hi {member.attributes.name}")))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");

        Api.command("campaigns", c, "start", 200);
        Api.awaitState("campaigns", c, "finished", Duration.ofSeconds(60));

        Map<String, Map<String, Object>> byMember = new HashMap<>();
        Api.deliveries(c).forEach(d -> byMember.put((String) d.get("memberId"), d));
        assertEquals("sent", byMember.get("tb-short").get("state"));
        assertEquals("failed", byMember.get("tb-long").get("state"));
        assertEquals("message does not render: message.title renders longer than 1024 characters (push.message.rendered-title)",
                byMember.get("tb-long").get("reason"));
        assertEquals(false, byMember.get("tb-long").get("retryable"));
        assertEquals(List.of("/tb-short"), sink.received().stream().map(WebhookSink.Received::path).toList());
        assertEquals("Hi Ann", new JsonObject(sink.received().get(0).text()).getString("title"));
    }

    @Test
    void linksStartWithHttpHttpsOrAConfiguredAppScheme() {
        for (String link : List.of("javascript:alert(1)", "JavaScript:alert(1)", "java\tscript:alert(1)", " javascript:x",
                "data:text/html,x", "file:///etc/passwd", "example.org/{member.id}", "vbscript:{member.id}",
                "{#if true}javascript:alert(1){/if}")) {
            create(Map.of("title", "t", "link", link), "log").then().statusCode(400)
                    .body("errors[0].field", equalTo("message.link"));
        }
        created(Map.of("title", "t", "link", "https://shop.example/{member.id}"), "log");
        created(Map.of("title", "t", "link", "HTTP://shop.example/"), "log");
        created(Map.of("title", "t", "link", "{member.attributes.site}/offers"), "log");
        long app = created(Map.of("title", "t", "link", "pushdemo://open/{member.id}"), "log");
        preview(app, Map.of()).then().statusCode(200).body("target", equalTo("pushdemo://open/preview"));
    }

    @Test
    void aLinkMadeOfMemberDataIsCheckedWhenRendered() {
        long c = created(Map.of("title", "t", "link", "{member.attributes.url}"), "log");

        preview(c, Map.of("url", "https://ok.example/")).then().statusCode(200).body("target", equalTo("https://ok.example/"));
        preview(c, Map.of("url", "javascript:alert(document.cookie)")).then().statusCode(422)
                .body("errors[0].field", equalTo("message.link"))
                .body("errors[0].message", containsString("uses the scheme javascript"));
    }
}
