package dev.push.console;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 15 §1 in the console, in a real headless Chromium: the member page lists the member's devices. */
@QuarkusTest
class ConsoleDevicesTest extends ConsoleTest {
    @Test
    void theMemberPageListsEachDeviceWithItsChannelAppPlatformAndState() {
        given().contentType(ContentType.JSON).body(Map.of("channel", "fcm", "token", "tok-phone", "app", "shop",
                "platform", "android", "locale", "fr-FR")).put("/api/members/console-dev-1/devices/phone").then().statusCode(201);
        given().contentType(ContentType.JSON).body(Map.of("channel", "apns", "token", "tok-tablet", "app", "shop",
                "platform", "ios")).put("/api/members/console-dev-1/devices/tablet").then().statusCode(201);

        browser.open("#/members?id=console-dev-1");
        browser.awaitVisible("article.member tr[data-device]");

        assertEquals(List.of("phone", "tablet"), browser.texts("article.member tr[data-device] td:nth-child(1)"));
        assertEquals(List.of("fcm", "apns"), browser.texts("article.member tr[data-device] td:nth-child(2)"));
        assertEquals(List.of("android", "ios"), browser.texts("article.member tr[data-device] td:nth-child(4)"));
        assertEquals(List.of("active", "active"), browser.texts("article.member tr[data-device] td:nth-child(7)"));
        assertEquals(List.of("tok-phone", "tok-tablet"), browser.texts("article.member tr[data-device] td:nth-child(8)"));
        browser.screenshot("member-devices");
    }
}
