package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.ProcessRequest;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.ProcessConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process tasks through real Kafka, Redis, a coordinator and a worker: real programs, a cancel of
 * a running process tree. {@code sh} is on this test's allow-list only to build process trees.
 */
class ProcessIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final TestCluster cluster = new TestCluster();
  @TempDir Path root;
  private TaskgridClient client;

  @BeforeEach
  void start() {
    Coordinator coordinator = cluster.coordinator();
    String address = TestCluster.address(coordinator);
    ProcessConfig process = ProcessConfig.allowing("echo", "sh", "env")
        .withRoots(List.of(root))
        .withKillGrace(Duration.ofMillis(500));
    cluster.worker(cluster.workerConfig(List.of(address)).withProcess(process),
        b -> b.processEnvironment(Map.of("PATH", "/usr/bin:/bin", "DB_PASSWORD", "hunter2")));
    client = cluster.own(TaskgridClient.builder().coordinators(address).build());
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static JsonNode json(ExecutionInfo info) throws Exception {
    return JSON.readTree(info.result().data());
  }

  @Test
  void runsAnAllowedProgramAndReturnsItsOutputWithoutTheWorkersSecrets() throws Exception {
    ExecutionInfo echo = client.submit(ProcessRequest.builder("echo").args("hello", "$DB_PASSWORD").build()).result().get(60, TimeUnit.SECONDS);
    assertThat(echo.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(json(echo).get("stdout").asText()).isEqualTo("hello $DB_PASSWORD\n");
    assertThat(json(echo).get("exitCode").asInt()).isZero();

    ExecutionInfo env = client.submit(ProcessRequest.builder("env").env("GREETING", "hi").build()).result().get(60, TimeUnit.SECONDS);
    assertThat(json(env).get("stdout").asText()).contains("GREETING=hi").doesNotContain("hunter2");
  }

  @Test
  void aNonZeroExitFailsWithTheCodeAndStderrAndABadRequestIsAnInvalidPayload() throws Exception {
    ExecutionInfo failed = client.submit(ProcessRequest.builder("sh").args("-c", "echo broken >&2; exit 7").build())
        .result().get(60, TimeUnit.SECONDS);
    assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(failed.error().type()).isEqualTo("io.taskgrid.worker.ProcessFailedException");
    assertThat(failed.error().message()).contains("exited with code 7; stderr: broken");

    ExecutionInfo refused = client.submit(ProcessRequest.builder("cat").args("/etc/passwd").build()).result().get(60, TimeUnit.SECONDS);
    assertThat(refused.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(refused.error().type()).isEqualTo("taskgrid.InvalidPayload");
    assertThat(refused.error().message()).startsWith("payload.program: 'cat' is not on the worker's allow-list");
  }

  @Test
  void aWatcherSeesOutputLinesWhileTheProgramRunsAndACancelKillsItsWholeTree() throws Exception {
    TaskHandle handle = client.submit(ProcessRequest.builder("sh")
        .args("-c", "trap '' TERM; while [ ! -e go ]; do sleep 0.1; done; sleep 120 & echo $! > pids; echo $$ >> pids; "
            + "echo tree-started; echo on-stderr >&2; wait")
        .toTaskRequestBuilder().timeout(Duration.ofMinutes(5)).build());
    List<String> lines = new CopyOnWriteArrayList<>();
    List<ExecutionStatus> states = new CopyOnWriteArrayList<>();
    client.watch(handle.id(), info -> states.add(info.status()), line -> lines.add(line.stream() + ":" + line.text() + "#" + line.sequence()));
    await().atMost(Duration.ofSeconds(60)).until(() -> states.contains(ExecutionStatus.RUNNING));
    Files.createFile(root.resolve("go")); // the program prints only now that the watch is open

    await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() == 2);
    // the two streams are read side by side: their lines are numbered in the order they were read
    assertThat(lines).extracting(l -> l.substring(0, l.indexOf('#'))).containsExactlyInAnyOrder("STDOUT:tree-started", "STDERR:on-stderr");
    assertThat(lines).extracting(l -> l.substring(l.indexOf('#') + 1)).containsExactlyInAnyOrder("1", "2");
    assertThat(client.get(handle.id()).status()).isEqualTo(ExecutionStatus.RUNNING); // live, not at the end
    Path pids = root.resolve("pids");
    List<Long> tree = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
    assertThat(tree).hasSize(2).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isPresent());

    handle.cancel();

    assertThat(handle.result().get(30, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.CANCELLED);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(tree).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty()));
  }
}
