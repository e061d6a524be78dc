package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14's frequency caps in the console, in a real headless Chromium: the campaign form reads out the cap and marks a campaign critical. */
@QuarkusTest
class ConsoleCapsTest extends ConsoleTest {
    @AfterEach
    void removePolicy() {
        given().queryParam("category", "news").delete("/api/frequency-caps");
    }

    @Test
    void theCampaignFormReadsOutTheCategorysCapAndCreatesACriticalCampaign() {
        given().contentType(ContentType.JSON).body(Map.of("category", "news",
                        "limits", List.of(Map.of("max", 2, "window", "PT24H"), Map.of("max", 5, "window", "P7D"))))
                .put("/api/frequency-caps").then().statusCode(200);
        long audience = Api.builtAudience(List.of("console-cap-1"));
        browser.open("#/campaigns/new?audience=" + audience);
        browser.await(d -> String.valueOf(audience).equals(new Select(browser.find("select[name=audienceId]")).getFirstSelectedOption().getAttribute("value")));
        browser.await(d -> browser.text("[data-caps]").equals("No frequency cap for promotions."));

        new Select(browser.find("select[name=category]")).selectByValue("news");
        browser.await(d -> browser.text("[data-caps]").startsWith("Frequency cap for news"));
        assertEquals("Frequency cap for news over all channels: at most 2 per PT24H, at most 5 per PT168H. Members at the cap are skipped.",
                browser.text("[data-caps]"));
        browser.type("input[name=name]", "critical news");
        browser.type("input[name=title]", "Service notice");
        browser.click("input[name=critical]");
        browser.click("form[aria-label='New campaign'] button[type=submit]");

        browser.await(d -> browser.route().matches("#/campaigns/\\d+"));
        long id = Long.parseLong(browser.route().substring("#/campaigns/".length()));
        assertEquals(true, Api.get("campaigns", id).getBoolean("critical"));
        assertEquals("news", Api.get("campaigns", id).getString("category"));
        browser.await(d -> browser.text("main").contains("critical (bypasses frequency caps)"));
        assertTrue(browser.text("main").contains("category news"));
    }
}
