package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.e2e.support.TestIdentities;
import io.taskgrid.security.ApiSecurity;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard of a coordinator with authentication on, in headless Chromium (as {@link
 * DashboardIT}): the login page, a refused key, signing in with a key, what a viewer may not do,
 * and signing out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardLoginIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "dashboard-screenshots");

  private final TestCluster cluster = new TestCluster();
  private String viewerKey;
  private String operatorKey;
  private String adminKey;
  private WebDriver browser;
  private String base;

  @BeforeAll
  void start() throws IOException {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("DashboardLoginIT needs Debian's Chromium: %s and %s (apt-get install chromium chromium-driver)", CHROMIUM, CHROMEDRIVER)
        .isTrue();
    Path dir = Files.createTempDirectory("dashboard-login-it");
    TestIdentities identities = new TestIdentities();
    viewerKey = identities.key("wallboard", "viewer");
    operatorKey = identities.key("oncall", "operator");
    adminKey = identities.key("root", "admin");
    Coordinator coordinator = cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0)
        .withApiSecurity(ApiSecurity.NONE.withIdentities(identities.write(dir))));
    base = "http://127.0.0.1:" + coordinator.httpPort().getAsInt();
    Files.createDirectories(SCREENSHOTS);

    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,900");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() {
    if (browser != null) browser.quit();
    cluster.close();
  }

  @BeforeEach
  void signedOut() {
    if (browser != null) browser.manage().deleteAllCookies();
  }

  private void open(String path) {
    browser.get(base + path);
  }

  /** The element, once the page shows it (a click that submits a form returns before the next page is there). */
  private WebElement find(String css) {
    return await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(org.openqa.selenium.NoSuchElementException.class)
        .until(() -> browser.findElement(By.cssSelector(css)), e -> e != null);
  }

  private void signIn(String key) {
    find("#token").sendKeys(key);
    find("button[name='login']").click();
  }

  private void screenshot(String name) {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    try {
      Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A cron task made through the HTTP API with the admin key. */
  private String aTask() throws Exception {
    String id = "login-" + UUID.randomUUID().toString().substring(0, 8);
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/tasks")).header("Authorization", "Bearer " + adminKey)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"handler\":\"echo\",\"trigger\":{\"cron\":\"0 3 * * *\"}}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    return id;
  }

  @Test
  void aBrowserWithoutCredentialsGetsTheLoginPageAndABadKeyIsRefusedWithTheServersMessage() {
    open("/ui/workers");

    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/ui/login?back=%2Fui%2Fworkers");
    assertThat(find("h1").getText()).isEqualTo("Sign in");
    screenshot("login");

    signIn("tgk_wrong_key");

    assertThat(find("#message").getText()).startsWith("Not signed in: ");
    assertThat(browser.getPageSource()).doesNotContain("tgk_wrong_key");
    assertThat(browser.manage().getCookieNamed("taskgrid_session")).isNull();
    screenshot("login-refused");
  }

  @Test
  void aGoodKeySignsInBackToThePageAskedForAndEveryPageSaysWhoAndSigningOutEndsIt() {
    open("/ui/workers");
    signIn(operatorKey);

    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/ui/workers");
    assertThat(find("#whoami").getText()).isEqualTo("signed in as oncall (operator)");
    Cookie session = browser.manage().getCookieNamed("taskgrid_session");
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Strict");
    assertThat(session.getPath()).isEqualTo("/ui");
    for (String page : new String[] {"/ui/", "/ui/executions", "/ui/stats", "/ui/breakers"}) {
      open(page);
      assertThat(find("#whoami").getText()).as(page).isEqualTo("signed in as oncall (operator)");
      assertThat(browser.findElements(By.cssSelector("p.error"))).as(page).isEmpty();
    }
    screenshot("signed-in");

    find("button[name='logout']").click();

    assertThat(browser.getCurrentUrl()).startsWith(base + "/ui/login");
    assertThat(browser.manage().getCookieNamed("taskgrid_session")).isNull();
    open("/ui/");
    assertThat(browser.getCurrentUrl()).startsWith(base + "/ui/login");
  }

  @Test
  void aViewerSeesTasksButPressingPauseShowsWhatWasDenied() throws Exception {
    String id = aTask();
    open("/ui/login");
    signIn(viewerKey);
    open("/ui/");
    WebElement row = find("tr[data-task-id='" + id + "']");

    row.findElement(By.cssSelector("button[name='pause']")).click();

    // the dashboard's h1 until the answer page replaces it
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(org.openqa.selenium.StaleElementReferenceException.class)
        .until(() -> find("h1").getText(), "Not allowed"::equals);
    assertThat(find("#message").getText()).startsWith("wallboard (viewer) may not pause task " + id + ": ");
    screenshot("denied");
  }

  @Test
  void anOperatorPausesATaskFromTheDashboard() throws Exception {
    String id = aTask();
    open("/ui/login");
    signIn(operatorKey);
    open("/ui/");

    find("tr[data-task-id='" + id + "'] button[name='pause']").click();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      open("/ui/");
      assertThat(find("tr[data-task-id='" + id + "'] td.state").getText()).isEqualTo("PAUSED");
    });
  }
}
