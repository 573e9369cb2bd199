package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.SideTask;
import io.taskgrid.client.SideTaskState;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridInvalidArgumentException;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.e2e.support.JavaProcess;
import io.taskgrid.e2e.support.SideWorkerMain;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.redis.RedisConnection;
import io.taskgrid.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * A side task over three worker processes: one instance at a time (counted from inside the
 * handler), taken over when its worker is killed or stopped, cancelled when the task is deleted.
 */
class SideTaskIT {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private final TestCluster cluster = new TestCluster();
  private final RedissonClient redis = cluster.own(new Closer(
      new RedisConnection(cluster.workerConfig(List.of("127.0.0.1:1")).redisEndpoint(), "side-it", 1, 4).open())).client();
  private final String keys = "side-it:" + cluster.namespace();

  @TempDir Path dir;

  @AfterEach
  void stop() {
    cluster.close();
  }

  private record Closer(RedissonClient client) implements AutoCloseable {
    @Override
    public void close() {
      client.shutdown();
    }
  }

  private JavaProcess startWorker(Coordinator c, String name) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(WorkerConfig.KAFKA_BOOTSTRAP.name(), cluster.infra().kafkaBootstrap());
    env.put(WorkerConfig.REDIS_URL.name(), cluster.redisUrl());
    env.put(WorkerConfig.COORDINATORS.name(), TestCluster.address(c));
    env.put(WorkerConfig.NAMESPACE.name(), cluster.namespace());
    env.put(WorkerConfig.TASKS_TOPIC.name(), cluster.topic());
    env.put(WorkerConfig.REGISTRY_TOPIC.name(), cluster.coordinatorConfig(0).scheduling().registryTopic());
    env.put(WorkerConfig.GROUP.name(), cluster.group());
    env.put(WorkerConfig.WORKER_ID.name(), name);
    env.put(WorkerConfig.CLAIM_LEASE.name(), Long.toString(LEASE.toMillis()) + "ms");
    env.put(WorkerConfig.SESSION_TIMEOUT.name(), "3s");
    env.put(WorkerConfig.DRAIN_TIMEOUT.name(), "5s");
    env.put("SIDE_KEYS", keys);
    return cluster.own(JavaProcess.start(SideWorkerMain.class, env, "WORKER_READY", Duration.ofSeconds(60), dir));
  }

  private long running() {
    return redis.getAtomicLong(keys + ":running").get();
  }

  private long overlaps() {
    return redis.getAtomicLong(keys + ":overlaps").get();
  }

  private List<String> log() {
    return redis.<String>getList(keys + ":log", StringCodec.INSTANCE).readAll();
  }

  /** The log after the last {@code entry}. */
  private List<String> after(String entry) {
    List<String> all = log();
    return all.subList(all.lastIndexOf(entry) + 1, all.size());
  }

  private static Optional<SideTaskState> runningState(TaskgridClient client) {
    return client.tasks().get("watcher").sideState().filter(SideTaskState::running);
  }

  @Test
  void oneInstanceRunsAtATimeAndMovesWhenItsWorkerIsKilledOrStoppedUntilTheTaskIsDeleted() throws Exception {
    Coordinator coordinator = cluster.coordinator();
    Map<String, JavaProcess> workers = new LinkedHashMap<>();
    for (String name : List.of("side-a", "side-b", "side-c")) workers.put(name, startWorker(coordinator, name));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());

    client.tasks().create(TaskDefinition.builder("watcher", "side.counter").side(SideTask.defaults()).build());
    assertThatThrownBy(() -> client.tasks().runNow("watcher")).isInstanceOf(TaskgridInvalidArgumentException.class)
        .hasMessageContaining("side task");
    await().atMost(Duration.ofSeconds(30)).until(() -> running() == 1 && runningState(client).isPresent());
    SideTaskState first = runningState(client).orElseThrow();
    assertThat(workers).containsKey(first.worker());
    assertThat(first.since()).isPresent();
    assertThat(first.restarts()).isZero();

    // kill -9: the lease expires and another worker takes the task within the lease and a tick (1 s)
    workers.remove(first.worker()).kill();
    long killedAt = System.nanoTime();
    redis.getAtomicLong(keys + ":running").decrementAndGet(); // the killed instance never said goodbye
    await().atMost(LEASE.plusSeconds(1)).pollInterval(Duration.ofMillis(50))
        .until(() -> log().getLast().startsWith("start ") && !log().getLast().equals("start " + first.worker()));
    long tookOverMs = (System.nanoTime() - killedAt) / 1_000_000;
    await().atMost(Duration.ofSeconds(10)).until(() -> runningState(client).filter(s -> !s.worker().equals(first.worker())).isPresent());
    SideTaskState second = runningState(client).orElseThrow();
    assertThat(log().getLast()).isEqualTo("start " + second.worker());
    assertThat(running()).isEqualTo(1);
    assertThat(tookOverMs).isLessThanOrEqualTo(LEASE.toMillis() + 1000);

    // graceful stop: the instance is cancelled, onStop called, and the lease handed to the last worker
    workers.remove(second.worker()).close();
    String third = workers.keySet().iterator().next();
    await().atMost(Duration.ofSeconds(10)).until(() -> log().getLast().equals("start " + third));
    List<String> handover = log();
    assertThat(handover.subList(handover.lastIndexOf("start " + second.worker()), handover.size()))
        .contains("onStop " + second.worker(), "stop " + second.worker())
        .endsWith("start " + third);
    await().atMost(Duration.ofSeconds(10)).until(() -> runningState(client).filter(s -> s.worker().equals(third)).isPresent());

    // delete: the instance is cancelled and none runs
    client.tasks().delete("watcher");
    await().atMost(Duration.ofSeconds(10)).until(() -> running() == 0 && after("start " + third).size() == 2);
    assertThat(after("start " + third)).containsExactlyInAnyOrder("onStop " + third, "stop " + third);
    assertThatThrownBy(() -> client.tasks().get("watcher")).isInstanceOf(TaskgridNotFoundException.class);
    assertThat(redis.getBucket("tg:" + cluster.namespace() + ":side:watcher", StringCodec.INSTANCE).isExists()).isFalse();
    assertThat(overlaps()).isZero();
  }
}
