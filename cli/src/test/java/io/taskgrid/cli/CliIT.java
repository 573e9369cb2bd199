package io.taskgrid.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.embedded.Infrastructure;
import io.taskgrid.embedded.SharedInfrastructure;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's main, run in process for each command against a real cluster (Kafka and Redis of
 * the embedded module, a coordinator and a worker in this JVM), including bad input.
 */
class CliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "cli" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

  private static Coordinator coordinator;
  private static Worker worker;
  private static Cli cli;

  @TempDir
  Path dir;

  @BeforeAll
  static void startCluster() {
    Infrastructure infra = SharedInfrastructure.get();
    CoordinatorConfig config = CoordinatorConfig.defaults(infra.kafkaBootstrap(), infra.redisUrl())
        .withNamespace(NAME)
        .withTasksTopic("tasks." + NAME, 3)
        .withGrpcPort(0);
    config = config.withScheduling(config.scheduling().withTopics("tg." + NAME));
    coordinator = new Coordinator(config).start();
    String address = "127.0.0.1:" + coordinator.port();
    WorkerConfig workerConfig = WorkerConfig.defaults(infra.kafkaBootstrap(), infra.redisUrl(), address)
        .withNamespace(NAME)
        .withTopicAndGroup("tasks." + NAME, "workers." + NAME)
        .withRegistryTopic(config.scheduling().registryTopic())
        .withLifecycleTopic(config.scheduling().lifecycleTopic());
    worker = Worker.builder(workerConfig)
        .handler("echo", ctx -> ctx.payloadText())
        // "tally" and "watched" echo too, each used by one test only: its statistics and events are its own
        .handler("tally", ctx -> ctx.payloadText())
        .handler("watched", ctx -> ctx.payloadText())
        .handler("fail", ctx -> {
          throw new IllegalStateException("failed on purpose: " + ctx.payloadText());
        })
        .handler("sleep", ctx -> {
          Thread.sleep(60_000);
          return "woke";
        })
        .build()
        .start();
    cli = new Cli(address);
  }

  @AfterAll
  static void stopCluster() {
    if (worker != null) worker.close();
    if (coordinator != null) coordinator.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Cli.Result ok(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.code()).as("taskgrid %s\n%s", String.join(" ", args), r).isZero();
    return r;
  }

  private static JsonNode json(String... args) throws Exception {
    return JSON.readTree(ok(args).out());
  }

  private static String statusOf(String executionId) {
    try {
      return json("executions", "get", executionId, "-o", "json").get("status").asText();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void managesATaskFromAFileThroughItsWholeLife() throws Exception {
    String id = unique("report");
    Path file = dir.resolve("tasks.yaml");
    Files.writeString(file, """
        tasks:
          - id: %s
            description: created by the CLI test
            handler: echo
            cron: "0 0 1 1 *"
            time_zone: ${ZONE:-Europe/London}
            payload: {report: daily}
            tags: [cli-test]
        """.formatted(id), StandardCharsets.UTF_8);

    assertThat(ok("tasks", "create", "-f", file.toString()).out()).contains("registered " + id + ": ACTIVE, cron 0 0 1 1 *");
    // the same file again: an identical definition is left as it is
    assertThat(ok("tasks", "create", "-f", file.toString()).out()).contains("registered " + id);

    // a changed definition: refused without --update, replaced with it
    Files.writeString(file, Files.readString(file).replace("0 0 1 1 *", "0 0 2 1 *"));
    Cli.Result changed = cli.run("tasks", "create", "-f", file.toString());
    assertThat(changed.code()).as(changed.toString()).isEqualTo(5);
    assertThat(changed.err()).startsWith("taskgrid: ALREADY_EXISTS: tasks[0] (id \"" + id + "\"): ").endsWith("(--update replaces it)\n");
    assertThat(ok("tasks", "create", "-f", file.toString(), "--update").out()).contains("updated " + id + ": ACTIVE, cron 0 0 2 1 *");
    Files.writeString(file, Files.readString(file).replace("0 0 2 1 *", "0 0 1 1 *"));
    ok("tasks", "create", "-f", file.toString(), "--update");

    Cli.Result list = ok("tasks", "list", "--tag", "cli-test");
    assertThat(list.out()).containsPattern("(?m)^ID +HANDLER +TRIGGER +STATE +NEXT FIRE +LAST FIRE$")
        .containsPattern("(?m)^" + id + " +echo +cron 0 0 1 1 \\* +ACTIVE +in \\d+d");
    assertThat(ok("tasks", "get", id).out()).contains("trigger", "cron 0 0 1 1 * (Europe/London)", "state", "ACTIVE");
    JsonNode task = json("tasks", "get", id, "-o", "json");
    assertThat(task.at("/definition/id").asText()).isEqualTo(id);
    assertThat(task.get("state").asText()).isEqualTo("TASK_STATE_ACTIVE");

    assertThat(ok("tasks", "pause", id).out()).startsWith("paused " + id + ": PAUSED");
    JsonNode paused = new ObjectMapper(new YAMLFactory()).readTree(ok("tasks", "get", id, "-o", "yaml").out());
    assertThat(paused.get("state").asText()).isEqualTo("TASK_STATE_PAUSED");
    assertThat(json("tasks", "list", "--state", "paused", "-o", "json").get("tasks")).anySatisfy(t -> assertThat(t.at("/definition/id").asText()).isEqualTo(id));
    assertThat(ok("tasks", "resume", id).out()).startsWith("resumed " + id + ": ACTIVE, next fire in ");

    String executionId = ok("tasks", "run", id, "--payload", "{\"report\":\"now\"}").out().strip();
    await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(executionId).equals("EXECUTION_STATUS_SUCCEEDED"));
    JsonNode ran = json("executions", "get", executionId, "-o", "json");
    assertThat(ran.get("taskId").asText()).isEqualTo(id);
    assertThat(ran.at("/result/data").asText()).isNotEmpty();
    assertThat(ok("executions", "get", executionId).out()).contains("SUCCEEDED", "{\"report\":\"now\"}", "ATTEMPT");
    assertThat(json("executions", "list", "--task", id, "-o", "json").get("executions"))
        .extracting(e -> e.get("executionId").asText()).containsExactly(executionId);

    assertThat(ok("tasks", "delete", id).out()).isEqualTo("deleted " + id + "\n");
    Cli.Result gone = cli.run("tasks", "get", id);
    assertThat(gone.code()).as(gone.toString()).isEqualTo(3);
    assertThat(gone.err()).startsWith("taskgrid: not found: ").contains(id);
  }

  @Test
  void aTasksFileTheCoordinatorRejectsExitsWith2NamingTheTaskAndField() throws Exception {
    Path file = dir.resolve("bad.yaml");
    String id = unique("bad");
    Files.writeString(file, "tasks:\n  - id: " + id + "\n    handler: echo\n    cron: \"61 2 * * *\"\n");
    Cli.Result r = cli.run("tasks", "create", "-f", file.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).startsWith("taskgrid: invalid argument: tasks[0] (id \"" + id + "\"): task.trigger.cron: ").contains("61")
        .doesNotContain("\tat ");
  }

  @Test
  void submitWaitsForASuccessAndPrintsTheResult() throws Exception {
    String key = unique("key");
    Cli.Result r = ok("submit", "echo", "--payload", "{\"hello\":\"cli\"}", "--wait", "--label", "team=cli", "--priority", "high",
        "--timeout", "30s", "--idempotency-key", key);
    assertThat(r.out()).contains("SUCCEEDED", "{\"hello\":\"cli\"}");

    JsonNode execution = json("submit", "echo", "--payload", "{\"n\":2}", "--wait", "-o", "json", "--label", "team=cli");
    assertThat(execution.get("status").asText()).isEqualTo("EXECUTION_STATUS_SUCCEEDED");
    assertThat(execution.at("/labels/team").asText()).isEqualTo("cli");

    // the same idempotency key gives the first execution again
    Cli.Result again = ok("submit", "echo", "--payload", "{}", "--idempotency-key", key, "-o", "json");
    assertThat(JSON.readTree(again.out()).get("duplicate").asBoolean()).isTrue();

    Path payload = dir.resolve("payload.json");
    Files.writeString(payload, "{\"from\":\"file\"}");
    assertThat(ok("submit", "echo", "--file", payload.toString(), "--wait").out()).contains("{\"from\":\"file\"}");
    assertThat(cli.stdin("{\"from\":\"stdin\"}").run("submit", "echo", "--file", "-", "--wait").out()).contains("{\"from\":\"stdin\"}");
  }

  @Test
  void submitWaitExitsWith1WhenTheExecutionFails() {
    Cli.Result r = cli.run("submit", "fail", "--payload", "\"boom\"", "--wait");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED", "java.lang.IllegalStateException: failed on purpose");
  }

  @Test
  void listsExecutionsWithFilters() throws Exception {
    String run = unique("run");
    String first = ok("submit", "echo", "--payload", "1", "--label", "run=" + run).out().strip();
    String second = ok("submit", "fail", "--payload", "2", "--label", "run=" + run).out().strip();
    await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(first).equals("EXECUTION_STATUS_SUCCEEDED")
        && statusOf(second).equals("EXECUTION_STATUS_FAILED"));

    JsonNode both = json("executions", "list", "--label", "run=" + run, "--since", "10m", "-o", "json");
    assertThat(both.get("executions")).extracting(e -> e.get("executionId").asText()).containsExactly(second, first);
    JsonNode failed = json("executions", "list", "--label", "run=" + run, "--status", "failed,timeout", "-o", "json");
    assertThat(failed.get("executions")).extracting(e -> e.get("executionId").asText()).containsExactly(second);
    JsonNode echo = json("executions", "list", "--label", "run=" + run, "--handler", "echo", "--limit", "5", "-o", "json");
    assertThat(echo.get("executions")).extracting(e -> e.get("executionId").asText()).containsExactly(first);

    Cli.Result table = ok("executions", "list", "--label", "run=" + run);
    assertThat(table.out()).containsPattern("(?m)^ID +HANDLER +TASK +STATUS +ATTEMPT +SUBMITTED +TOOK +LABELS$")
        .containsPattern("(?m)^" + second + " +fail +- +FAILED +1 +(now|\\d+s ago) ")
        .containsPattern("(?m)^" + first + " +echo +- +SUCCEEDED +1 ");
  }

  @Test
  void cancelsARunningExecutionAndWatchReportsTheEnd() {
    String id = ok("submit", "sleep").out().strip();
    await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(id).equals("EXECUTION_STATUS_RUNNING"));
    assertThat(ok("executions", "cancel", id).out()).startsWith(id + "  ");
    Cli.Result watch = cli.run("executions", "watch", id);
    assertThat(watch.code()).as(watch.toString()).isEqualTo(1);
    assertThat(watch.out()).contains("CANCELLED");
    assertThat(statusOf(id)).isEqualTo("EXECUTION_STATUS_CANCELLED");
  }

  @Test
  void anUnknownExecutionIsNotFound() {
    Cli.Result r = cli.run("executions", "get", UUID.randomUUID().toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(cli.run("executions", "cancel", UUID.randomUUID().toString()).code()).isEqualTo(3);
  }

  @Test
  void previewsACronExpressionAndABadOneExitsWith2WithTheServersMessage() throws Exception {
    Cli.Result r = ok("preview", "0 2 * * *", "--zone", "Europe/London", "--count", "3");
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("FIRE TIME (Europe/London)");
    assertThat(lines.subList(1, 4)).allSatisfy(l -> assertThat(l).contains(" 02:00:00 ").contains(" in "));
    assertThat(json("preview", "@hourly", "--count", "2", "-o", "json").get("fireTimes")).hasSize(2);

    Cli.Result bad = cli.run("preview", "61 2 * * *");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err()).startsWith("taskgrid: invalid argument: expression").contains("61");
    Cli.Result zone = cli.run("preview", "@daily", "--zone", "Mars/Olympus");
    assertThat(zone.code()).as(zone.toString()).isEqualTo(2);
    assertThat(zone.err()).contains("time_zone");
  }

  @Test
  void publishesAnEventThatRunsTheTasksListeningForIt() throws Exception {
    String id = unique("listener");
    String prefix = unique("evt");
    Path file = dir.resolve("listener.yaml");
    Files.writeString(file, "tasks:\n  - id: " + id + "\n    handler: echo\n    event: \"" + prefix + ":*\"\n");
    ok("tasks", "create", "-f", file.toString());
    Cli.Result r = ok("events", "publish", prefix + ":signup", "--data", "{\"user\":\"ada\"}");
    assertThat(r.out()).startsWith("published " + prefix + ":signup as ");
    await().atMost(Duration.ofSeconds(30)).pollInterval(500, TimeUnit.MILLISECONDS).untilAsserted(() -> assertThat(
        json("executions", "list", "--task", id, "--status", "succeeded", "-o", "json").path("executions")).hasSize(1));
    ok("tasks", "delete", id);
  }

  @Test
  void listsCircuitBreakers() throws Exception {
    assertThat(ok("breakers").out()).startsWith("HANDLER");
    assertThat(json("breakers", "-o", "json").isObject()).isTrue();
  }

  @Test
  void statsCountASucceededExecutionInTheTotalAndUnderItsHandler() throws Exception {
    assertThat(ok("submit", "tally", "--payload", "{\"n\":1}", "--wait").out()).contains("SUCCEEDED");

    await().atMost(Duration.ofSeconds(30)).pollInterval(500, TimeUnit.MILLISECONDS).untilAsserted(() -> {
      JsonNode stats = json("stats", "--handler", "tally", "-o", "json");
      assertThat(stats.at("/total/lastDay/succeeded").asLong()).isEqualTo(1);
      assertThat(stats.at("/total/lastHour/succeeded").asLong()).isEqualTo(1);
      assertThat(stats.get("handlers")).singleElement().satisfies(h -> {
        assertThat(h.get("handler").asText()).isEqualTo("tally");
        assertThat(h.at("/lastDay/succeeded").asLong()).isEqualTo(1);
      });
    });
    JsonNode all = json("stats", "-o", "json");
    assertThat(all.get("asOf").asText()).isNotEmpty();
    assertThat(all.at("/total/lastDay/succeeded").asLong()).isPositive();
    assertThat(all.get("handlers")).extracting(h -> h.get("handler").asText()).contains("tally");

    Cli.Result table = ok("stats", "--window", "hour");
    assertThat(table.out()).startsWith("last hour, as of ")
        .containsPattern("(?m)^GROUP +SUCCEEDED +FAILED +TIMEOUT +SKIPPED +CANCELLED +SUCCESS +P50 +P95 +P99 +RUNNING +PENDING +WAITING +NEXT HOUR$")
        .containsPattern("(?m)^total +[1-9]\\d* ")
        .containsPattern("(?m)^handler tally +1 +0 +0 +0 +0 +100\\.0% +\\S+ +\\S+ +\\S+ +0 +0 +0 +0$");

    Cli.Result window = cli.run("stats", "--window", "week");
    assertThat(window.code()).as(window.toString()).isEqualTo(2);
    assertThat(window.err()).contains("--window", "week");
    Cli.Result badTask = cli.run("stats", "--task", "no such id");
    assertThat(badTask.code()).as(badTask.toString()).isEqualTo(2);
    assertThat(badTask.err()).contains("task_id", "no such id");
  }

  @Test
  void workersListsTheRunningWorkerWithItsHandlers() throws Exception {
    await().atMost(Duration.ofSeconds(30)).pollInterval(500, TimeUnit.MILLISECONDS).untilAsserted(() -> assertThat(ok("workers").out())
        .containsPattern("(?m)^WORKER +HOST +PID +STATE +RUNNING +STARTED +LAST SEEN +VERSION +HANDLERS$")
        .containsPattern("(?m)^" + Pattern.quote(worker.id()) + " +\\S+ +" + ProcessHandle.current().pid()
            + " +RUNNING +\\d+/\\d+ +(now|\\d+\\S* ago) +(now|\\d+\\S* ago) +\\S+ +echo,fail,sleep,tally,watched$"));

    JsonNode listed = json("workers", "--handler", "tally", "-o", "json");
    assertThat(listed.get("workers")).singleElement().satisfies(w -> {
      assertThat(w.get("workerId").asText()).isEqualTo(worker.id());
      assertThat(w.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
      assertThat(w.get("state").asText()).isEqualTo("WORKER_STATE_RUNNING");
      assertThat(w.get("handlers")).extracting(JsonNode::asText).containsExactly("echo", "fail", "sleep", "tally", "watched");
    });
    assertThat(json("workers", "--handler", "nobody-runs-this", "-o", "json").path("workers")).isEmpty();
  }

  @Test
  void watchPrintsTheMatchingLifecycleEventsAndStopsAfterMaxEvents() throws Exception {
    CompletableFuture<Cli.Result> lines = CompletableFuture.supplyAsync(
        () -> cli.run("watch", "--handler", "watched", "--kind", "execution_succeeded", "--max-events", "2"));
    CompletableFuture<Cli.Result> json = CompletableFuture.supplyAsync(() -> cli.run("watch", "--handler", "watched", "--max-events", "3", "-o", "json"));
    // a watch sees only what happens after its coordinator joined the topic: submit until both have their events
    await().atMost(Duration.ofSeconds(90)).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
      ok("submit", "watched", "--payload", "{}");
      return lines.isDone() && json.isDone();
    });

    Cli.Result table = lines.get();
    assertThat(table.code()).as(table.toString()).isZero();
    assertThat(table.out().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l).matches(
        "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  EXECUTION_SUCCEEDED  execution=\\S+  handler=watched  attempt=1  status=SUCCEEDED  worker="
            + Pattern.quote(worker.id())));
    Cli.Result streamed = json.get();
    assertThat(streamed.code()).as(streamed.toString()).isZero();
    List<String> events = streamed.out().lines().toList();
    assertThat(events).hasSize(3);
    for (String line : events) {
      JsonNode event = JSON.readTree(line);
      assertThat(event.get("handler").asText()).isEqualTo("watched");
      assertThat(event.get("kind").asText()).startsWith("EXECUTION_");
      assertThat(event.get("executionId").asText()).isNotEmpty();
    }

    Cli.Result bad = cli.run("watch", "--max-events", "0");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(2);
    Cli.Result kind = cli.run("watch", "--kind", "exploded");
    assertThat(kind.code()).as(kind.toString()).isEqualTo(2);
    assertThat(kind.err()).contains("--kind", "exploded", "execution_succeeded");
  }

  @Test
  void runsAsAProcessFromTheBuiltLayout() throws Exception {
    Path layout = Path.of(System.getProperty("taskgrid.cli.layout", "target/taskgrid"));
    Path script = layout.resolve("bin/taskgrid");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(script), "the layout is built by package: " + script);
    ProcessBuilder pb = new ProcessBuilder(script.toString(), "submit", "echo", "--payload", "{\"via\":\"process\"}", "--wait", "-o", "json",
        "--coordinator", "127.0.0.1:" + coordinator.port());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.redirectErrorStream(false);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("stdout:\n%s\nstderr:\n%s", out, err).isZero();
    assertThat(JSON.readTree(out).get("status").asText()).isEqualTo("EXECUTION_STATUS_SUCCEEDED");
    assertThat(err).isEmpty();

    ProcessBuilder notFound = new ProcessBuilder(script.toString(), "executions", "get", UUID.randomUUID().toString(),
        "--coordinator", "127.0.0.1:" + coordinator.port());
    notFound.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process missing = notFound.start();
    missing.getInputStream().readAllBytes();
    assertThat(missing.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(missing.exitValue()).isEqualTo(3);
  }
}
