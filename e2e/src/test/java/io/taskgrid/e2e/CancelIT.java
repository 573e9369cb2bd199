package io.taskgrid.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskgrid.client.ExecutionInfo;
import io.taskgrid.client.ExecutionQuery;
import io.taskgrid.client.ExecutionStatus;
import io.taskgrid.client.TaskHandle;
import io.taskgrid.client.TaskRequest;
import io.taskgrid.client.TaskgridClient;
import io.taskgrid.client.TaskgridExecutionEndedException;
import io.taskgrid.client.TaskgridNotFoundException;
import io.taskgrid.coordinator.Coordinator;
import io.taskgrid.core.keyspace.Keyspace;
import io.taskgrid.e2e.support.Inspect;
import io.taskgrid.e2e.support.TestCluster;
import io.taskgrid.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/** Cancel in each state, and the execution history, through the SDK against real Kafka and Redis. */
class CancelIT {
  private final TestCluster cluster = new TestCluster();
  private final Set<String> ran = ConcurrentHashMap.newKeySet();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final CountDownLatch blocking = new CountDownLatch(1);
  private Coordinator coordinator;
  private TaskgridClient client;

  private Worker.Builder handlers(Worker.Builder b) {
    return b
        .handler("count", ctx -> {
          ran.add(ctx.executionId());
          return "ran";
        })
        .handler("block", ctx -> {
          started.incrementAndGet();
          blocking.countDown();
          try {
            Thread.sleep(120_000);
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
          return "never";
        });
  }

  @BeforeEach
  void start() {
    coordinator = cluster.coordinator();
    client = cluster.own(TaskgridClient.builder().coordinators(TestCluster.address(coordinator)).build());
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Worker worker() {
    return cluster.worker(List.of(TestCluster.address(coordinator)), this::handlers);
  }

  private void awaitAllConsumed(long messages) {
    await().atMost(Duration.ofSeconds(60)).until(() ->
        Inspect.committedBy(cluster.infra().kafkaBootstrap(), cluster.group(), cluster.topic()) == messages);
  }

  @Test
  void aRunningExecutionHasItsHandlerInterruptedAndItsWaiterGetsCancelled() throws Exception {
    worker();
    TaskHandle handle = client.submit(TaskRequest.builder("block").timeout(Duration.ofMinutes(5)).build());
    assertThat(blocking.await(60, TimeUnit.SECONDS)).isTrue();
    var waiting = handle.result();

    ExecutionInfo answer = handle.cancel();

    assertThat(answer.status()).isIn(ExecutionStatus.RUNNING, ExecutionStatus.CANCELLED);
    ExecutionInfo end = waiting.get(30, TimeUnit.SECONDS);
    assertThat(end.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(end.reason()).isEqualTo("cancelled");
    assertThat(end.error().type()).isEqualTo("taskgrid.Cancelled");
    await().atMost(Duration.ofSeconds(10)).untilTrue(interrupted);
    assertThat(client.cancel(handle.id()).status()).isEqualTo(ExecutionStatus.CANCELLED);
  }

  @Test
  void aPendingExecutionEndsCancelledAndItsMessageNeverRunsTheHandler() throws Exception {
    TaskHandle handle = client.submit(TaskRequest.builder("count").build());

    ExecutionInfo answer = handle.cancel();
    assertThat(answer.status()).isEqualTo(ExecutionStatus.CANCELLED);
    assertThat(answer.reason()).isEqualTo("cancelled");
    assertThat(handle.result().get(10, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.CANCELLED);

    TaskHandle other = client.submit(TaskRequest.builder("count").build());
    worker();
    assertThat(other.result().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    awaitAllConsumed(2);
    assertThat(ran).containsExactly(other.id());
  }

  @Test
  void anExecutionThatEndedOtherwiseCannotBeCancelled() throws Exception {
    worker();
    TaskHandle handle = client.submit(TaskRequest.builder("count").build());
    assertThat(handle.result().get(60, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.SUCCEEDED);

    assertThatThrownBy(handle::cancel).isInstanceOf(TaskgridExecutionEndedException.class).hasMessageContaining("SUCCEEDED");
    assertThat(client.get(handle.id()).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
  }

  @Test
  void anUnknownExecutionIsNotFound() {
    assertThatThrownBy(() -> client.cancel(UUID.randomUUID().toString())).isInstanceOf(TaskgridNotFoundException.class);
  }

  @Test
  void aCancelOfAnExecutionWhoseRecordRedisLostStillStopsItsMessage() throws Exception {
    TaskHandle handle = client.submit(TaskRequest.builder("count").build());
    RedissonClient redis = Inspect.redis(cluster.redisUrl());
    try {
      redis.getKeys().delete(new Keyspace(cluster.namespace()).execution(handle.id()));
      assertThatThrownBy(handle::cancel).isInstanceOf(TaskgridNotFoundException.class);

      worker();
      awaitAllConsumed(1);
      assertThat(ran).isEmpty();
      ExecutionInfo rebuilt = client.get(handle.id());
      assertThat(rebuilt.status()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(rebuilt.reason()).isEqualTo("cancelled");
    } finally {
      redis.shutdown();
    }
  }

  @Test
  void aRunningExecutionWhoseWorkerDiedEndsCancelledInsteadOfRunningAgain() throws Exception {
    Worker first = worker();
    TaskHandle handle = client.submit(TaskRequest.builder("block").timeout(Duration.ofMinutes(5)).build());
    assertThat(blocking.await(60, TimeUnit.SECONDS)).isTrue();
    first.halt();

    assertThat(handle.cancel().status()).isEqualTo(ExecutionStatus.RUNNING);
    worker();

    ExecutionInfo end = handle.result().get(60, TimeUnit.SECONDS);
    assertThat(end.status()).isEqualTo(ExecutionStatus.CANCELLED);
    awaitAllConsumed(1);
    assertThat(started.get()).isEqualTo(1);
  }

  @Test
  void theHistoryListsExecutionsNewestFirstWithFiltersAndPages() throws Exception {
    worker();
    List<TaskHandle> handles = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      handles.add(client.submit(TaskRequest.builder("count").label("batch", i % 2 == 0 ? "even" : "odd").build()));
    }
    for (TaskHandle h : handles) h.result().get(60, TimeUnit.SECONDS);
    TaskHandle cancelled = client.submit(TaskRequest.builder("block").timeout(Duration.ofMinutes(5)).build());
    assertThat(blocking.await(60, TimeUnit.SECONDS)).isTrue();
    cancelled.cancel();
    assertThat(cancelled.result().get(30, TimeUnit.SECONDS).status()).isEqualTo(ExecutionStatus.CANCELLED);

    List<ExecutionInfo> counts = client.listAllExecutions(ExecutionQuery.all().withHandler("count").withPageSize(4)).toList();
    assertThat(counts).extracting(ExecutionInfo::executionId)
        .containsExactlyInAnyOrderElementsOf(handles.stream().map(TaskHandle::id).toList());
    assertThat(counts).extracting(ExecutionInfo::submittedAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());

    assertThat(client.listAllExecutions(ExecutionQuery.all().withLabel("batch", "even")).count()).isEqualTo(15);
    List<ExecutionInfo> cancels = client.listAllExecutions(ExecutionQuery.all().withStatuses(ExecutionStatus.CANCELLED)).toList();
    assertThat(cancels).singleElement().satisfies(e -> {
      assertThat(e.executionId()).isEqualTo(cancelled.id());
      assertThat(e.reason()).isEqualTo("cancelled");
    });
    var page = client.listExecutions(ExecutionQuery.all().withPageSize(10));
    assertThat(page.executions()).hasSize(10);
    assertThat(page.executions().get(0).executionId()).isEqualTo(cancelled.id());
    assertThat(page.nextPageToken()).isPresent();
    assertThatThrownBy(() -> client.listExecutions(ExecutionQuery.all().withPageSize(5000)))
        .isInstanceOf(io.taskgrid.client.TaskgridInvalidArgumentException.class).hasMessageContaining("page_size");
  }
}
