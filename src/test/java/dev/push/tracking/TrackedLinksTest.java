package dev.push.tracking;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, tracked links: every member of a campaign gets a signed link of the service, which counts the click and
 * redirects to the member's personalized link; forged, altered, truncated or re-signed tokens are a bare 404.
 */
@QuarkusTest
class TrackedLinksTest {
    static final int MEMBERS = 2_000;
    static final String BASE = "http://localhost:8080/c/";

    @Inject
    TrackedLinks links;

    @Test
    void theMembersWhoClickedAreCountedExactlyOnceAndLandOnTheirOwnLinks() {
        List<String> ids = Api.memberIds("tl-", MEMBERS);
        long campaign = trackedCampaign(Api.builtAudience(ids), "https://shop.example/p/{member.id}?x=1");
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(120));

        Set<String> clickers = new HashSet<>();
        int clicks = 0;
        for (int i = 0; i < 300; i++) {
            String member = ids.get(i * 6 + 1);
            String link = deliveredLink(campaign, member);
            String landed = follow(link, null);
            assertEquals("https://shop.example/p/" + member + "?x=1&utm_source=push&utm_medium=log", landed, member);
            clickers.add(member);
            clicks++;
            if (i % 6 == 0) {
                assertEquals(landed, follow(link, null), "a second click lands on the same link");
                clicks++;
            }
        }
        awaitFunnel(campaign, "clicks", clicks);

