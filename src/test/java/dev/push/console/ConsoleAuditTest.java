package dev.push.console;

import dev.push.Api;
import dev.push.security.HttpGuard;
import dev.push.security.Sessions;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail and signing out, in a real headless Chromium: the admin pauses a campaign with its
 * button (after changing its rate through the API), follows the task's link to its audit entries and reads who paused it and the state before and
 * after; signs out, and the cookies the browser held no longer open the API; an operator sees no audit
 * link and a clear refusal on the audit page.
 */
@QuarkusTest
class ConsoleAuditTest extends ConsoleTest {
    @Test
    void adminReadsWhoPausedTheCampaignThenSignsOutAndTheOldCookiesAreRefused() {
        // 2,000 members at 20 a second: the campaign runs long enough to be paused from its page.
        long campaign = Api.campaign(Api.builtAudience(Api.memberIds("audit-ui-" + System.nanoTime() + "-", 2_000)), "log", 2, 20, 10, 10);
        Api.command("campaigns", campaign, "start", 200);
        Api.pace("campaigns", campaign, 25);

        browser.open("#/campaigns/" + campaign);
        browser.awaitVisible("button[data-command=pause]");
        assertEquals("admin", browser.find("#user [data-user]").getText());
        assertEquals("admin", browser.find("#user [data-role]").getAttribute("data-role"));
        assertTrue(browser.find("[data-nav=audit]").isDisplayed(), "admins see the audit trail in the navigation");
        browser.click("button[data-command=pause]");
        browser.await(d -> "paused".equals(browser.find(".badge-box .badge").getAttribute("data-state")));

        browser.awaitVisible("[data-audit-link]");
        browser.click("[data-audit-link]");
        browser.await(d -> !d.findElements(By.cssSelector("table[data-list=audit] tbody tr")).isEmpty());
        assertEquals("#/audit?target=campaigns%2F" + campaign, browser.route());
        assertEquals("campaigns/" + campaign, browser.find("input[name=target]").getAttribute("value"));
        List<WebElement> rows = browser.driver.findElements(By.cssSelector("table[data-list=audit] tbody tr"));
        assertEquals(List.of("POST /api/campaigns/" + campaign + "/pause", "PATCH /api/campaigns/" + campaign,
                        "POST /api/campaigns/" + campaign + "/start"),
                rows.stream().map(r -> r.findElements(By.tagName("td")).get(2).getText()).toList(), "newest first");
        WebElement pause = rows.get(0);
        assertEquals("admin", pause.findElement(By.cssSelector("[data-actor]")).getText());
        assertEquals("campaigns/" + campaign, pause.findElements(By.tagName("td")).get(3).getText());
        // Only what changed: the state, from started to paused.
        assertEquals("state: started → paused", pause.findElement(By.cssSelector("td.change")).getText());
        assertEquals(List.of("state"), pause.findElements(By.cssSelector("td.change li")).stream()
                .map(li -> li.getAttribute("data-key")).toList());
        assertEquals("qps: 20 → 25", rows.get(1).findElement(By.cssSelector("td.change")).getText());
        assertEquals("state: ready → started", rows.get(2).findElement(By.cssSelector("td.change")).getText());
        browser.screenshot("audit-trail");

        // The filters are the API's: a user who changed nothing has no entries.
        browser.type("input[name=actor]", "nobody-" + UUID.randomUUID().toString().substring(0, 6));
        browser.click("form.filters button[type=submit]");
        browser.await(d -> browser.text("main .empty").contains("No audit entry matches."));
        browser.type("input[name=actor]", "admin");
        browser.click("form.filters button[type=submit]");
        browser.await(d -> d.findElements(By.cssSelector("table[data-list=audit] tbody tr")).size() == 3);

        // Signing out: back to the login page, and the cookies the browser held open nothing any more.
        Map<String, String> cookies = browser.driver.manage().getCookies().stream()
                .filter(c -> c.getName().equals(HttpGuard.SESSION_COOKIE) || c.getName().equals(Sessions.COOKIE))
                .collect(Collectors.toMap(Cookie::getName, Cookie::getValue));
        assertEquals(2, cookies.size(), "the session's two cookies: " + cookies.keySet());
        given().auth().none().cookies(cookies).get("/api/me").then().statusCode(200);
        browser.click("#user button.signout");
        browser.await(d -> d.getCurrentUrl().endsWith("/login.html"));
        browser.awaitVisible("form#login");
        assertTrue(browser.driver.manage().getCookies().stream().noneMatch(c -> cookies.containsKey(c.getName())),
                "the browser dropped the session cookies");
        browser.screenshot("signed-out");
        given().auth().none().cookies(cookies).get("/api/me").then().statusCode(401);
        given().auth().none().cookies(cookies).get("/api/campaigns/" + campaign).then().statusCode(401);
        Api.command("campaigns", campaign, "stop", 200);
    }

    @Test
    void anOperatorHasNoAuditLinkAndIsToldTheTrailIsForAdmins() {
        String operator = "op-ui-" + UUID.randomUUID().toString().substring(0, 6);
        given().contentType(ContentType.JSON).body(Map.of("name", operator, "password", "operator-pass", "roles", List.of("operator")))
                .post("/api/users").then().statusCode(201);
        long audience = Api.idsAudience(List.of("audit-op-1"));
        browser.click("#user button.signout");
        browser.await(d -> d.getCurrentUrl().endsWith("/login.html"));
        browser.login(operator, "operator-pass");

        browser.open("#/audiences/" + audience);
        browser.awaitVisible("button[data-command=start]");
        assertEquals(operator, browser.find("#user [data-user]").getText());
        assertEquals("operator", browser.find("#user [data-role]").getAttribute("data-role"));
        assertFalse(browser.find("[data-nav=audit]").isDisplayed(), "no audit trail in an operator's navigation");
        assertFalse(browser.find("[data-audit-link]").isDisplayed(), "no audit link on an operator's task page");

        browser.open("#/audit");
        browser.awaitVisible("[data-denied=true]");
        assertFalse(browser.find("form.filters").isDisplayed(), "no filters to fill in");
        assertEquals("The audit trail is for admins only: your user does not have the admin role.", browser.text("[data-denied=true]"));
        browser.screenshot("audit-denied");
    }
}
