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
 * their tracked links while the page is open move the clicked bar and the hourly chart without a reload.
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
}
