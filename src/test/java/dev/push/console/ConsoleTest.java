package dev.push.console;

import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.net.URL;

/** A headless Chromium on the console of the test application, fresh for each test. */
abstract class ConsoleTest {
    @TestHTTPResource("/")
    URL base;

    Browser browser;

    @BeforeEach
    void openBrowser() {
        browser = new Browser(base.toString());
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }
}
