package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionAttempt;
import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.RetryPolicy;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.coordinator.CoordinatorMain;
import io.taskgrid.e2e.support.JavaProcess;
import io.taskgrid.e2e.support.RetryWorkerMain;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.worker.HandlerOptions;
import io.taskgrid.worker.InvalidPayloadException;
import io.taskgrid.worker.NonRetryableException;
import io.taskgrid.worker.TaskHandler;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries of failed attempts: recorded per attempt, released on time, surviving killed workers and coordinators. */
class RetryIT {
  private final TestCluster cluster = new TestCluster();
  @TempDir Path dir;

  /** One start of a handler: which execution, which attempt, when, on which worker. */
  private record Start(String executionId, int attempt, Instant at) {}

  private final List<Start> starts = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** Fails every attempt before the one the payload names. */
  private TaskHandler flaky() {
    return ctx -> {
      starts.add(new Start(ctx.executionId(), ctx.attempt(), Instant.now()));
      if (ctx.attempt() < Integer.parseInt(ctx.payloadText())) throw new IllegalStateException("attempt " + ctx.attempt() + " fails");
      return "ok";
    };
  }

  private List<Start> startsOf(String executionId) {
    return starts.stream().filter(s -> s.executionId().equals(executionId)).toList();
  }

  private static TaskRequest flakyRequest(int succeedsAt, RetryPolicy retry) {
    return TaskRequest.builder("flaky").payloadText(Integer.toString(succeedsAt)).retry(retry).build();
  }

  @Test
  void aHandlerFailingTwiceSucceedsOnItsThirdAttemptAndTheWaitingClientGetsOnlyTheFinalOutcome() {
    Coordinator coordinator = cluster.coordinator();
    Worker worker = cluster.worker(List.of(TestCluster.address(coordinator)), w -> w.handler("flaky", flaky()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());

    TaskHandle handle = client.submit(flakyRequest(3, RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(500)).fixed().build()));
    CompletableFuture<ExecutionInfo> result = handle.result();

    await().atMost(Duration.ofSeconds(30)).until(() -> client.get(handle.id()).status() == ExecutionStatus.RETRY_SCHEDULED);
    ExecutionInfo waiting = client.get(handle.id());
    assertThat(waiting.nextAttemptAt()).isNotNull();
    assertThat(waiting.attempts()).extracting(ExecutionAttempt::number).contains(1);
    assertThat(result).isNotDone();

    ExecutionInfo done = result.join();
    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(3);
    assertThat(done.attempts()).extracting(ExecutionAttempt::number).containsExactly(1, 2, 3);
    assertThat(done.attempts()).extracting(ExecutionAttempt::status)
        .containsExactly(ExecutionStatus.FAILED, ExecutionStatus.FAILED, ExecutionStatus.SUCCEEDED);
    assertThat(done.attempts().subList(0, 2)).allSatisfy(a -> {
      assertThat(a.error().type()).isEqualTo("java.lang.IllegalStateException");
      assertThat(a.error().message()).isEqualTo("attempt " + a.number() + " fails");
      assertThat(a.workerId()).isEqualTo(worker.id());
      assertThat(a.finishedAt()).isNotNull();
    });
    assertThat(done.attempts().get(2).workerId()).isEqualTo(worker.id());
    assertThat(done.nextAttemptAt()).isNull();
    assertThat(startsOf(handle.id())).extracting(Start::attempt).containsExactly(1, 2, 3);
  }

  @Test
  void nonRetryableFailuresEndTheExecutionAfterOneAttempt() {
    Coordinator coordinator = cluster.coordinator();
    cluster.worker(List.of(TestCluster.address(coordinator)), w -> w
        .handler("fatal", ctx -> {
          starts.add(new Start(ctx.executionId(), ctx.attempt(), Instant.now()));
          throw new NonRetryableException("account closed");
        })
        .handler("invalid", ctx -> {
          starts.add(new Start(ctx.executionId(), ctx.attempt(), Instant.now()));
          throw new InvalidPayloadException("not a number");
        })
        .handler("declared", HandlerOptions.builder().nonRetryable(IllegalArgumentException.class).build(), ctx -> {
          starts.add(new Start(ctx.executionId(), ctx.attempt(), Instant.now()));
          throw new IllegalArgumentException("bad input");
        }));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    RetryPolicy three = RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(100)).fixed().build();

