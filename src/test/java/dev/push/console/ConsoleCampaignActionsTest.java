package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A finished campaign's page in a real headless Chromium: the shard grid, a test send, and a
 * retry of the failed members, over a webhook channel whose endpoint refuses every connection.
 */
@QuarkusTest
class ConsoleCampaignActionsTest extends ConsoleTest {
    static final int MEMBERS = 40;

    @Test
    void finishedCampaignShowsItsUnitsSendsATestAndRetriesTheFailedMembers() throws IOException {
        String prefix = "ca-" + UUID.randomUUID().toString().substring(0, 8);
        String channel = prefix + "-down";
        given().contentType(ContentType.JSON)
                .body(Map.of("name", channel, "type", "webhook",
                        "settings", Map.of("endpoint", "http://127.0.0.1:" + closedPort() + "/hook", "attempts", 1)))
                .post("/api/channels").then().statusCode(201);
        List<String> ids = Api.memberIds(prefix + "-", MEMBERS);
        String lines = ids.stream().map(id -> "{\"id\":\"" + id + "\",\"attributes\":{\"firstName\":\"F-" + id + "\"}}")
                .collect(Collectors.joining("\n"));
        given().contentType("application/x-ndjson").body(lines.getBytes(StandardCharsets.UTF_8))
                .post("/api/members/import").then().statusCode(200);

        browser.open("#/campaigns/new");
        browser.await(d -> "select".equals(browser.find("[data-field=channel]").getTagName()));
        List<String> offered = new Select(browser.find("select[name=channel]")).getOptions().stream()
                .map(o -> o.getAttribute("value")).toList();
        assertEquals("log", offered.get(0), "log comes first and is chosen: " + offered);
        assertTrue(offered.contains(channel), "the configured channel is offered: " + offered);

        long audience = Api.builtAudience(ids);
        long campaign = given().contentType(ContentType.JSON)
                .body(Map.of("name", "hook down", "audienceId", audience, "channel", channel,
                        "message", Map.of("title", "Hi {member.attributes.firstName}", "body", "Sale"),
                        "workers", 4, "batchSize", 10, "errorBudget", 100_000))
                .post("/api/campaigns").then().statusCode(201).extract().jsonPath().getLong("id");
        Api.command("campaigns", campaign, "start", 200);
        JsonPath finished = Api.awaitState("campaigns", campaign, "finished", Duration.ofSeconds(60));
        assertEquals(MEMBERS, finished.getLong("progress.failed"));

        browser.open("#/campaigns/" + campaign);
        int units = given().get("/api/tasks/" + campaign + "/units").then().statusCode(200).extract().jsonPath().getList("$").size();
        assertTrue(units > 1, "a campaign over a small audience has a unit per worker: " + units);
        browser.await(d -> browser.driver.findElements(By.cssSelector("[data-units] [data-unit]")).size() == units);
        assertEquals(units, browser.driver.findElements(By.cssSelector("[data-units] [data-unit-state=done]")).size(), "every unit is done");
        assertEquals(String.valueOf(units), browser.text("[data-unit-count=done]"));
        assertTrue(browser.find("[data-units] [data-unit='0']").getAttribute("title").startsWith("Unit 0: done"));
        browser.screenshot("campaign-units");

        browser.type("form[aria-label='Preview for member'] input[name=memberId]", ids.get(3));
        browser.click("form[aria-label='Preview for member'] button[type=submit]");
        browser.await(d -> ("Hi F-" + ids.get(3)).equals(browser.text("[data-preview-title]")));

        browser.type("form[aria-label='Test send'] textarea[name=memberIds]", "bad!id");
        browser.click("form[aria-label='Test send'] button[type=submit]");
        browser.awaitVisible("[data-field-box=memberIds] .field-error");
        assertTrue(browser.text("[data-field-box=memberIds] .field-error").contains("bad!id"),
                "the server's message is at the field: " + browser.text("[data-field-box=memberIds] .field-error"));

        browser.type("form[aria-label='Test send'] textarea[name=memberIds]", ids.get(0));
        browser.click("form[aria-label='Test send'] button[type=submit]");
        browser.awaitVisible("[data-list=test-outcomes] tr[data-test-outcome='" + ids.get(0) + "']");
        String outcome = browser.text("tr[data-test-outcome='" + ids.get(0) + "']");
        assertTrue(outcome.contains("failed") && outcome.contains("retryable"), "the refused connection is shown: " + outcome);

        WebElement retryUnknown = browser.find("button[data-retry=unknown]");
        assertFalse(retryUnknown.isEnabled(), "nothing unknown to retry");
        browser.await(d -> browser.find("button[data-retry=failed]").isEnabled());
        assertEquals("Retry failed (" + MEMBERS + ")", browser.text("button[data-retry=failed]"));
        browser.click("button[data-retry=failed]");
        browser.await(d -> browser.text("[data-retry-answer]").startsWith("Retried"));
        assertEquals("Retried " + MEMBERS + " failed members: 0 sent, " + MEMBERS + " failed, 0 skipped.", browser.text("[data-retry-answer]"));
        browser.await(d -> browser.driver.findElements(By.cssSelector("[data-list=history] tbody tr")).stream()
                .anyMatch(r -> r.getText().contains("retry failed: " + MEMBERS + " members")));
        assertEquals(MEMBERS, browser.number("[data-stat=failed]"));
        browser.screenshot("campaign-actions");
        ((JavascriptExecutor) browser.driver).executeScript(
                "document.querySelector('#test-h').scrollIntoView()");
        browser.screenshot("campaign-test-and-retry");
    }

    /** A local port nothing listens on, so every delivery's connection is refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
