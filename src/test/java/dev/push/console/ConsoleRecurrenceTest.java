package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A campaign's recurrence on its page (issue 17): set up, next five occurrences, skip the next, pause, resume. */
@QuarkusTest
class ConsoleRecurrenceTest extends ConsoleTest {
    @Test
    void anOperatorMakesACampaignRecurSkipsTheNextOccurrenceAndPausesTheSeries() {
        long audience = Api.idsAudience(List.of("console-rec-1"));
        long campaign = Api.campaign(audience, "log", 1, 0, 10, 10);
        browser.open("#/campaigns/" + campaign);
        browser.awaitVisible("[data-recurrence] input[name=cron]");
        browser.type("[data-recurrence] input[name=zone]", "Nowhere/Atlantis");
        browser.type("[data-recurrence] input[name=cron]", "0 9 * * *");
        browser.click("[data-recurrence] button[type=submit]");
        browser.awaitVisible("[data-recurrence] [data-field-box=zone] .field-error");
        assertEquals("is not a time zone name (such as Europe/Paris or UTC)",
                browser.text("[data-recurrence] [data-field-box=zone] .field-error"));

        browser.type("[data-recurrence] input[name=zone]", "Europe/Paris");
        browser.click("[data-recurrence] button[type=submit]");
        browser.awaitVisible("[data-recurrence] [data-next] li");
        assertEquals(5, browser.driver.findElements(By.cssSelector("[data-recurrence] [data-next] li")).size());
        JsonPath api = given().get("/api/campaigns/" + campaign + "/recurrence").then().statusCode(200).extract().jsonPath();
        assertEquals("Europe/Paris", api.getString("zone"));

        browser.click("[data-recurrence] [data-action=skip-next]");
        browser.await(d -> browser.text("[data-recurrence] [data-next] li").endsWith("(skipped)"));
        assertEquals(api.getString("next[0]"), given().get("/api/campaigns/" + campaign + "/recurrence").then().extract()
                .jsonPath().getString("skip"));
        browser.screenshot("campaign-recurrence");

        browser.click("[data-recurrence] [data-action=pause]");
        browser.awaitVisible("[data-recurrence] [data-action=resume]");
        assertTrue(browser.text("[data-recurrence]").contains("No next occurrence while paused."));
        assertTrue(given().get("/api/campaigns/" + campaign + "/recurrence").then().extract().jsonPath().getBoolean("paused"));
        browser.click("[data-recurrence] [data-action=resume]");
        browser.awaitVisible("[data-recurrence] [data-next] li");
        assertEquals(5, browser.driver.findElements(By.cssSelector("[data-recurrence] [data-next] li")).size());
    }
}
