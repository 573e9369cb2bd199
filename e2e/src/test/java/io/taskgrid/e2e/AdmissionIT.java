package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ConcurrencyPolicy;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.RateLimitPolicy;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskInfo;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.GuardedWorkerMain;
import io.taskgrid.e2e.support.Inspect;
import io.taskgrid.e2e.support.JavaProcess;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Concurrency limits and rate limits across three worker processes, checked from the handler's
 * side: the handler counts in Redis how many of it run at once and when each started. One cluster
 * for all tests (starting three JVMs is the slow part); each test uses keys of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdmissionIT {
  private final TestCluster cluster = new TestCluster();
  private final List<JavaProcess> workers = new ArrayList<>();
  private Coordinator coordinator;
  private TaskgridClient client;
  private RedissonClient redis;
  @TempDir static Path dir;

  @BeforeAll
  void start() throws Exception {
    coordinator = cluster.coordinator();
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    redis = Inspect.redis(cluster.redisUrl());
    List<CompletableFuture<JavaProcess>> starting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = "worker-" + i;
      starting.add(CompletableFuture.supplyAsync(() -> startWorker(id)));
    }
    for (CompletableFuture<JavaProcess> f : starting) workers.add(f.get(90, TimeUnit.SECONDS));
  }

  @AfterAll
  void stop() {
    cluster.close();
    redis.shutdown();
  }

  private JavaProcess startWorker(String name) {
    Map<String, String> env = new HashMap<>();
    env.put(WorkerConfig.KAFKA_BOOTSTRAP.name(), cluster.infra().kafkaBootstrap());
    env.put(WorkerConfig.REDIS_URL.name(), cluster.redisUrl());
    env.put(WorkerConfig.COORDINATORS.name(), TestCluster.address(coordinator));
    env.put(WorkerConfig.NAMESPACE.name(), cluster.namespace());
    env.put(WorkerConfig.TASKS_TOPIC.name(), cluster.topic());
    env.put(WorkerConfig.GROUP.name(), cluster.group());
    env.put(WorkerConfig.WORKER_ID.name(), name);
    env.put(WorkerConfig.CONCURRENCY.name(), "16");
    env.put(WorkerConfig.CLAIM_LEASE.name(), "3s");
    env.put(WorkerConfig.SESSION_TIMEOUT.name(), "3s");
    env.put("RECORD", "test:" + cluster.namespace());
    try {
      return cluster.own(JavaProcess.start(GuardedWorkerMain.class, env, "WORKER_READY", Duration.ofSeconds(90), dir));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String record() {
    return "test:" + cluster.namespace();
  }

  private long maxRunningAtOnce() {
    String v = (String) redis.getBucket(record() + ":max", StringCodec.INSTANCE).get();
    return v == null ? 0 : Long.parseLong(v);
  }

  private List<String[]> starts() {
    return redis.<String>getList(record() + ":starts", StringCodec.INSTANCE).readAll().stream().map(s -> s.split(" ")).toList();
  }

  private void resetRecord() {
    redis.getKeys().delete(record() + ":max", record() + ":starts", record() + ":running");
  }

  private String reason(String executionId) {
    return (String) redis.getMap("tg:" + cluster.namespace() + ":exec:" + executionId, StringCodec.INSTANCE).get("rs");
  }

  private String status(String executionId) {
    return (String) redis.getMap("tg:" + cluster.namespace() + ":exec:" + executionId, StringCodec.INSTANCE).get("s");
  }

  private static TaskRequest guarded(String label, long sleepMs, ConcurrencyPolicy policy) {
    return TaskRequest.builder("guarded").payloadText(label + ":" + sleepMs).concurrency(policy).build();
  }

  private List<ExecutionStatus> awaitAll(List<TaskHandle> handles, Duration timeout) {
    List<ExecutionStatus> out = new ArrayList<>();
    for (TaskHandle h : handles) out.add(h.await(timeout).status());
    return out;
  }

  @Test
  void skipsOverlappingExecutionsAndNeverRunsTwoAtOnce() {
    resetRecord();
    ConcurrencyPolicy skip = ConcurrencyPolicy.key("skip-" + cluster.namespace()).limit(1).overlap(ConcurrencyPolicy.Overlap.SKIP).build();
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 50; i++) handles.add(client.submit(guarded("s" + i, 300, skip)));
    List<ExecutionStatus> statuses = awaitAll(handles, Duration.ofSeconds(60));

    assertThat(statuses).containsOnly(ExecutionStatus.SUCCEEDED, ExecutionStatus.SKIPPED).contains(ExecutionStatus.SUCCEEDED, ExecutionStatus.SKIPPED);
    assertThat(maxRunningAtOnce()).isEqualTo(1);
    for (int i = 0; i < handles.size(); i++) {
      if (statuses.get(i) == ExecutionStatus.SKIPPED) assertThat(reason(handles.get(i).id())).isEqualTo("previous_instance_running");
    }
  }

  @Test
  void aRegisteredTaskWithASkipPolicyFromTheSdkSkipsAFireWhileItsPreviousRunIsRunning() {
    resetRecord();
    String id = "single-" + cluster.namespace();
    TaskInfo created = client.tasks().create(TaskDefinition.builder(id, "guarded")
        .payloadText("single:60000")
        .concurrency(ConcurrencyPolicy.key("").limit(1).overlap(ConcurrencyPolicy.Overlap.SKIP).build())
        .rateLimit(RateLimitPolicy.of(100, Duration.ofSeconds(1)).key("single-rate-" + cluster.namespace()).build())
        .build());

    // the cluster keeps the policy with its defaults filled in: the key of a task's limit is its id
    assertThat(client.tasks().get(id).definition().concurrency())
        .contains(ConcurrencyPolicy.key(id).limit(1).overlap(ConcurrencyPolicy.Overlap.SKIP).maxQueued(1_000).build());
    assertThat(created.definition().rateLimit()).contains(RateLimitPolicy.of(100, Duration.ofSeconds(1)).key("single-rate-" + cluster.namespace())
        .window(RateLimitPolicy.Window.SLIDING).onExcess(RateLimitPolicy.Excess.DELAY).build());

    TaskHandle first = client.tasks().runNow(id);
    await().atMost(Duration.ofSeconds(30)).until(() -> client.get(first.id()).status() == ExecutionStatus.RUNNING);
    TaskHandle second = client.tasks().runNow(id);

    assertThat(second.await(Duration.ofSeconds(30)).status()).isEqualTo(ExecutionStatus.SKIPPED);
    assertThat(reason(second.id())).isEqualTo("previous_instance_running");
    assertThat(client.get(first.id()).status()).isEqualTo(ExecutionStatus.RUNNING);
    client.cancel(first.id());
    assertThat(first.await(Duration.ofSeconds(30)).status()).isEqualTo(ExecutionStatus.CANCELLED);
    client.tasks().delete(id);
  }

  @Test
  void queuedExecutionsAllRunOneAtATimeInArrivalOrder() {
    resetRecord();
    ConcurrencyPolicy queue = ConcurrencyPolicy.key("queue-" + cluster.namespace()).limit(1).overlap(ConcurrencyPolicy.Overlap.QUEUE).build();
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      TaskHandle h = client.submit(guarded("q" + i, 30, queue));
      handles.add(h);
      // the next arrives after this one is queued (or running), so arrival order is submission order
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
        String s = status(h.id());
        return s != null && !s.equals("PENDING");
      });
    }
    assertThat(awaitAll(handles, Duration.ofSeconds(60))).containsOnly(ExecutionStatus.SUCCEEDED);
    assertThat(maxRunningAtOnce()).isEqualTo(1);
    List<String> order = starts().stream().map(s -> s[0]).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 50; i++) expected.add("q" + i);
    assertThat(order).containsExactlyElementsOf(expected);
  }

  @Test
  void replacingCancelsTheRunningExecutionAndTheNewestRunsToTheEnd() {
    resetRecord();
    ConcurrencyPolicy replace = ConcurrencyPolicy.key("replace-" + cluster.namespace()).limit(1).overlap(ConcurrencyPolicy.Overlap.REPLACE).build();
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 50; i++) handles.add(client.submit(guarded("r" + i, 2000, replace)));
    List<ExecutionStatus> statuses = awaitAll(handles, Duration.ofSeconds(90));

    assertThat(statuses.get(49)).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(statuses.subList(0, 49)).isSubsetOf(ExecutionStatus.CANCELLED, ExecutionStatus.SUCCEEDED);
    assertThat(statuses).contains(ExecutionStatus.CANCELLED);
    for (int i = 0; i < handles.size(); i++) {
      if (statuses.get(i) == ExecutionStatus.CANCELLED) assertThat(reason(handles.get(i).id())).isEqualTo("replaced");
    }
    assertThat(maxRunningAtOnce()).isEqualTo(1);
  }

  /** How much later than its stamp in the rate budget a handler may read its clock (see below). */
  private static final long HANDLER_CLOCK_ALLOWANCE_MS = 100;

  @Test
  void threeWorkersShareOneRateBudget() {
    resetRecord();
    RateLimitPolicy tenPerSecond = RateLimitPolicy.of(10, Duration.ofSeconds(1)).key("rate-" + cluster.namespace()).build();
    List<TaskHandle> handles = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      handles.add(client.submit(TaskRequest.builder("guarded").payloadText("t" + i + ":1").rateLimit(tenPerSecond).build()));
    }
    assertThat(awaitAll(handles, Duration.ofSeconds(90))).containsOnly(ExecutionStatus.SUCCEEDED);

    List<Long> times = starts().stream().map(s -> Long.parseLong(s[1])).sorted().toList();
    assertThat(times).hasSize(200);
    // the budget stamps each start in Redis (sliding-started.lua) just before the handler runs; the
    // handler then reads its own clock, a few ms later on a busy machine, and later for some starts
    // than for others. The stamps keep 10 in any second; the handlers' clocks are checked over
    // windows shorter by that allowance (a start that really came early would still show).
    long window = 1000 - HANDLER_CLOCK_ALLOWANCE_MS;
    int most = 0;
    int at = 0;
    for (int i = 0, j = 0; i < times.size(); i++) {
      while (times.get(i) - times.get(j) >= window) j++;
      if (i - j + 1 > most) {
        most = i - j + 1;
        at = j;
      }
    }
    System.out.println("RATE busiest window starts at " + at + ": " + times.subList(Math.max(0, at - 12), Math.min(times.size(), at + most + 12)));
    assertThat(most).as("starts in the busiest %d ms window", window).isLessThanOrEqualTo(10);
  }

  @Test
  void aKilledWorkersPermitFreesWithinTheLease() throws Exception {
    resetRecord();
    ConcurrencyPolicy queue = ConcurrencyPolicy.key("kill-" + cluster.namespace()).limit(1).overlap(ConcurrencyPolicy.Overlap.QUEUE).build();
    TaskHandle first = client.submit(guarded("k0", 4000, queue));
    await().atMost(Duration.ofSeconds(20)).until(() -> "RUNNING".equals(status(first.id())));
    String owner = (String) redis.getMap("tg:" + cluster.namespace() + ":exec:" + first.id(), StringCodec.INSTANCE).get("w");
    TaskHandle second = client.submit(guarded("k1", 10, queue));
    JavaProcess victim = workers.get(Integer.parseInt(owner.substring("worker-".length())));
    victim.kill();
    long killedAt = System.currentTimeMillis();
    // the killed handler never counts itself out: from now on nothing runs until the permit frees
    redis.getKeys().delete(record() + ":max", record() + ":running");
    workers.set(workers.indexOf(victim), startWorker(owner)); // the next tests keep three workers

    assertThat(second.await(Duration.ofSeconds(60)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(first.await(Duration.ofSeconds(60)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    long firstStartAfterKill = starts().stream().map(s -> Long.parseLong(s[1])).filter(t -> t > killedAt).min(Long::compare).orElseThrow();
    // the permit's lease (3 s), then the next recheck; the Kafka rebalance runs alongside
    assertThat(firstStartAfterKill - killedAt).isLessThan(10_000);
    assertThat(maxRunningAtOnce()).isEqualTo(1);
  }
}
