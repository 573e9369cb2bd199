package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.coordinator.CoordinatorMain;
import io.taskgrid.e2e.support.JavaProcess;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.embedded.RedisSentinelCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis behind Sentinel (a primary, a replica, three sentinels): the primary is killed with
 * SIGKILL while tasks are being submitted and run; Sentinel promotes the replica, the coordinator
 * (a process configured only by {@code TASKGRID_REDIS_URL=redis-sentinel://…}) and the worker
 * follow it, and every task a client was told was accepted completes.
 */
@Isolated("kills and restarts processes of its own on a timetable; runs with the machine to itself")
class RedisSentinelFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(RedisSentinelFailoverIT.class);
  /** One submission every 10 ms: about 100 tasks a second, before, during and after the failover. */
  private static final long SUBMIT_EVERY_MS = 10;

  private final RedisSentinelCluster redis = RedisSentinelCluster.start();
  private final TestCluster cluster = new TestCluster().redis(redis.sentinelUrl());
  private final ScheduledExecutorService load =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("test-load").daemon().unstarted(r));
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  @TempDir Path dir;

  @AfterEach
  void stop() {
    load.shutdownNow();
    cluster.close();
    redis.close();
  }

  /** A submission the client was told was accepted, when it was sent and when the answer came. */
  private record Accepted(TaskHandle handle, String payload, long sentNanos, long acceptedNanos) {
    long waitMs() {
      return TimeUnit.NANOSECONDS.toMillis(acceptedNanos - sentNanos);
    }
  }

  @Test
  void everyAcceptedTaskCompletesWhenTheRedisPrimaryIsKilledAndSentinelPromotesTheReplica() throws Exception {
    int port = TestCluster.freePort();
    Map<String, String> env = new HashMap<>(cluster.coordinatorEnv());
    env.put(CoordinatorConfig.GRPC_PORT.name(), Integer.toString(port));
    assertThat(env.get(CoordinatorConfig.REDIS_URL.name())).startsWith("redis-sentinel://");
    cluster.own(JavaProcess.start(CoordinatorMain.class, env, "TASKGRID_COORDINATOR_READY", Duration.ofSeconds(60), dir));
    String address = "127.0.0.1:" + port;
    cluster.worker(List.of(address), b -> b.handler("work", ctx -> {
      runs.computeIfAbsent(ctx.executionId(), k -> new AtomicInteger()).incrementAndGet();
      return ctx.payloadText();
    }));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(address).build());

    ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger pending = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    load.scheduleAtFixedRate(() -> {
      String payload = "p" + sent.getAndIncrement();
      long sentAt = System.nanoTime();
      pending.incrementAndGet();
      client.submitAsync(TaskRequest.builder("work").payloadText(payload).build()).whenComplete((handle, error) -> {
        if (error == null) accepted.add(new Accepted(handle, payload, sentAt, System.nanoTime()));
        else refused.incrementAndGet(); // not accepted: the client was told so, and may submit again
        pending.decrementAndGet();
      });
    }, 0, SUBMIT_EVERY_MS, TimeUnit.MILLISECONDS);

    await().atMost(Duration.ofSeconds(60)).until(() -> runs.size() >= 200);
    long killedAt = System.nanoTime();
    int former = redis.killPrimary();
    int promoted = redis.awaitFailover(former, Duration.ofSeconds(30));
    long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    assertThat(promoted).isNotEqualTo(former);

    // the cluster accepts and runs new work on the new primary
    await().atMost(Duration.ofSeconds(60)).until(() -> accepted.stream().filter(a -> a.sentNanos() > killedAt).count() >= 200);
    load.shutdown();
    assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(60)).until(() -> pending.get() == 0);

    List<Accepted> all = List.copyOf(accepted);
    CompletableFuture.allOf(all.stream().map(a -> a.handle().result()).toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    for (Accepted a : all) {
      ExecutionInfo info = a.handle().result().get();
      assertThat(info.status()).as(info.executionId()).isEqualTo(ExecutionStatus.SUCCEEDED);
      assertThat(info.result().asText()).isEqualTo(a.payload());
      assertThat(client.get(info.executionId()).status()).as(info.executionId()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }
    assertThat(runs.keySet()).containsAll(all.stream().map(a -> a.handle().id()).toList());
    long ranTwice = runs.values().stream().filter(n -> n.get() > 1).count();
    long longestWait = all.stream().mapToLong(Accepted::waitMs).max().orElse(0);
    log.info("Sentinel failover: primary 127.0.0.1:{} killed, 127.0.0.1:{} promoted after {} ms; {} submissions, {} accepted and "
            + "completed, {} refused (the client was told), longest wait for an acceptance {} ms, {} ran twice",
        former, promoted, failoverMs, sent.get(), all.size(), refused.get(), longestWait, ranTwice);
  }
}
