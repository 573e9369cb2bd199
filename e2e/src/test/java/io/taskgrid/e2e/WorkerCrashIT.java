package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.JavaProcess;
import io.taskgrid.e2e.support.JournalWorkerMain;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worker processes killed with SIGKILL while running tasks. */
class WorkerCrashIT {
  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  @TempDir Path dir;

  private JavaProcess startWorker(Coordinator c, String name, Path journal) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(WorkerConfig.KAFKA_BOOTSTRAP.name(), cluster.infra().kafkaBootstrap());
    env.put(WorkerConfig.REDIS_URL.name(), cluster.infra().redisUrl());
    env.put(WorkerConfig.COORDINATORS.name(), TestCluster.address(c));
    env.put(WorkerConfig.NAMESPACE.name(), cluster.namespace());
    env.put(WorkerConfig.TASKS_TOPIC.name(), cluster.topic());
    env.put(WorkerConfig.GROUP.name(), cluster.group());
    env.put(WorkerConfig.WORKER_ID.name(), name);
    env.put(WorkerConfig.CONCURRENCY.name(), "8");
    env.put(WorkerConfig.CLAIM_LEASE.name(), "3s");
    env.put(WorkerConfig.SESSION_TIMEOUT.name(), "3s");
    env.put("JOURNAL", journal.toString());
    return cluster.own(JavaProcess.start(JournalWorkerMain.class, env, "WORKER_READY", Duration.ofSeconds(60), dir));
  }

  private static List<String[]> read(Path journal) throws Exception {
    if (!Files.exists(journal)) return List.of();
    return Files.readAllLines(journal).stream().filter(l -> l.contains(" ")).map(l -> l.split(" ", 2)).toList();
  }

  @Test
  void everyAcceptedTaskCompletesWhenAWorkerIsKilledMidFlightAndNoRecordedOutcomeRunsAgain() throws Exception {
    Coordinator coordinator = cluster.coordinator();
    Path journalA = dir.resolve("a.journal");
    Path journalB = dir.resolve("b.journal");
    JavaProcess a = startWorker(coordinator, "worker-a", journalA);
    JavaProcess b = startWorker(coordinator, "worker-b", journalB);
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());

    // one batch, so a backlog exists at once: submitted one by one on a busy machine, the tasks
    // trickle in slower than two workers finish them and A never has several in flight to lose
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < 200; i++) requests.add(TaskRequest.builder("journal").payloadText("150").build());
    List<TaskHandle> handles = new ArrayList<>(client.submitAll(requests));

    // kill A while it has tasks started and not finished
    await().atMost(Duration.ofSeconds(60)).until(() -> inFlight(read(journalA)) >= 4);
    a.kill();
    List<String[]> aLines = read(journalA);
    long startedOnA = aLines.stream().filter(l -> l[0].equals("start")).count();
    assertThat(inFlight(aLines)).isGreaterThan(0);

    CompletableFuture.allOf(handles.stream().map(TaskHandle::result).toArray(CompletableFuture[]::new))
        .get(180, TimeUnit.SECONDS);
    Map<String, List<String>> doneOnB = read(journalB).stream().filter(l -> l[0].equals("done"))
        .collect(Collectors.groupingBy(l -> l[1], Collectors.mapping(l -> l[1], Collectors.toList())));
    for (TaskHandle h : handles) {
      ExecutionInfo info = h.result().get();
      assertThat(info.status()).as(h.id()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(info.result().asText()).isEqualTo(h.id());
      if (info.workerId().equals("worker-b")) {
        // finished once on B, whatever A did before it died
        assertThat(doneOnB.get(h.id())).as(h.id()).hasSize(1);
      } else {
        // recorded from A before the kill: B never ran it
        assertThat(info.workerId()).isEqualTo("worker-a");
        assertThat(read(journalB).stream().noneMatch(l -> l[1].equals(h.id()))).as(h.id()).isTrue();
      }
    }
    // the executions A left unfinished were restarted on B as a later attempt
    long restarted = handles.stream().map(h -> h.result().join()).filter(i -> i.attempt() > 1).count();
    assertThat(restarted).isGreaterThan(0);
    assertThat(startedOnA).isGreaterThan(0);
    b.close();
  }

  private static long inFlight(List<String[]> lines) {
    Map<String, Long> counts = lines.stream().collect(Collectors.groupingBy(l -> l[1], Collectors.counting()));
    return counts.values().stream().filter(n -> n == 1).count();
  }
}