    for (String handler : List.of("fatal", "invalid", "declared")) {
      TaskHandle h = client.submit(TaskRequest.builder(handler).payloadText("x").retry(three).build());
      ExecutionInfo done = h.await(Duration.ofSeconds(30));
      assertThat(done.status()).as(handler).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.attempt()).as(handler).isEqualTo(1);
      assertThat(done.attempts()).as(handler).hasSize(1);
      assertThat(startsOf(h.id())).as(handler).hasSize(1);
    }
  }

  @Test
  void theHandlersDefaultRetryPolicyAppliesWhenTheRequestHasNone() {
    Coordinator coordinator = cluster.coordinator();
    HandlerOptions options = HandlerOptions.builder()
        .retry(io.taskgrid.core.policy.RetryPolicy.of(2, Duration.ofMillis(200), io.taskgrid.core.policy.RetryPolicy.Backoff.FIXED, 0,
            null, 0, null, null))
        .build();
    cluster.worker(List.of(TestCluster.address(coordinator)), w -> w.handler("flaky", options, flaky()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());

    TaskHandle h = client.submit(TaskRequest.builder("flaky").payloadText("2").build());

    assertThat(h.await(Duration.ofSeconds(30)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(startsOf(h.id())).extracting(Start::attempt).containsExactly(1, 2);
  }

  @Test
  void aRetryWhoseWorkerIsKilledDuringTheBackoffStillRunsOnceNotBeforeItIsDue() throws Exception {
    Coordinator coordinator = cluster.coordinator();
    String address = TestCluster.address(coordinator);
    Path journal = dir.resolve("a.journal");
    JavaProcess a = cluster.own(JavaProcess.start(RetryWorkerMain.class, workerEnv("worker-a", address, journal), "WORKER_READY",
        Duration.ofSeconds(60), dir));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(address).build());

    TaskHandle h = client.submit(flakyRequest(2, RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofSeconds(6)).fixed().build()));
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.get(h.id()).status() == ExecutionStatus.RETRY_SCHEDULED);
    Instant due = client.get(h.id()).nextAttemptAt();
    Worker b = cluster.worker(List.of(address), w -> w.handler("flaky", flaky()));
    a.kill();

    ExecutionInfo done = h.await(Duration.ofSeconds(90));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.attempts()).extracting(ExecutionAttempt::workerId).containsExactly("worker-a", b.id());
    List<Start> onB = startsOf(h.id());
    assertThat(onB).extracting(Start::attempt).containsExactly(2);
    assertThat(onB.getFirst().at()).isAfterOrEqualTo(due);
    System.out.printf("RetryIT: the retry after the killed worker started %d ms after it was due%n",
        Duration.between(due, onB.getFirst().at()).toMillis());
  }

  @Test
  void aOneMinuteRetrySurvivesTheKillOfTheLeadingCoordinatorAndRunsOnce() throws Exception {
    int firstPort = TestCluster.freePort();
    int secondPort = TestCluster.freePort();
    List<String> addresses = List.of("127.0.0.1:" + firstPort, "127.0.0.1:" + secondPort);
    Map<String, String> env = new HashMap<>(cluster.coordinatorEnv());
    env.put(CoordinatorConfig.GRPC_PORT.name(), Integer.toString(firstPort));
    env.put(CoordinatorConfig.COORDINATOR_ID.name(), "coordinator-a");
    env.put(CoordinatorConfig.LEADER_LEASE.name(), "2s");
    JavaProcess first = cluster.own(JavaProcess.start(CoordinatorMain.class, env, "TASKGRID_COORDINATOR_READY", Duration.ofSeconds(60), dir));
    cluster.worker(addresses, w -> w.handler("flaky", flaky()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(addresses).build());

    TaskHandle h = client.submit(flakyRequest(2, RetryPolicy.builder().maxAttempts(2).initialDelay(Duration.ofMinutes(1)).fixed().build()));
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> client.get(h.id()).status() == ExecutionStatus.RETRY_SCHEDULED);
    Instant due = client.get(h.id()).nextAttemptAt();
    first.kill();
    cluster.coordinator(secondPort);

    ExecutionInfo done = h.await(Duration.ofMinutes(3));

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(startsOf(h.id())).extracting(Start::attempt).containsExactly(1, 2);
    assertThat(startsOf(h.id()).get(1).at()).isAfterOrEqualTo(due);
    System.out.printf("RetryIT: the 1-minute retry after the coordinator restart started %d ms after it was due%n",
        Duration.between(due, startsOf(h.id()).get(1).at()).toMillis());
  }

  @Test
  void aPendingRetryRunsOnceAfterRedisLosesAllItsData() {
    RedisProcess redis = cluster.own(RedisProcess.start(false));
    cluster.redis(redis.redisUrl());
    Coordinator coordinator = cluster.coordinator();
    String address = TestCluster.address(coordinator);
    Worker worker = cluster.worker(List.of(address), w -> w.handler("flaky", flaky()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(address).build());

    TaskHandle h = client.submit(flakyRequest(2, RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofSeconds(5)).fixed().build()));
    CompletableFuture<ExecutionInfo> result = h.result();
    await().atMost(Duration.ofSeconds(30)).until(() -> client.get(h.id()).status() == ExecutionStatus.RETRY_SCHEDULED);
    Instant due = client.get(h.id()).nextAttemptAt();
    redis.kill();
    redis.restart(); // without persistence: it comes back empty

    ExecutionInfo done = result.orTimeout(90, java.util.concurrent.TimeUnit.SECONDS).join();

    assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.attempt()).isEqualTo(2);
    assertThat(done.result().asText()).isEqualTo("ok");
    assertThat(client.get(h.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(startsOf(h.id())).extracting(Start::attempt).containsExactly(1, 2);
    assertThat(startsOf(h.id()).get(1).at()).isAfterOrEqualTo(due);
    // the record of attempt 1 was in the lost data; the recreated record knows attempt 2 only
    assertThat(done.attempts()).extracting(ExecutionAttempt::number).containsExactly(2);
    assertThat(done.attempts().getFirst().workerId()).isEqualTo(worker.id());
  }

  private Map<String, String> workerEnv(String id, String coordinator, Path journal) {
    Map<String, String> env = new HashMap<>();
    env.put(WorkerConfig.KAFKA_BOOTSTRAP.name(), cluster.infra().kafkaBootstrap());
    env.put(WorkerConfig.REDIS_URL.name(), cluster.infra().redisUrl());
    env.put(WorkerConfig.COORDINATORS.name(), coordinator);
    env.put(WorkerConfig.NAMESPACE.name(), cluster.namespace());
    env.put(WorkerConfig.TASKS_TOPIC.name(), cluster.topic());
    env.put(WorkerConfig.GROUP.name(), cluster.group());
    env.put(WorkerConfig.WORKER_ID.name(), id);
    env.put(WorkerConfig.CLAIM_LEASE.name(), "3s");
    env.put(WorkerConfig.SESSION_TIMEOUT.name(), "3s");
    env.put("JOURNAL", journal.toString());
    return env;
  }
}