        JsonPath funnel = funnel(campaign);
        assertEquals(MEMBERS, stage(funnel, "sent"));
        assertEquals(300, stage(funnel, "clicked"), "unique clicks are exactly the members who clicked");
        assertEquals(350, funnel.getLong("clicks"));
        assertEquals(0.15, funnel.getDouble("stages.find { it.name == 'clicked' }.rate"), 1e-9);
        assertEquals(clickers, membersWith(campaign, "clicked"));
    }

    @Test
    void forgedAlteredTruncatedOrResignedTokensAreNotFoundAndCountNothing() {
        List<String> ids = Api.memberIds("tf-", 20);
        long audience = Api.builtAudience(ids);
        long campaign = trackedCampaign(audience, "https://shop.example/f/{member.id}");
        String token = tokenOf(deliveredLink(campaign, "tf-3"));
        byte[] raw = Base64.getUrlDecoder().decode(token);

        List<String> bad = new ArrayList<>();
        bad.add(token.substring(0, token.length() - 1));
        bad.add(token.substring(0, token.length() / 2));
        for (int at : new int[]{0, 1, 2, raw.length / 2, raw.length - 1}) {
            byte[] altered = raw.clone();
            altered[at] ^= 0x01;
            bad.add(Base64.getUrlEncoder().withoutPadding().encodeToString(altered));
        }
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        bad.add(new LinkToken(otherKey).sign(new LinkToken.Claim(campaign, "tf-3", 0)));
        bad.add("not-a-token");
        bad.add("A".repeat(400));
        long untracked = campaign(audience, Map.of("title", "t", "link", "https://shop.example/u", "tracking", false));
        bad.add(tokenOf(links.link(untracked, "tf-3", 0)));
        bad.add(tokenOf(links.link(999_999_999L, "tf-3", 0)));

        for (String b : bad) {
            Response r = given().auth().none().redirects().follow(false).get("/c/" + b);
            assertEquals(404, r.statusCode(), b);
            assertEquals(null, r.header("Location"), b);
            assertEquals("{\"title\":\"Not Found\",\"status\":404}", r.body().asString(), "reveals nothing");
        }
        assertEquals("https://shop.example/f/tf-3?utm_source=push&utm_medium=log", follow(BASE + token, null));
        awaitFunnel(campaign, "clicks", 1);
        assertEquals(1, stage(funnel(campaign), "clicked"));
        assertEquals(0, funnel(untracked).getLong("clicks"));
    }

    @Test
    void linkPreviewFetchersAreCountedApartFromClicks() {
        List<String> ids = Api.memberIds("tp-", 10);
        long campaign = trackedCampaign(Api.builtAudience(ids), "https://shop.example/v/{member.id}");
        String link = deliveredLink(campaign, "tp-1");

        Response head = given().auth().none().redirects().follow(false).head("/c/" + tokenOf(link));
        assertEquals(302, head.statusCode());
        follow(link, "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)");
        follow(link, "facebookexternalhit/1.1");
        awaitFunnel(campaign, "previews", 3);
        assertEquals(0, funnel(campaign).getLong("clicks"));
        assertEquals(0, stage(funnel(campaign), "clicked"));

        follow(link, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)");
        awaitFunnel(campaign, "clicks", 1);
        assertEquals(1, stage(funnel(campaign), "clicked"));
    }

    @Test
    void theDeliveryRecordAndThePreviewShowTheExactLinkSent() {
        long campaign = trackedCampaign(Api.builtAudience(Api.memberIds("tv-", 5)), "https://shop.example/d/{member.id}");
        String delivered = deliveredLink(campaign, "tv-2");
        String previewed = given().contentType(ContentType.JSON).body(Map.of("memberId", "tv-2"))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(404).extract().asString();
        assertTrue(previewed.contains("member"), "tv-2 is an id only: no stored member to preview");
        JsonPath preview = given().contentType(ContentType.JSON).body(Map.of("attributes", Map.of()))
                .post("/api/campaigns/" + campaign + "/preview").then().statusCode(200).extract().jsonPath();
        assertTrue(delivered.startsWith(BASE), delivered);
        assertTrue(preview.getString("link").startsWith(BASE));
        assertEquals("https://shop.example/d/preview?utm_source=push&utm_medium=log", preview.getString("target"));
        assertEquals(delivered, deliveredLink(campaign, "tv-2"), "the same link every time: it is signed, not random");
        assertNotEquals(delivered, deliveredLink(campaign, "tv-3"));
    }

    @Test
    void aCampaignWithoutALinkCannotTrackOne() {
        long audience = Api.builtAudience(Api.memberIds("tn-", 2));
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "c", "audienceId", audience, "channel", "log",
                        "message", Map.of("title", "t", "tracking", true)))
                .post("/api/campaigns").then().statusCode(400)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("message.tracking"));
        long untracked = campaign(audience, Map.of("title", "t"));
        assertEquals(null, (Object) Api.get("campaigns", untracked).get("message.tracking"));
    }

    static long trackedCampaign(long audience, String link) {
        long id = campaign(audience, Map.of("title", "Sale", "link", link, "utm", Map.of("source", "push", "medium", "log")));
        assertEquals(true, Api.get("campaigns", id).getBoolean("message.tracking"), "tracking is on by default with a link");
        return id;
    }

    static long campaign(long audience, Map<String, Object> message) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("name", "tracked", "audienceId", audience, "channel", "log", "message", message,
                        "workers", 4, "batchSize", 100, "errorBudget", 100))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    static String deliveredLink(long campaign, String member) {
        return given().get("/api/campaigns/" + campaign + "/deliveries/" + member).then().statusCode(200)
                .extract().jsonPath().getString("link");
    }

    static String tokenOf(String link) {
        assertTrue(link.startsWith(BASE), link);
        return link.substring(BASE.length());
    }

    /** Opens a tracked link as a member's browser would (no credentials); answers where it redirects. */
    static String follow(String link, String userAgent) {
        var request = given().auth().none().redirects().follow(false);
        if (userAgent != null) {
            request = request.header("User-Agent", userAgent);
        }
        Response r = request.get("/c/" + tokenOf(link));
        assertEquals(302, r.statusCode(), link);
        assertEquals("no-store", r.header("Cache-Control"));
        return r.header("Location");
    }

    static JsonPath funnel(long campaign) {
        return given().get("/api/campaigns/" + campaign + "/funnel").then().statusCode(200).extract().jsonPath();
    }

    static long stage(JsonPath funnel, String name) {
        return funnel.getLong("stages.find { it.name == '" + name + "' }.members");
    }

    /** Clicks are written within a second of the redirect: waits until the counter shows them. */
    static void awaitFunnel(long campaign, String counter, long n) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> funnel(campaign).getLong(counter) >= n);
        assertEquals(n, funnel(campaign).getLong(counter), counter);
    }

    static Set<String> membersWith(long campaign, String event) {
        List<Map<String, Object>> items = given().queryParam("with", event).queryParam("limit", 10_000)
                .get("/api/campaigns/" + campaign + "/deliveries").then().statusCode(200).extract().jsonPath().getList("items");
        Set<String> out = new HashSet<>();
        items.forEach(i -> out.add((String) i.get("memberId")));
        return out;
    }
}
