package dev.push.console;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's day in a real headless Chromium: import members from a file, build a query
 * audience, create a campaign, start it, pause and resume it with the buttons, watch it finish,
 * and find on the page the numbers the API gives.
 */
@QuarkusTest
class ConsoleJourneyTest extends ConsoleTest {
    static final int MEMBERS = 1600;
    static final int ADULT_AGE = 18;
    static final String[] STATS = {"total", "processed", "sent", "failed", "skipped", "unknown"};

    @Test
    void importBuildLaunchPauseResumeAndWatchACampaign() throws IOException {
        String cohort = "console-" + UUID.randomUUID().toString().substring(0, 8);
        long adults = importMembers(cohort);

        long audience = buildQueryAudience(cohort, adults);
        long campaign = createCampaign(audience);

        browser.click("button[data-command=start]");
        awaitState("started");
        // A quarter in, so the chart and the counters show it moving before the pause.
        browser.await(d -> browser.number("[data-stat=processed]") >= adults / 4);
        browser.screenshot("campaign-running");

        browser.click("button[data-command=pause]");
        awaitState("paused");
        JsonPath paused = awaitPageEqualsApi(campaign);
        assertTrue(paused.getLong("progress.processed") < adults, "paused before the end");
        assertTrue(browser.find("button[data-command=resume]").isDisplayed(), "a paused campaign offers Resume");
        assertTrue(!browser.find("button[data-command=pause]").isDisplayed(), "a paused campaign does not offer Pause");
        browser.screenshot("campaign-paused");

        browser.click("button[data-command=resume]");
        awaitState("started");
        // The pace was for the pause; lifted now, the rest is sent at once (as the fault tests do after their fault).
        Api.pace("campaigns", campaign, 0);
        browser.await(Duration.ofSeconds(120), d -> "finished".equals(state()));
        JsonPath finished = awaitPageEqualsApi(campaign);
        assertEquals(adults, finished.getLong("progress.sent"), "every adult of the cohort got the message");
        assertEquals(0, finished.getLong("progress.unknown"));
        List<String> trail = browser.texts("[data-list=history] tbody tr");
        assertTrue(trail.stream().anyMatch(r -> r.contains("pause")), "the history shows the pause: " + trail);
        assertTrue(trail.stream().anyMatch(r -> r.contains("resume")), "the history shows the resume: " + trail);
        browser.awaitVisible("[data-list=deliveries] tbody tr");
        browser.screenshot("campaign-finished");

        browser.open("#/");
        browser.await(d -> !d.findElements(By.cssSelector("[data-list=recent] tr[data-task='" + campaign + "']")).isEmpty());
        assertTrue(browser.number("[data-total=sent] .card-value") >= adults, "today's total counts this campaign");
        browser.screenshot("dashboard");

        browser.open("#/campaigns");
        browser.awaitVisible("[data-list=campaigns] tr[data-task='" + campaign + "']");
        browser.screenshot("campaigns");

        browser.open("#/audiences");
        browser.awaitVisible("[data-list=audiences] tr[data-task='" + audience + "']");
        browser.screenshot("audiences");

        browser.open("#/instances");
        browser.awaitVisible("[data-instance]");
        browser.screenshot("instances");
    }

    /** Imports the cohort from a file through the Members page; answers how many of them are adults. */
    private long importMembers(String cohort) throws IOException {
        List<String> lines = new ArrayList<>();
        long adults = 0;
        for (int i = 0; i < MEMBERS; i++) {
            int age = i % 80;
            adults += age >= ADULT_AGE ? 1 : 0;
            lines.add("{\"id\":\"" + cohort + "-" + i + "\",\"attributes\":{\"cohort\":\"" + cohort + "\",\"age\":" + age
                    + "},\"addresses\":{\"email\":\"m" + i + "@example.org\"}}");
        }
        lines.add(7, "{\"id\": \"bad id with spaces\"}");
        lines.add(11, "not json at all");
        Path file = Files.createTempFile("members-", ".ndjson");
        Files.write(file, lines);

        browser.open("#/members");
        browser.find("input[type=file]").sendKeys(file.toAbsolutePath().toString());
        browser.click("form[aria-label='Import members'] button[type=submit]");
        browser.awaitVisible("[data-import-report]");
        assertEquals(MEMBERS, browser.number("[data-count=imported] .card-value"));
        assertEquals(2, browser.number("[data-count=rejected] .card-value"));
        assertEquals(List.of("8", "12"), browser.driver.findElements(By.cssSelector("tr[data-rejected-line]")).stream()
                .map(r -> r.getAttribute("data-rejected-line")).toList());
        assertTrue(browser.find(".upload-progress [role=progressbar]").getAttribute("aria-valuenow").startsWith("100"));

        browser.type("input[name=id]", cohort + "-42");
        browser.click("form[role=search] button[type=submit]");
        browser.awaitVisible("[data-member='" + cohort + "-42']");
        assertTrue(browser.text("[data-member]").contains(cohort));
        browser.screenshot("members");
        Files.delete(file);
        return adults;
    }

