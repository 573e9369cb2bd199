package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.coordinator.CoordinatorMain;
import io.taskgrid.e2e.support.Inspect;
import io.taskgrid.e2e.support.JavaProcess;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.embedded.KafkaProcess;
import io.taskgrid.embedded.RedisProcess;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Accepted tasks complete when a coordinator process, the Kafka broker or Redis is killed with
 * SIGKILL and started again while they are in flight.
 */
@Isolated("kills and restarts processes of its own on a timetable; runs with the machine to itself")
class KilledComponentsIT {
  private static final int TASKS = 200;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // keep closing
      }
    }
  }

  private <T extends AutoCloseable> T own(T r) {
    resources.add(r);
    return r;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Worker worker(String kafka, String redis, String coordinator) {
    WorkerConfig config = WorkerConfig.defaults(kafka, redis, coordinator)
        .withNamespace("killed").withTopicAndGroup("killed.tasks", "killed-workers").withConcurrency(4)
        .withClaimLease(Duration.ofSeconds(3)).withSessionTimeout(Duration.ofSeconds(3));
    return own(Worker.builder(config).handler("slow", ctx -> {
      runs.computeIfAbsent(ctx.executionId(), k -> new AtomicInteger()).incrementAndGet();
      Thread.sleep(50); // four at a time: the 200 tasks take about 2.5 s
      return ctx.payloadText();
    }).build().start());
  }

  private CoordinatorConfig coordinatorConfig(String kafka, String redis, int port) {
    return CoordinatorConfig.defaults(kafka, redis).withNamespace("killed").withTasksTopic("killed.tasks", 4).withGrpcPort(port);
  }

  /** Submits the tasks before any worker runs, so the kill lands while most are still to do. */
  private List<TaskHandle> submit(TaskgridClient client) {
    List<TaskRequest> requests = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) requests.add(TaskRequest.builder("slow").payloadText("p" + i).build());
    return new ArrayList<>(client.submitAll(requests));
  }

  /** A client and the tasks it submitted, some of them done. */
  private record Underway(TaskgridClient client, List<TaskHandle> handles) {}

  /** An in-process coordinator and worker over {@code kafka} and {@code redis}, with work under way. */
  private Underway startClusterAndAwaitWork(KafkaProcess kafka, RedisProcess redis) {
    Coordinator coordinator = own(new Coordinator(coordinatorConfig(kafka.bootstrapServers(), redis.redisUrl(), 0)).start());
    String address = TestCluster.address(coordinator);
    TaskgridClient client = own(TaskgridClient.builder().coordinators(address).build());
    List<TaskHandle> handles = submit(client);
    worker(kafka.bootstrapServers(), redis.redisUrl(), address);
    await().atMost(Duration.ofSeconds(60)).until(() -> runs.size() >= 20);
    return new Underway(client, handles);
  }

  private void assertAllSucceeded(TaskgridClient client, List<TaskHandle> handles) throws Exception {
    CompletableFuture.allOf(handles.stream().map(TaskHandle::result).toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
    for (int i = 0; i < handles.size(); i++) {
      ExecutionInfo info = handles.get(i).result().get();
      assertThat(info.status()).as(info.executionId()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(info.result().asText()).isEqualTo("p" + i);
      assertThat(client.get(info.executionId()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
    assertThat(runs).hasSize(handles.size());
  }

  @Test
  void everyAcceptedTaskCompletesWhenTheCoordinatorProcessIsKilledAndRestarted() throws Exception {
    RedisProcess redis = own(RedisProcess.start());
    KafkaProcess kafka = own(KafkaProcess.start());
    int port = freePort();
    Map<String, String> env = new HashMap<>();
    env.put(CoordinatorConfig.KAFKA_BOOTSTRAP.name(), kafka.bootstrapServers());
    env.put(CoordinatorConfig.REDIS_URL.name(), redis.redisUrl());
    env.put(CoordinatorConfig.GRPC_PORT.name(), Integer.toString(port));
    env.put(CoordinatorConfig.NAMESPACE.name(), "killed");
    env.put(CoordinatorConfig.TASKS_TOPIC.name(), "killed.tasks");
    env.put(CoordinatorConfig.TASKS_TOPIC_PARTITIONS.name(), "4");
    JavaProcess first = own(JavaProcess.start(CoordinatorMain.class, env, "TASKGRID_COORDINATOR_READY", Duration.ofSeconds(60), dir));
    TaskgridClient client = own(TaskgridClient.builder().coordinators("127.0.0.1:" + port).build());
    List<TaskHandle> handles = submit(client);
    worker(kafka.bootstrapServers(), redis.redisUrl(), "127.0.0.1:" + port);

    await().atMost(Duration.ofSeconds(60)).until(() -> runs.size() >= 20);
    first.kill();
    assertThat(runs.size()).isLessThan(TASKS);
    own(JavaProcess.start(CoordinatorMain.class, env, "TASKGRID_COORDINATOR_READY", Duration.ofSeconds(60), dir));

    assertAllSucceeded(client, handles);
    assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
  }

  @Test
  void everyAcceptedTaskCompletesWhenTheKafkaBrokerIsKilledAndRestarted() throws Exception {
    RedisProcess redis = own(RedisProcess.start());
    KafkaProcess kafka = own(KafkaProcess.start());
    Underway underway = startClusterAndAwaitWork(kafka, redis);
    TaskgridClient client = underway.client();
    List<TaskHandle> handles = underway.handles();
    kafka.kill();
    assertThat(runs.size()).isLessThan(TASKS);
    kafka.restart();

    // every acknowledged message survived the kill, and the cluster accepts new work afterwards
    assertThat(Inspect.messagesIn(kafka.bootstrapServers(), "killed.tasks", 4)).isEqualTo(TASKS);
    handles.add(client.submit(TaskRequest.builder("slow").payloadText("p" + TASKS).build()));
    assertAllSucceeded(client, handles);
  }

  @Test
  void everyAcceptedTaskCompletesWhenRedisIsKilledAndRestarted() throws Exception {
    RedisProcess redis = own(RedisProcess.start(true));
    KafkaProcess kafka = own(KafkaProcess.start());
    Underway underway = startClusterAndAwaitWork(kafka, redis);
    TaskgridClient client = underway.client();
    List<TaskHandle> handles = underway.handles();
    redis.kill();
    assertThat(runs.size()).isLessThan(TASKS);
    redis.restart();

    assertAllSucceeded(client, handles);
  }
}
