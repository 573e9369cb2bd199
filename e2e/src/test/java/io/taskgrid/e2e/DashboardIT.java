package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.RetryPolicy;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskState;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (Debian's headless Chromium driven by Selenium) against a real
 * cluster: a coordinator with its HTTP port and a worker in this JVM over the shared Kafka and
 * Redis. Screenshots of the main pages go to {@code target/dashboard-screenshots/} for review.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "dashboard-screenshots");

  private final TestCluster cluster = new TestCluster();
  private final ConcurrentHashMap<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private Coordinator coordinator;
  private io.taskgrid.worker.Worker worker;
  private TaskgridClient client;
  private WebDriver browser;
  private String base;

  @BeforeAll
  void start() throws IOException {
    // CI must not pass by skipping: without the browser this fails, saying what to install
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as("DashboardIT needs Debian's Chromium: %s and %s (apt-get install chromium chromium-driver)", CHROMIUM, CHROMEDRIVER)
        .isTrue();
    coordinator = cluster.coordinator(cluster.coordinatorConfig(0).withHttpPort(0));
    worker = cluster.worker(List.of(TestCluster.address(coordinator)), b -> b
        .handler("dash.echo", ctx -> "echo " + ctx.payloadText())
        .handler("dash.flaky", ctx -> {
          if (attempts.computeIfAbsent(ctx.executionId(), k -> new AtomicInteger()).incrementAndGet() == 1) {
            throw new IllegalStateException("first attempt fails <on purpose>");
          }
          return "second attempt <b>worked</b>";
        })
        .handler("dash.stall", ctx -> {
          Thread.sleep(120_000);
          return "never";
        }));
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    base = "http://127.0.0.1:" + coordinator.httpPort().getAsInt();
    Files.createDirectories(SCREENSHOTS);

    // the system's driver and browser, named here, so Selenium Manager has nothing to look up or download
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

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private void open(String path) {
    browser.get(base + path);
  }

  /** The element, once the page shows it (a click that submits a form returns before the next page is there). */
  private WebElement find(String css) {
    return await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(org.openqa.selenium.NoSuchElementException.class)
        .until(() -> browser.findElement(By.cssSelector(css)), e -> e != null);
  }

  /** Waits until the page shows {@code css} with a text that {@code wanted} accepts (the page after a click may still be loading). */
  private void awaitText(String css, java.util.function.Predicate<String> wanted) {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(org.openqa.selenium.StaleElementReferenceException.class)
        .until(() -> find(css).getText(), wanted::test);
  }

  private List<WebElement> all(String css) {
    return browser.findElements(By.cssSelector(css));
  }

  private void screenshot(String name) {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    try {
      Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theTasksPageListsARegisteredTaskAndItsButtonsPauseAndResumeItInTheApi() {
    String id = unique("nightly-report");
    client.tasks().create(TaskDefinition.builder(id, "dash.echo").cron("0 3 * * *").build());

    open("/");
    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/ui/");
    WebElement row = find("tr[data-task-id='" + id + "']");
    assertThat(row.getText()).contains(id, "dash.echo", "cron 0 3 * * *", "ACTIVE");
    screenshot("tasks");

    row.findElement(By.cssSelector("button[name='pause']")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.tasks().get(id).state() == TaskState.PAUSED);
    awaitText("tr[data-task-id='" + id + "'] td.state", "PAUSED"::equals);

    find("tr[data-task-id='" + id + "'] button[name='resume']").click();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.tasks().get(id).state() == TaskState.ACTIVE);
    awaitText("tr[data-task-id='" + id + "'] td.state", "ACTIVE"::equals);

    open("/ui/tasks/" + id);
    assertThat(find("h1").getText()).contains(id);
    assertThat(find("table.fields").getText()).contains("dash.echo", "cron 0 3 * * *");
  }

  @Test
  void anExecutionsDetailShowsItsAttemptsErrorAndResult() {
    String label = unique("run");
    TaskHandle handle = client.submit(TaskRequest.builder("dash.flaky").label("run", label)
        .retry(RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMillis(200)).fixed().build()).build());
    assertThat(handle.await(Duration.ofSeconds(30)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    open("/ui/executions?label=run%3D" + label);
    List<WebElement> rows = all("#executions tbody tr");
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst().getText()).contains("dash.flaky", "SUCCEEDED", "run=" + label);
    screenshot("executions");

    rows.getFirst().findElement(By.cssSelector("a")).click();
    awaitText("h1", t -> t.contains(handle.id()));
    List<WebElement> attemptRows = all("#attempts tbody tr");
    assertThat(attemptRows).hasSize(2);
    assertThat(attemptRows.get(0).getText()).contains("FAILED", "java.lang.IllegalStateException: first attempt fails <on purpose>");
    assertThat(attemptRows.get(1).getText()).contains("SUCCEEDED");
    // the handler's markup is shown as text, not rendered
    assertThat(find("#result").getText()).isEqualTo("second attempt <b>worked</b>");
    assertThat(all("button[name='cancel']")).isEmpty();
    screenshot("execution");
  }

  @Test
  void theCancelButtonCancelsARunningExecution() {
    TaskHandle handle = client.submit(TaskRequest.builder("dash.stall").build());
    await().atMost(Duration.ofSeconds(15)).until(() -> client.get(handle.id()).status() == ExecutionStatus.RUNNING);

    open("/ui/executions/" + handle.id());
    find("button[name='cancel']").click();

    ExecutionInfo end = handle.await(Duration.ofSeconds(30));
    assertThat(end.status()).isEqualTo(ExecutionStatus.CANCELLED);
    open("/ui/executions/" + handle.id());
    assertThat(find("#status").getText()).isEqualTo("CANCELLED");
  }

  @Test
  void aBadFilterShowsTheApisMessageAndAnUnknownIdANotFoundPage() {
    open("/ui/executions?handler=" + "bad%20handler%21");
    assertThat(find("#message").getText()).startsWith("INVALID_ARGUMENT: ").contains("handler");
    assertThat(find("input[name='handler']").getAttribute("value")).isEqualTo("bad handler!");

    open("/ui/executions?label=no-equals-sign");
    assertThat(find("#message").getText()).isEqualTo("INVALID_ARGUMENT: label: must be key=value, got no-equals-sign");

    open("/ui/executions/" + UUID.randomUUID());
    assertThat(find("h1").getText()).isEqualTo("Not found");
    open("/ui/tasks/" + unique("no-such-task"));
    assertThat(find("h1").getText()).isEqualTo("Not found");
    open("/ui/nothing-here");
    assertThat(find("h1").getText()).isEqualTo("Not found");
  }

  @Test
  void theStatsBreakersAndWorkersPagesRenderWhatTheApiAnswers() {
    for (String page : List.of("stats", "breakers", "workers")) {
      open("/ui/" + page);
      assertThat(find("nav a.current").getAttribute("href")).endsWith("/ui/" + page);
      // each shows its figures, or says that this coordinator does not serve them: never an error page
      String main = find("main").getText();
      assertThat(all("p.error")).as(main).isEmpty();
      assertThat(!all("main table").isEmpty() || !all("p.empty").isEmpty() || main.contains("not available on this coordinator"))
          .as(main).isTrue();
      screenshot(page);
    }
    open("/ui/workers");
    if (!find("main").getText().contains("not available on this coordinator")) {
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        open("/ui/workers");
        assertThat(find("main").getText()).contains(worker.id(), "dash.echo");
      });
      screenshot("workers");
    }
  }

  @Test
  void aTaskSubmittedThroughTheApiAppearsOnTheExecutionsPageWithoutAReload() {
    String label = unique("live");
    open("/ui/executions?label=live%3D" + label);
    // the indicator says "live" once the stream is open, or why there is none
    await().atMost(Duration.ofSeconds(10)).until(() -> !find("#live").getText().isEmpty() && !find("#live").getText().contains("reconnecting"));
    // a build whose coordinator does not serve WatchLifecycle yet: the page says so, and there is nothing live to check
    assumeFalse(find("#live").getText().contains("not available on this coordinator"), "WatchLifecycle is not served by this build");
    assertThat(find("#live").getText()).as("the page's lifecycle stream (WatchLifecycle) is connected").isEqualTo("live");
    ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");

    // the stream reads from "now", which the coordinator settles a moment after the page connects:
    // probes until one shows up, so the execution checked below is submitted once events flow
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
      if (!all("#executions tbody tr").isEmpty()) return true;
      client.submit(TaskRequest.builder("dash.echo").payloadText("probe").label("live", label).build());
      return false;
    });
    TaskHandle handle = client.submit(TaskRequest.builder("dash.echo").payloadText("hi").label("live", label).build());

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(all("tr[data-execution-id='" + handle.id() + "']")).hasSize(1));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(find("tr[data-execution-id='" + handle.id() + "'] td.status").getText()).isEqualTo("SUCCEEDED"));
    assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;")).isEqualTo(true);
    screenshot("executions-live");
  }
}
