package dev.push.console;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A headless Chromium for the console tests: Debian's chromium driven through its own
 * chromedriver where both are installed (both paths are given, so nothing is downloaded);
 * elsewhere Selenium Manager finds a Chrome or Chromium and a matching driver, or fetches them
 * where the network allows. When neither works, the test fails saying how to install them.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("push.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("push.test.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final String base;
    private final Path profile;

    Browser(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        try {
            profile = Files.createTempDirectory("push-console-chromium");
            Files.createDirectories(SCREENSHOTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,800", "--user-data-dir=" + profile);
        driver = start(options);
        fitViewport(1280, 800);
        login(dev.push.security.TestCredentials.ADMIN, dev.push.security.TestCredentials.ADMIN_PASSWORD);
    }

    /** Whether Debian's chromium and chromedriver (or the ones the system properties name) are installed. */
    static boolean debianChromium() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    private static ChromeDriver start(ChromeOptions options) {
        if (debianChromium()) {
            options.setBinary(CHROMIUM.toFile());
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort().build();
            return new ChromeDriver(service, options);
        }
        try {
            return new ChromeDriver(options);
        } catch (WebDriverException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return fail("The console tests need Chromium and its driver: they are not at " + CHROMIUM + " and "
                    + CHROMEDRIVER + ", and Selenium Manager could not find or fetch a browser and a driver ("
                    + reason + "). Install them: apt-get install -y chromium chromium-driver (.ci/run does it)", e);
        }
    }

    /** Signs in through the console's login page; the session cookie then carries every page and call. */
    void login(String user, String password) {
        driver.get(base + "/login.html");
        type("input[name=j_username]", user);
        type("input[name=j_password]", password);
        click("form#login button[type=submit]");
        await(d -> !d.getCurrentUrl().contains("login.html"));
    }

    /** Screenshots show the page at the size an operator's laptop gives it, without the window's frame. */
    private void fitViewport(int width, int height) {
        driver.get("about:blank");
        Object[] frame = ((List<?>) ((JavascriptExecutor) driver).executeScript(
                "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]")).toArray();
        driver.manage().window().setSize(new Dimension(width + ((Number) frame[0]).intValue(),
                height + ((Number) frame[1]).intValue()));
    }

    /** Opens a console page by its hash route, e.g. {@code #/members}. */
    void open(String route) {
        driver.get(base + "/" + route);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    void type(String css, String text) {
        WebElement e = find(css);
        e.clear();
        e.sendKeys(text);
    }

    void click(String css) {
        find(css).click();
    }

    /** Waits for a condition of the page, re-reading elements the live updates replaced. */
    <T> T await(Duration within, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, within).ignoring(StaleElementReferenceException.class).until(condition::apply);
    }

    <T> T await(Function<WebDriver, T> condition) {
        return await(Duration.ofSeconds(30), condition);
    }

    void awaitVisible(String css) {
        await(d -> d.findElements(By.cssSelector(css)).stream().anyMatch(WebElement::isDisplayed));
    }

    String text(String css) {
        return find(css).getText();
    }

    /** The text of every element the selector finds, read again if a live update replaces one meanwhile. */
    List<String> texts(String css) {
        return await(d -> d.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
    }

    /** A number as the console shows it ("1,240"). */
    long number(String css) {
        return Long.parseLong(text(css).replace(",", "").trim());
    }

    String route() {
        return (String) ((JavascriptExecutor) driver).executeScript("return location.hash");
    }

    void screenshot(String name) {
        try {
            Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