    private long buildQueryAudience(String cohort, long adults) {
        browser.open("#/audiences/new");
        browser.type("input[name=name]", "adults of " + cohort);
        browser.type(".query-row:nth-child(1) [data-role=attribute]", "cohort");
        browser.type(".query-row:nth-child(1) [data-role=value]", cohort);
        browser.await(d -> String.valueOf(MEMBERS).equals(browser.find(".live-count").getAttribute("data-count")));
        browser.click(".query-builder button.link");
        browser.type(".query-row:nth-child(2) [data-role=attribute]", "age");
        new Select(browser.find(".query-row:nth-child(2) [data-role=operator]")).selectByValue("$gte");
        browser.type(".query-row:nth-child(2) [data-role=value]", String.valueOf(ADULT_AGE));
        browser.await(d -> String.valueOf(adults).equals(browser.find(".live-count").getAttribute("data-count")));
        assertEquals(adults + " members match", browser.text(".live-count").replace(",", ""));
        browser.screenshot("audience-new");

        browser.click("form[aria-label='New audience'] button[type=submit]");
        long id = idFromRoute("audiences");
        browser.await(d -> "finished".equals(state()));
        awaitPageEqualsApi("audiences", id);
        assertEquals(adults, browser.number("[data-stat=sent]"));
        browser.awaitVisible("[data-list=members] tbody tr");
        browser.screenshot("audience-detail");
        return id;
    }

    private long createCampaign(long audience) {
        browser.open("#/campaigns/new?audience=" + audience);
        browser.await(d -> String.valueOf(audience).equals(new Select(browser.find("select[name=audienceId]")).getFirstSelectedOption().getAttribute("value")));
        browser.type("input[name=name]", "spring sale");
        browser.type("input[name=title]", "Spring sale");
        browser.type("textarea[name=body]", "-20% on everything today");
        browser.type("input[name=link]", "https://example.org/sale");
        browser.type("input[name=workers]", "2");
        // Rate-limited so it runs long enough to be paused and resumed from the page.
        browser.type("input[name=qps]", "100");
        browser.type("input[name=batchSize]", "20");
        assertEquals("Spring sale", browser.text("[data-preview-title]"));
        assertEquals("-20% on everything today", browser.text("[data-preview-body]"));
        browser.screenshot("campaign-new");
        browser.click("form[aria-label='New campaign'] button[type=submit]");
        long id = idFromRoute("campaigns");
        awaitState("ready");
        return id;
    }

    private long idFromRoute(String kinds) {
        String prefix = "#/" + kinds + "/";
        browser.await(d -> browser.route().matches(prefix + "\\d+"));
        return Long.parseLong(browser.route().substring(prefix.length()));
    }

    private String state() {
        return browser.find(".badge-box .badge").getAttribute("data-state");
    }

    private void awaitState(String state) {
        browser.await(d -> state.equals(state()));
    }

    private JsonPath awaitPageEqualsApi(long campaign) {
        return awaitPageEqualsApi("campaigns", campaign);
    }

    /** Waits until every counter on the page equals the API's answer, read while the page shows it. */
    private JsonPath awaitPageEqualsApi(String kinds, long id) {
        JsonPath[] last = new JsonPath[1];
        browser.await(d -> {
            JsonPath api = given().get("/api/" + kinds + "/" + id).then().statusCode(200).extract().jsonPath();
            last[0] = api;
            if (!api.getString("state").equals(state())) {
                return false;
            }
            for (String stat : STATS) {
                if (browser.number("[data-stat=" + stat + "]") != api.getLong("progress." + stat)) {
                    return false;
                }
            }
            return true;
        });
        return last[0];
    }
}
