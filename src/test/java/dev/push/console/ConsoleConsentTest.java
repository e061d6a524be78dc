package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14 in the console, in a real headless Chromium: a member's preferences, a campaign's category and expiry. */
@QuarkusTest
class ConsoleConsentTest extends ConsoleTest {
    @Test
    void thePreferencesFormOptsAMemberOutOfTheCategoriesTicked() {
        given().contentType("application/x-ndjson").body("{\"id\": \"console-prefs-1\"}".getBytes(StandardCharsets.UTF_8)).post("/api/members/import")
                .then().statusCode(200);
        browser.open("#/members?id=console-prefs-1");
        browser.awaitVisible("form[aria-label='Member preferences']");

        browser.click("form[aria-label='Member preferences'] input[name=news]");
        browser.click("form[aria-label='Member preferences'] input[name=account]");
        browser.click("form[aria-label='Member preferences'] button[type=submit]");

        browser.await(d -> browser.text("form[aria-label='Member preferences'] [role=status]").startsWith("Saved"));
        assertEquals("Saved: opted out of news, account.", browser.text("form[aria-label='Member preferences'] [role=status]"));
        JsonPath prefs = given().get("/api/members/console-prefs-1/preferences").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("news", "account"), prefs.getList("optedOutOf"));
        assertEquals(false, prefs.getBoolean("optedOutOfAll"));
        browser.screenshot("member-preferences");
    }

    private void openCampaignForm(long audience) {
        browser.open("#/campaigns/new?audience=" + audience);
        browser.await(d -> String.valueOf(audience).equals(new Select(browser.find("select[name=audienceId]")).getFirstSelectedOption().getAttribute("value")));
    }

    @Test
    void theCampaignFormSetsTheCategoryExpiryAndProviderHints() {
        long audience = Api.builtAudience(List.of("console-exp-1"));
        openCampaignForm(audience);
        browser.type("input[name=name]", "news with expiry");
        browser.type("input[name=title]", "Today's news");
        new Select(browser.find("select[name=category]")).selectByValue("news");
        browser.type("input[name=ttl]", "PT2H");
        browser.type("input[name=collapseKey]", "daily-news");
        new Select(browser.find("select[name=priority]")).selectByValue("normal");
        browser.click("form[aria-label='New campaign'] button[type=submit]");

        browser.await(d -> browser.route().matches("#/campaigns/\\d+"));
        long id = Long.parseLong(browser.route().substring("#/campaigns/".length()));
        JsonPath c = Api.get("campaigns", id);
        assertEquals("news", c.getString("category"));
        assertEquals("PT2H", c.getString("ttl"));
        assertEquals(Map.of("collapseKey", "daily-news", "priority", "normal"), c.getMap("hints"));
    }

    @Test
    void aTtlThatIsNoDurationIsShownAtItsField() {
        long audience = Api.builtAudience(List.of("console-exp-2"));
        openCampaignForm(audience);
        browser.type("input[name=name]", "bad ttl");
        browser.type("input[name=title]", "t");
        browser.type("input[name=ttl]", "two hours");
        browser.click("form[aria-label='New campaign'] button[type=submit]");

        browser.awaitVisible("[data-field-box=ttl] .field-error");
        assertEquals("must be an ISO-8601 duration such as PT6H", browser.text("[data-field-box=ttl] .field-error"));
        assertTrue(browser.route().startsWith("#/campaigns/new"), "a refused campaign stays on its form: " + browser.route());
    }
}
