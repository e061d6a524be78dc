package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, time, in a real headless Chromium: the campaign form's delivery time, and a waiting campaign's page. */
@QuarkusTest
class ConsoleTimingTest extends ConsoleTest {
    /** Sets a date or time input as its picker would (typed keys depend on the browser's locale). */
    private void setValue(String css, String value) {
        ((JavascriptExecutor) browser.driver).executeScript("arguments[0].value = arguments[1]", browser.find(css), value);
    }

    private void openCampaignForm(long audience) {
        browser.open("#/campaigns/new?audience=" + audience);
        browser.await(d -> String.valueOf(audience).equals(new Select(browser.find("select[name=audienceId]")).getFirstSelectedOption().getAttribute("value")));
    }

    @Test
    void theCampaignFormSchedulesALocalTimeInAZoneWithQuietHours() {
        long audience = Api.builtAudience(List.of("console-tz-1"));
        openCampaignForm(audience);
        String date = LocalDate.now(ZoneOffset.UTC).plusDays(5).toString();
        browser.type("input[name=name]", "morning sale");
        browser.type("input[name=title]", "Good morning");
        setValue("input[name=localDate]", date);
        setValue("input[name=localTime]", "10:00");
        browser.type("input[name=timezone]", "Europe/Paris");
        new Select(browser.find("select[name=passed]")).selectByValue("skip");
        new Select(browser.find("select[name=quiet]")).selectByValue("on");
        setValue("input[name=quietStart]", "21:00");
        setValue("input[name=quietEnd]", "08:00");
        browser.click("form[aria-label='New campaign'] button[type=submit]");

        browser.await(d -> browser.route().matches("#/campaigns/\\d+"));
        long id = Long.parseLong(browser.route().substring("#/campaigns/".length()));
        JsonPath c = Api.get("campaigns", id);
        assertEquals(Map.of("zone", "Europe/Paris", "date", date, "time", "10:00", "passed", "skip",
                "quiet", Map.of("start", "21:00", "end", "08:00")), c.getMap("timing"));
    }

    @Test
    void anUnknownZoneIsShownAtItsField() {
        long audience = Api.builtAudience(List.of("console-tz-2"));
        openCampaignForm(audience);
        browser.type("input[name=name]", "bad zone");
        browser.type("input[name=title]", "t");
        browser.type("input[name=timezone]", "Mars/Olympus");
        browser.click("form[aria-label='New campaign'] button[type=submit]");

        browser.awaitVisible("[data-field-box='timing.timezone'] .field-error");
        assertEquals("must be an IANA time zone such as Europe/Paris", browser.text("[data-field-box='timing.timezone'] .field-error"));
        assertTrue(browser.route().startsWith("#/campaigns/new"), "a refused campaign stays on its form: " + browser.route());
    }

    @Test
    void aCampaignWaitingForItsNextWaveShowsItsHeldMembersAndWhenTheyAreReleased() {
        long audience = Api.builtAudience(List.of("console-tz-3", "console-tz-4"));
        LocalTime now = LocalTime.ofInstant(Instant.now(), ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        String end = now.plusHours(2).toString();
        long id = given().contentType(ContentType.JSON).body(Map.of("name", "quiet", "audienceId", audience, "channel", "log",
                        "message", Map.of("title", "Hello"), "timing", Map.of("timezone", "UTC",
                                "quietHours", Map.of("start", now.minusHours(1).toString(), "end", end))))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.command("campaigns", id, "start", 200);
        Api.awaitState("campaigns", id, "paused", Duration.ofSeconds(60));

        browser.open("#/campaigns/" + id);
        browser.awaitVisible("[data-next-release]");
        assertEquals(2, browser.number("[data-stat=held]"));
        String line = browser.text("[data-next-release]");
        assertTrue(line.startsWith("Next release ") && line.endsWith("waiting for " + end + " UTC (2 members)"), line);
        browser.awaitVisible("[data-list=deliveries] tbody tr");
        assertEquals(List.of("held", "held"), browser.driver.findElements(org.openqa.selenium.By.cssSelector(
                "[data-list=deliveries] tbody .outcome")).stream().map(e -> e.getText()).toList());
        assertEquals(2, browser.driver.findElements(org.openqa.selenium.By.cssSelector("[data-list=deliveries] [data-release]")).size(),
                "each with its release time");
        browser.screenshot("campaign-waiting");
    }
}
