package dev.heimdall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heimdall.testing.FakeOpenAi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (Debian's chromium, headless) against the packaged gateway with admin
 * credentials and a priced model: log in, create a virtual key and read its value shown once, send a
 * streamed request from the Playground with it, watch it arrive in the live request log with its cost,
 * see the Overview count it, open the providers and configuration pages, log out. A screenshot of every
 * page goes to target/ui-screenshots. Skipped where chromium or chromedriver is not installed.
 */
class UiBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "ui-screenshots");
    private static final String USER = "admin";
    private static final String PASSWORD = "ui-browser-test-password";
    /** The upstream key: the UI must never show it. */
    private static final String UPSTREAM_KEY = "sk-upstream-ui-canary-5151515151";
    private static final String MODEL = "openai/gpt-4o-mini";

    private FakeOpenAi upstream;
    private PackagedGateway gateway;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private String ui;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromedriver (Debian: apt-get install chromium chromium-driver) are needed for the browser test");
        upstream = new FakeOpenAi();
        gateway = PackagedGateway.start("""
                {
                  "providers": {
                    "openai": {
                      "keys": [{"name": "primary", "value": "%s", "weight": 1.0, "models": ["gpt-4o-mini"]}],
                      "network_config": {"base_url": "%s"}
                    }
                  },
                  "governance": {
                    "auth_config": {"is_enabled": true, "admin_username": "%s", "admin_password": "%s"}
                  }
                }
                """.formatted(UPSTREAM_KEY, upstream.baseUrl(), USER, PASSWORD),
                // As the generated StatefulSet runs it: three replicas, each with its own SQLite file.
                "heimdall.replicas=3");
        ui = gateway.base() + "/ui/";

        // Debian's driver and browser: Selenium Manager downloads nothing.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            try {
                for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
                    System.out.println("UiBrowserIT console: " + e.getLevel() + " " + e.getMessage());
                }
            } catch (RuntimeException e) {
                // the browser is gone already
            }
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anAdminCreatesAKeyUsesItAndSeesTheRequestEverywhere() throws Exception {
        try {
            journey();
        } catch (Throwable t) {
            shot("failure");
            throw t;
        }
    }

    private void journey() throws Exception {
        // The login screen, not the browser's own Basic popup: the UI's calls carry X-Heimdall-UI.
        browser.get(ui + "#/overview");
        WebElement username = visible(By.id("login-username"));
        shot("01-login");
        username.sendKeys(USER);
        browser.findElement(By.id("login-password")).sendKeys("not-the-password", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "Wrong username or password"));
        WebElement password = browser.findElement(By.id("login-password"));
        password.clear();
        password.sendKeys(PASSWORD);
        browser.findElement(By.id("login-submit")).click();

        // Overview, before any traffic: no requests.
        visible(By.cssSelector("a[data-nav='overview'][aria-current='page']"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-value='requests']"), "0"));
        visible(By.cssSelector("#chart-requests svg"));
        shot("02-overview-empty");

        // Create a virtual key; its value is shown once.
        go("#/keys");
        visible(By.id("create-keys")).click();
        visible(By.id("vk-name")).sendKeys("browser-key");
        browser.findElement(By.id("vk-budget")).sendKeys("1");
        browser.findElement(By.id("vk-req-limit")).sendKeys("100");
        assertTrue(browser.findElement(By.cssSelector("#vk-access input[data-provider='openai']")).isSelected(),
                "the only provider is offered, checked");
        browser.findElement(By.id("vk-save")).click();
        String value = visible(By.id("vk-secret")).getText();
        assertTrue(value.startsWith("sk-bf-"), value);
        shot("03-virtual-key-shown-once");
        browser.findElement(By.id("secret-done")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("vk-secret")));
        WebElement row = visible(By.cssSelector("#vk-table tr[data-vk='browser-key']"));
        assertTrue(row.getText().contains("Active"), row.getText());
        assertTrue(row.getText().contains("$0 / $1.00"), "the budget's meter: " + row.getText());
        assertFalse(browser.getPageSource().contains(value), "the value is gone from the page once its dialog is closed");
        shot("04-virtual-keys");

        // The request log, open before the request: the row must come live.
        go("#/logs");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main .empty"), "No requests in the last 24 hours"));
        String logTab = browser.getWindowHandle();

        // The Playground, in a second tab, sends a streamed request with the new key.
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(ui + "#/playground");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#pg-model option[value='" + MODEL + "']")));
        new Select(browser.findElement(By.id("pg-model"))).selectByValue(MODEL);
        browser.findElement(By.id("pg-key")).sendKeys(value);
        browser.findElement(By.id("pg-message")).sendKeys("Say hello through the gateway.");
        browser.findElement(By.id("pg-send")).click();
        wait.until(ExpectedConditions.textToBe(By.id("pg-answer"), "tok0tok1tok2tok3tok4"));
        WebElement stats = visible(By.id("pg-stats"));
        assertEquals("11", stats.findElement(By.cssSelector("b[data-stat='in']")).getText(), "the usage the stream reported");
        assertEquals("5", stats.findElement(By.cssSelector("b[data-stat='out']")).getText());
        shot("05-playground");
        browser.close();
        browser.switchTo().window(logTab);

        // It arrived in the open log by itself, highlighted, with its key and cost.
        WebElement logged = visible(By.cssSelector("#log-rows tr.fresh[data-id]"));
        assertTrue(logged.getText().contains("browser-key"), logged.getText());
        assertTrue(logged.getText().contains(MODEL), logged.getText());
        WebElement cost = logged.findElement(By.cssSelector("td[data-cost]"));
        // 11 input tokens at $0.15/M and 5 output at $0.60/M.
        assertEquals(11 * 0.15e-6 + 5 * 0.6e-6, Double.parseDouble(cost.getAttribute("data-cost")), 1e-12);
        assertEquals("$0.00000465", cost.getText());
        assertEquals("Showing 1 of 1 requests", browser.findElement(By.id("log-count")).getText());
        shot("06-request-log-live");
        logged.findElement(By.cssSelector("td button")).click();
        WebElement detail = visible(By.id("log-detail"));
        assertTrue(detail.getText().contains("browser-key") && detail.getText().contains("$0.00000465"), detail.getText());
        shot("07-request-detail");
        new Actions(browser).sendKeys(Keys.ESCAPE).perform(); // the dialog has the focus: Escape closes it
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("log-detail")));

        // The Overview counts it: one request, a bar in the requests chart, the key among the top keys.
        go("#/overview");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-value='requests']"), "1"));
        assertEquals("$0.00000465", browser.findElement(By.cssSelector("[data-value='cost']")).getText());
        assertFalse(browser.findElements(By.cssSelector("#chart-requests svg rect[fill]")).isEmpty(), "a bar for the request");
        assertTrue(visible(By.id("top-keys")).getText().contains("browser-key"));
        shot("08-overview");
        browser.manage().window().setSize(new Dimension(390, 844));
        visible(By.cssSelector(".nav .menu-toggle"));
        shot("09-overview-phone");
        browser.manage().window().setSize(new Dimension(1280, 900));

        // Providers: config.json's provider, read-only, its key healthy and its value masked.
        go("#/providers");
        WebElement provider = visible(By.cssSelector("section[data-provider='openai']"));
        wait.until(ExpectedConditions.textToBePresentInElement(provider, "Healthy"));
        assertTrue(provider.getText().contains("config.json"), provider.getText());
        assertTrue(provider.findElements(By.cssSelector("[data-action]")).isEmpty(), "no edit controls for config.json's provider");
        shot("10-providers");

        // Configuration: ownership, the replicas note, the effective config without secrets.
        go("#/config");
        visible(By.id("config-entities"));
        String configPage = browser.findElement(By.tagName("main")).getText();
        assertTrue(configPage.contains("Writes reach only this replica") && configPage.contains("the other 2 replica(s)"), configPage);
        assertTrue(visible(By.id("config-effective")).getText().contains("auth_config"));
        shot("11-configuration");
        String page = browser.getPageSource();
        assertFalse(page.contains(UPSTREAM_KEY), "the upstream key is never in the page");
        assertFalse(page.contains(PASSWORD), "the admin password is never in the page");
        assertFalse(page.contains(value), "the virtual key is never in the page after it was shown");

        // Log out: the login screen, and the session is gone.
        browser.findElement(By.id("logout")).click();
        visible(By.id("login-username"));
        shot("12-logged-out");
        browser.get(ui + "#/keys");
        visible(By.id("login-username"));
        assertEquals(Boolean.FALSE, ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/session/is-auth-enabled').then(r => r.json()).then(s => done(s.has_valid_token));"));
    }

    private void go(String hash) {
        browser.get(ui + hash);
        // The page is drawn: its title is there and its loading placeholders are gone.
        wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return !!document.querySelector('main h1') && !document.querySelector('main .skeleton')")));
    }

    private WebElement visible(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private void shot(String name) {
        try {
            Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (Exception e) {
            System.out.println("UiBrowserIT: no screenshot " + name + ": " + e);
        }
    }
}
