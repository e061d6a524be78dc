package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Saved templates in the console (issue 17): saved with locale variants, then named by a new campaign. */
@QuarkusTest
class ConsoleTemplatesTest extends ConsoleTest {
    @Test
    void anOperatorSavesATemplateWithLocalesAndACampaignNamesIt() {
        String name = "console-" + UUID.randomUUID().toString().substring(0, 8);
        browser.open("#/templates/new");
        browser.type("input[name=name]", name);
        browser.type("form input[name=title]", "Hello {member.attributes.firstName ?: 'there'}");
        browser.click("[data-action=add-locale]");
        browser.click("[data-action=add-locale]");
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("fieldset.locale"));
        rows.get(0).findElement(By.cssSelector("input[name=locale]")).sendKeys("fr");
        rows.get(0).findElement(By.cssSelector("input[name=title]")).sendKeys("Bonjour");
        rows.get(1).findElement(By.cssSelector("input[name=locale]")).sendKeys("x");
        rows.get(1).findElement(By.cssSelector("input[name=title]")).sendKeys("Allô");
        browser.click("form button[type=submit]");

        browser.awaitVisible("[data-field-box='locales.x'] .field-error");
        assertEquals("is not a locale tag: a language, then optional parts, as in fr or fr-CA",
                browser.text("[data-field-box='locales.x'] .field-error"), "the server's message at the locale it names");
        assertEquals("#/templates/new", browser.route());

        WebElement tag = browser.driver.findElements(By.cssSelector("fieldset.locale")).get(1).findElement(By.cssSelector("input[name=locale]"));
        tag.clear();
        tag.sendKeys("fr-CA");
        browser.click("form button[type=submit]");
        browser.await(d -> browser.route().equals("#/templates/" + name));
        JsonPath saved = given().get("/api/templates/" + name).then().statusCode(200).extract().jsonPath();
        assertEquals(Set.of("fr", "fr-ca"), saved.getMap("locales").keySet());
        assertEquals("Allô", saved.getString("locales.fr-ca.title"));
        browser.screenshot("template-edit");

        browser.open("#/templates");
        browser.awaitVisible("[data-template='" + name + "']");
        assertEquals("fr, fr-ca", browser.text("[data-template='" + name + "'] [data-locales]"));

        long audience = Api.idsAudience(List.of("console-tpl-1"));
        browser.open("#/campaigns/new");
        browser.type("input[name=name]", "from " + name);
        browser.await(d -> !d.findElements(By.cssSelector("select[name=audienceId] option[value='" + audience + "']")).isEmpty());
        new Select(browser.find("select[name=audienceId]")).selectByValue(String.valueOf(audience));
        browser.await(d -> !d.findElements(By.cssSelector("select[name=template] option[value='" + name + "']")).isEmpty());
        new Select(browser.find("select[name=template]")).selectByValue(name);
        assertFalse(browser.find("[data-message]").isDisplayed(), "a template stands for the inline message");
        browser.click("form[aria-label='New campaign'] button[type=submit]");
        browser.await(d -> browser.route().matches("#/campaigns/\\d+"));
        long id = Long.parseLong(browser.route().replaceAll("\\D", ""));
        assertEquals(Map.of("name", name, "version", 1), Api.get("campaigns", id).getMap("message.template"));
    }
}
