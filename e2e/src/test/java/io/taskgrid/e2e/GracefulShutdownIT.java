package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskDefinition;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.WorkerInfo;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.coordinator.CoordinatorConfig;
import io.taskgrid.e2e.support.Runs;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.Worker;
import io.taskgrid.worker.WorkerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers and coordinators stopped cleanly (close(), which SIGTERM runs): in-flight work finishes
 * or is handed back at once, and a standby takes scheduling over at once, not after leases expire.
 * Leases are set long (2 minutes) and every wait is bounded well below them.
 */
class GracefulShutdownIT {
  private static final Duration LONG_LEASE = Duration.ofMinutes(2);
  /** Well below {@link #LONG_LEASE}: what happens within it did not wait for a lease to expire. */
  private static final Duration PROMPTLY = Duration.ofSeconds(60);

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private WorkerConfig workerConfig(Coordinator c, String id) {
    return cluster.workerConfig(List.of(TestCluster.address(c))).withWorkerId(id + "-" + cluster.namespace()).withClaimLease(LONG_LEASE);
  }

  @Test
  void aWorkerClosedWhileItsHandlerRunsLetsItFinishAndReportsItSucceededWithoutASecondRun() throws Exception {
    Coordinator coordinator = cluster.coordinator();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Worker a = cluster.worker(workerConfig(coordinator, "a"), b -> b.handler("slow", ctx -> {
      runs.computeIfAbsent(ctx.executionId(), id -> new AtomicInteger()).incrementAndGet();
      started.countDown();
      finish.await(60, TimeUnit.SECONDS); // the test lets it finish once its worker drains
      return "done";
    }));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    TaskHandle handle = client.submit(TaskRequest.builder("slow").build());
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closed = CompletableFuture.runAsync(a::close);
    await().atMost(PROMPTLY).until(() -> a.state() == Worker.State.STOPPING);
    await().atMost(PROMPTLY).until(() -> client.workers().stream().anyMatch(w -> w.state() == WorkerInfo.State.DRAINING));
    finish.countDown();
    closed.get(60, TimeUnit.SECONDS);

    ExecutionInfo info = handle.result().get(60, TimeUnit.SECONDS);
    assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(info.result().asText()).isEqualTo("done");
    assertThat(info.attempt()).isEqualTo(1);
    assertThat(a.state()).isEqualTo(Worker.State.STOPPED);
    assertThat(client.workers()).isEmpty();
    // another worker of the group gets the partition and its committed offset: nothing runs again
    Map<String, Boolean> ranOnB = new ConcurrentHashMap<>();
    cluster.worker(workerConfig(coordinator, "b"), b -> b.handler("slow", ctx -> {
      ranOnB.put(ctx.executionId(), true);
      return "again";
    }));
    TaskHandle probe = client.submit(TaskRequest.builder("slow").build()); // runs on b: b consumes the partitions now
    assertThat(probe.result().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(ranOnB).containsOnlyKeys(probe.id());
    assertThat(runs).containsOnlyKeys(handle.id());
    assertThat(runs.get(handle.id()).get()).isEqualTo(1);
    assertThat(client.get(handle.id()).workerId()).isEqualTo(a.id());
  }

  @Test
  void aHandlerThatOutlivesTheDrainTimeoutIsHandedBackAndAnotherWorkerRunsItWithoutWaitingForTheClaimLease() throws Exception {
    Coordinator coordinator = cluster.coordinator();
    CountDownLatch startedOnA = new CountDownLatch(1);
    AtomicInteger interruptedOnA = new AtomicInteger();
    Worker a = cluster.worker(workerConfig(coordinator, "a").withDrainTimeout(Duration.ofSeconds(1)), b -> b.handler("long", ctx -> {
      startedOnA.countDown();
      try {
        new CountDownLatch(1).await(); // runs until interrupted
      } catch (InterruptedException e) {
        interruptedOnA.incrementAndGet();
        throw e;
      }
      return "never";
    }));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
    TaskHandle handle = client.submit(TaskRequest.builder("long").build());
    assertThat(startedOnA.await(60, TimeUnit.SECONDS)).isTrue();
    Worker b = cluster.worker(workerConfig(coordinator, "b"), w -> w.handler("long", ctx -> "finished on b"));
    await().atMost(PROMPTLY).until(() -> client.workers().size() == 2);

    a.close();
    Instant closed = Instant.now();

    ExecutionInfo info = handle.result().get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(Duration.between(closed, Instant.now())).isLessThan(LONG_LEASE); // taken over before the claim lease could expire
    assertThat(info.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(info.result().asText()).isEqualTo("finished on b");
    assertThat(info.workerId()).isEqualTo(b.id());
    assertThat(info.attempt()).as("the handed back attempt runs again as the same attempt").isEqualTo(1);
    assertThat(interruptedOnA.get()).isEqualTo(1);
    assertThat(a.state()).isEqualTo(Worker.State.STOPPED);
  }

  @Test
  void aClosedLeaderIsSucceededByTheStandbyBeforeItsLeaseWouldExpireWithNoFireLostOrDoubled() {
    CoordinatorConfig.Scheduling s = cluster.coordinatorConfig(0).scheduling();
    CoordinatorConfig.Scheduling longLease = new CoordinatorConfig.Scheduling(s.registryTopic(), s.firesTopic(), s.eventsTopic(),
        s.eventsTopicPartitions(), s.defaultZone(), s.misfireGrace(), LONG_LEASE, s.tasksFile(), s.fireAhead(), s.lifecycleTopic());
    Coordinator a = cluster.coordinator(cluster.coordinatorConfig(0).withCoordinatorId("ca-" + cluster.namespace()).withScheduling(longLease));
    Coordinator b = cluster.coordinator(cluster.coordinatorConfig(0).withCoordinatorId("cb-" + cluster.namespace()).withScheduling(longLease));
    List<String> addresses = List.of(TestCluster.address(a), TestCluster.address(b));
    Runs runs = new Runs();
    cluster.worker(cluster.workerConfig(addresses), w -> w.handler("record", runs.recorder()));
    TaskgridClient client = cluster.own(TaskgridClient.builder().coordinators(addresses).build());
    client.tasks().create(TaskDefinition.builder("tick", "record").cron("* * * * * *").build());

    await().atMost(PROMPTLY).until(() -> a.isLeading() || b.isLeading());
    Coordinator leader = a.isLeading() ? a : b;
    Coordinator standby = leader == a ? b : a;
    await().atMost(PROMPTLY).until(() -> runs.span("tick").toSeconds() >= 5);

    leader.close();
    Instant closed = Instant.now();
    await().atMost(PROMPTLY).until(standby::isLeading);
    assertThat(Duration.between(closed, Instant.now())).isLessThan(LONG_LEASE);
    await().atMost(PROMPTLY).until(() -> !runs.fireTimes("tick", t -> t.isAfter(closed.plusSeconds(10))).isEmpty());

    assertThat(runs.gaps("tick")).as("seconds that never ran: %s", runs.describe("tick")).isEmpty();
    assertThat(runs.doubles("tick")).as("seconds that ran twice: %s", runs.describe("tick")).isEmpty();
  }
}
