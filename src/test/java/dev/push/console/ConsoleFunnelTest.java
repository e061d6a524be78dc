package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 13: a campaign's page in a real headless Chromium shows its funnel and click-through live: members clicking
 * their tracked links while the page is open move the clicked bar and the hourly chart without a reload; an A/B
 * campaign's page shows each variant's funnel and marks the winner.
 */
@QuarkusTest
class ConsoleFunnelTest extends ConsoleTest {

    @Test
    void theFunnelAndTheClickThroughFollowTheClicksLive() {
        String prefix = "cf-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> ids = Api.memberIds(prefix, 40);
        long campaign = given().contentType(ContentType.JSON)
                .body(Map.of("name", "funnel", "audienceId", Api.builtAudience(ids), "channel", "log",
                        "message", Map.of("title", "Sale", "link", "https://shop.example/{member.id}"), "workers", 2))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));

        browser.open("#/campaigns/" + campaign);
        browser.await(d -> "40".equals(browser.text("[data-funnel-count=sent]")));
        assertEquals("0", browser.text("[data-funnel-count=clicked]"));

        for (int i = 0; i < 10; i++) {
            String link = given().get("/api/campaigns/" + campaign + "/deliveries/" + ids.get(i)).then().statusCode(200)
                    .extract().path("link");
            given().auth().none().redirects().follow(false).get(link.substring(link.indexOf("/c/"))).then().statusCode(302);
        }
        browser.await(d -> "10".equals(browser.text("[data-funnel-count=clicked]")));
        assertEquals("25%", browser.text("[data-funnel-rate=clicked]"));
        assertEquals("25%", browser.text("[data-click-through]"));
        assertEquals("25", browser.find("[data-funnel-stage=clicked] [role=progressbar]").getAttribute("aria-valuenow"));
        int clickedInChart = browser.driver.findElements(By.cssSelector("svg.hourly rect.bar-clicked")).stream()
                .mapToInt(r -> Integer.parseInt(r.getAttribute("data-clicked"))).sum();
        assertEquals(10, clickedInChart, "the hourly chart holds the 10 members who clicked");
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript(
                "arguments[0].scrollIntoView()", browser.find("[data-funnel]"));
        browser.screenshot("campaign-funnel");
    }

    @jakarta.inject.Inject
    dev.push.campaign.WinnerDecisions decisions;

    @jakarta.inject.Inject
    java.time.Clock clock;

    @Test
    void anAbCampaignsPageShowsEachVariantsFunnelAndTheWinner() {
        String prefix = "cab-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> ids = Api.memberIds(prefix, 60);
        long campaign = Api.abCampaign(Api.builtAudience(ids), "log", 25, Map.of("holdout", 50, "wait", "PT1H", "fallback", "A"));
        Api.command("campaigns", campaign, "start", 200);
        Api.awaitState("campaigns", campaign, "paused", Duration.ofSeconds(60));
        dev.push.variant.VariantAssignment variants = new dev.push.variant.VariantAssignment(campaign, List.of(25, 25), 0);
        List<String> inA = ids.stream().filter(id -> variants.tested(id) == 1).toList();
        List<String> inB = ids.stream().filter(id -> variants.tested(id) == 2).toList();

        browser.open("#/campaigns/" + campaign);
        browser.await(d -> String.valueOf(inB.size()).equals(browser.text("[data-variant=B] [data-variant-count=sent]")));
        assertEquals(String.valueOf(inA.size()), browser.text("[data-variant=A] [data-variant-count=sent]"));
        // Every member of B clicks, nobody of A.
        for (String id : inB) {
            String link = given().get("/api/campaigns/" + campaign + "/deliveries/" + id).then().statusCode(200)
                    .extract().path("link");
            given().auth().none().redirects().follow(false).get(link.substring(link.indexOf("/c/"))).then().statusCode(302);
        }
        browser.await(d -> String.valueOf(inB.size()).equals(browser.text("[data-variant=B] [data-variant-count=clicked]")));
        assertEquals("100%", browser.text("[data-variant=B] [data-variant-rate=clicked]"));
        assertEquals("0", browser.text("[data-variant=A] [data-variant-count=clicked]"));

        decisions.decideDue(clock.millis() + Duration.ofHours(2).toMillis());
        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));
        browser.await(d -> !browser.driver.findElements(By.cssSelector("[data-variant=B] [data-winner]")).isEmpty());
        assertEquals(0, browser.driver.findElements(By.cssSelector("[data-variant=A] [data-winner]")).size());
        // B was sent to its test split and to the holdout (the page reads the funnel every 2 s).
        browser.await(d -> String.valueOf(ids.size() - inA.size()).equals(browser.text("[data-variant=B] [data-variant-count=sent]")));
        ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript(
                "arguments[0].scrollIntoView()", browser.find("[data-variants]"));
        browser.screenshot("campaign-variants");
    }

    @Test
    void theOperatorPicksTheWinnerOnTheCampaignPageWhenTheTestFindsNone() {
        String prefix = "cpk-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> ids = Api.memberIds(prefix, 40);
        long campaign = Api.abCampaign(Api.builtAudience(ids), "log", 30, Map.of("holdout", 40, "wait", "PT0S", "fallback", "stop"));
        browser.open("#/campaigns/" + campaign);
        browser.await(d -> browser.text("[data-ab-variant=B]").contains("Variant B"));
        Api.command("campaigns", campaign, "start", 200);

        // Nobody clicks: the decision finds nothing to test and asks; the page offers the pick.
        browser.await(d -> "Phase: no significant winner: pick one".equals(browser.text("[data-ab-phase]")));
        browser.awaitVisible("form[aria-label='Pick the winner']");
        new org.openqa.selenium.support.ui.Select(browser.find("form[aria-label='Pick the winner'] select")).selectByValue("B");
        browser.screenshot("campaign-ab-pick");
        browser.click("form[aria-label='Pick the winner'] button[type=submit]");

        Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));
        browser.await(d -> browser.text("[data-ab-phase]").endsWith("winner B"));
        assertEquals(ids.size(), log.deliveredMembers(campaign).size());
        assertEquals(java.util.Set.copyOf(ids), java.util.Set.copyOf(log.deliveredMembers(campaign)), "every member once");
        assertEquals("B", Api.get("campaigns", campaign).getString("winner.decision.winner"));
    }

    @jakarta.inject.Inject
    dev.push.channel.LogChannel log;
}
