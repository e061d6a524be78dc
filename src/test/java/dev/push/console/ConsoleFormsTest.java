package dev.push.console;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's forms in a real headless Chromium: the server's messages at the fields, and file uploads. */
@QuarkusTest
class ConsoleFormsTest extends ConsoleTest {
    @Test
    void campaignFormShowsTheServersMessagesAtTheFields() {
        browser.open("#/campaigns/new");
        browser.type("input[name=workers]", "0");
        browser.type("input[name=title]", "Hello");
        browser.click("form[aria-label='New campaign'] button[type=submit]");

        browser.awaitVisible("[data-field-box=name] .field-error");
        assertEquals("must not be blank", browser.text("[data-field-box=name] .field-error"));
        assertEquals("must be greater than or equal to 1", browser.text("[data-field-box=workers] .field-error"));
        assertEquals("must not be null", browser.text("[data-field-box=audienceId] .field-error"));
        assertEquals("true", browser.find("input[name=workers]").getAttribute("aria-invalid"));
        assertEquals("#/campaigns/new", browser.route(), "a refused campaign stays on its form");
        browser.screenshot("campaign-new-errors");
    }

    @Test
    void queryBuilderShowsTheServersMessageAboutTheFilter() {
        browser.open("#/audiences/new");
        browser.type(".query-row [data-role=attribute]", "no spaces allowed");
        browser.type(".query-row [data-role=value]", "1");
        browser.await(d -> "error".equals(browser.find(".live-count").getAttribute("data-state")));
        assertTrue(browser.text(".query-builder .field-error").contains("source.filter"),
                "the API's field path is shown: " + browser.text(".query-builder .field-error"));
    }

    @Test
    void uploadAudienceShowsTheRejectedLinesAndBuilds() throws IOException {
        String prefix = "upload-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            lines.add(prefix + i);
        }
        lines.add(100, "not a valid id!");
        Path file = Files.createTempFile("ids-", ".txt");
        Files.write(file, lines);

        browser.open("#/audiences/new?kind=upload");
        browser.type("input[name=name]", "uploaded " + prefix);
        browser.find("input[type=file][name=file]").sendKeys(file.toAbsolutePath().toString());
        browser.click("form[aria-label='New audience'] button[type=submit]");

        browser.awaitVisible(".source table tbody tr");
        assertEquals("101", browser.find(".source table tbody tr td").getText(), "the rejected line's number");
        assertTrue(browser.text(".upload-progress [role=status]").contains("500 ids accepted, 1 rejected"));
        browser.screenshot("audience-upload");

        browser.click(".source a.button");
        browser.await(d -> browser.route().matches("#/audiences/\\d+"));
        long id = Long.parseLong(browser.route().replaceAll("\\D", ""));
        browser.await(d -> "finished".equals(browser.find(".badge-box .badge").getAttribute("data-state")));
        browser.await(d -> {
            JsonPath api = given().get("/api/audiences/" + id).then().statusCode(200).extract().jsonPath();
            return api.getLong("progress.sent") == 500 && browser.number("[data-stat=sent]") == 500;
        });
        assertEquals(50, browser.driver.findElements(By.cssSelector("[data-list=members] tbody tr")).size(), "the first page of members");
        Files.delete(file);
    }
}
